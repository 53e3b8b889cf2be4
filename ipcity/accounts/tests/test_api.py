"""/api/accounts over real HTTP."""

from typing import Any

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_me_for_each_role(http: Any, users: Any) -> None:
    for role, user in users.items():
        body = http.as_user(user).get("/api/accounts/me").json()
        assert body["username"] == user.username and body["role"] == role


def test_me_pending_applicant(http: Any, entity: Any, orgs: Any) -> None:
    from ipcity.accounts.services import user_register

    user = user_register(
        username="pend", password="Yantai2024-ok", email="p@x.cn", display_name="p", uscc=entity.uscc
    )
    body = http.as_user(user).get("/api/accounts/me").json()
    assert body["entity"] is None and body["pending_entity"]["uscc"] == entity.uscc


@pytest.mark.parametrize("role", ["admin", "auditor"])
def test_user_list(http: Any, users: Any, role: str) -> None:
    client = http.as_user(users[role])
    body = client.get("/api/accounts/users", params={"role": "finance"}).json()
    assert [u["username"] for u in body["items"]] == [users["finance"].username]
    assert client.get("/api/accounts/users", params={"role": "emperor"}).status_code == 422


@pytest.mark.parametrize("role", ["plan_office", "department", "finance", "applicant"])
def test_user_list_refused(http: Any, users: Any, role: str) -> None:
    assert http.as_user(users[role]).get("/api/accounts/users").status_code == 403


def test_bad_token_refused(http: Any, users: Any) -> None:
    assert http.get("/api/accounts/me", headers={"Authorization": "Bearer ipc_forged"}).status_code == 401


@pytest.mark.parametrize("param", ["offset", "limit"])
def test_user_list_huge_paging_is_422(http: Any, users: Any, param: str) -> None:
    """Regression: ?offset= beyond a 64-bit integer reached the database driver (a 500)."""
    client = http.as_user(users["admin"])
    response = client.get("/api/accounts/users", params={param: "9" * 30})
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == param
    edge = client.get("/api/accounts/users", params={param: str(2**63 - 1)})
    assert edge.status_code == 200
