from typing import Any

import pytest
from django.test import Client

from ipcity.accounts.models import ApiToken, User
from ipcity.core.models import AuditEntry
from ipcity.orgs.models import Entity
from ipcity.orgs.tests.fixtures import make_uscc

pytestmark = pytest.mark.django_db

PASSWORD = "Passw0rd-test"


def test_login_page_and_login(client: Client, users: Any) -> None:
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    response = client.post("/accounts/login/", {"username": users["auditor"].username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/accounts/me/").status_code == 200


def test_wrong_password_stays_on_login_page(client: Client, users: Any) -> None:
    response = client.post("/accounts/login/", {"username": users["auditor"].username, "password": "nope"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_session_cookie_is_httponly(client: Client, users: Any) -> None:
    response = client.post("/accounts/login/", {"username": users["auditor"].username, "password": PASSWORD})
    assert response.cookies["sessionid"]["httponly"] is True


def test_login_form_requires_csrf(users: Any) -> None:
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/accounts/login/", {"username": users["auditor"].username, "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in strict.session


def test_pages_post_without_csrf_refused(users: Any) -> None:
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(users["admin"])
    response = strict.post(
        "/accounts/users/new/",
        {"username": "viacsrf", "role": "auditor", "password": "Yantai2024-ok"},
    )
    assert response.status_code == 403
    assert not User.objects.filter(username="viacsrf").exists()


def test_logout_is_post(client: Client, users: Any) -> None:
    client.force_login(users["auditor"])
    assert client.get("/accounts/logout/").status_code == 405
    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session


def test_lockout_after_five_failures_shows_locked_page(client: Client, users: Any) -> None:
    username = users["auditor"].username
    for _ in range(5):
        client.post("/accounts/login/", {"username": username, "password": "wrong-password"})
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]
    assert "_auth_user_id" not in client.session
    # another user from the same address is not locked (lockout is per username + address)
    ok = client.post("/accounts/login/", {"username": users["finance"].username, "password": PASSWORD})
    assert ok.status_code == 302


def test_four_failures_do_not_lock(client: Client, users: Any) -> None:
    username = users["auditor"].username
    for _ in range(4):
        client.post("/accounts/login/", {"username": username, "password": "wrong-password"})
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302


def test_change_password(client: Client, users: Any) -> None:
    client.force_login(users["finance"])
    bad = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    assert bad.status_code == 200
    good = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "Yantai2024-new", "new_password2": "Yantai2024-new"},
    )
    assert good.status_code == 302
    users["finance"].refresh_from_db()
    assert users["finance"].check_password("Yantai2024-new")


# --- registration -------------------------------------------------------------------------------


def _registration(**overrides: Any) -> dict[str, Any]:
    data = {
        "uscc": make_uscc(500),
        "entity_name": "烟台注册测试有限公司",
        "entity_kind": "enterprise",
        "district": "",
        "contact_phone": "0535-1",
        "display_name": "赵六",
        "email": "zl@example.cn",
        "username": "zhaoliu",
        "password": "Yantai2024-ok",
        "password2": "Yantai2024-ok",
    }
    data.update(overrides)
    return data


def test_register_new_entity_then_login(client: Client, orgs: Any, users: Any) -> None:
    response = client.post("/accounts/register/", _registration(district=orgs["districts"]["莱州市"].pk))
    assert response.status_code == 302
    user = User.objects.get(username="zhaoliu")
    assert user.entity is None and user.pending_entity is not None  # finding 11: pending, not linked
    assert user.pending_entity.uscc == make_uscc(500)
    assert user.pending_entity.district is not None and user.pending_entity.district.name == "莱州市"
    office = Client()
    office.force_login(users["plan_office"])
    office.post(f"/accounts/pending/{user.pk}/", {"decision": "confirm", "reason": "营业执照已核对"})
    client.post("/accounts/logout/")
    again = client.post("/accounts/login/", {"username": "zhaoliu", "password": "Yantai2024-ok"})
    assert again.status_code == 302
    assert client.get("/orgs/my-entity/").status_code == 200


def test_register_existing_entity_pending_and_plan_office_confirms(
    client: Client, entity: Any, users: Any
) -> None:
    client.post("/accounts/register/", _registration(uscc=entity.uscc, entity_name="", entity_kind=""))
    user = User.objects.get(username="zhaoliu")
    assert user.is_entity_pending
    page = client.get("/orgs/my-entity/")
    assert entity.name in page.content.decode() and "id_contact_phone" not in page.content.decode()
    office = Client()
    office.force_login(users["plan_office"])
    assert "zhaoliu" in office.get("/accounts/pending/").content.decode()
    office.post(f"/accounts/pending/{user.pk}/", {"decision": "confirm"})
    user.refresh_from_db()
    assert user.entity == entity


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"uscc": make_uscc(500)[:17] + "?"}, "uscc"),
        ({"password2": "different1x"}, "password2"),
        ({"password": "abc", "password2": "abc"}, "password"),
        ({"entity_name": ""}, "entity_name"),
        ({"email": "not-an-email"}, "email"),
    ],
)
def test_register_errors_per_field(client: Client, orgs: Any, overrides: dict[str, Any], field: str) -> None:
    response = client.post("/accounts/register/", _registration(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors.get(field)
    assert not User.objects.filter(username="zhaoliu").exists()
    assert not Entity.objects.exists()


def test_register_username_taken(client: Client, users: Any) -> None:
    response = client.post("/accounts/register/", _registration(username=users["auditor"].username.upper()))
    assert response.context["form"].errors.get("username")


# --- API tokens ----------------------------------------------------------------------------------


def test_token_page_shows_raw_token_once(client: Client, users: Any) -> None:
    client.force_login(users["department"])
    response = client.post("/accounts/tokens/", {"name": "reporting script"})
    raw = response.context["raw_token"]
    assert raw and raw in response.content.decode()
    assert ApiToken.objects.get(user=users["department"]).digest == ApiToken.digest_of(raw)
    assert raw not in client.get("/accounts/tokens/").content.decode()


def test_token_revoke_only_own(client: Client, users: Any) -> None:
    from ipcity.accounts.services import api_token_create

    token, _raw = api_token_create(actor=None, user=users["finance"], name="x")
    client.force_login(users["department"])
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()


# --- user management ------------------------------------------------------------------------------


def test_admin_manages_users(client: Client, users: Any, orgs: Any) -> None:
    client.force_login(users["admin"])
    assert client.get("/accounts/users/?role=auditor").status_code == 200
    response = client.post(
        "/accounts/users/new/",
        {
            "username": "newfin",
            "display_name": "新财务",
            # a department user: a finance account needs a second administrator (test_separation.py)
            "role": "department",
            "department": orgs["departments"]["市财政局"].pk,
            "entity": "",
            "password": "Yantai2024-ok",
        },
    )
    assert response.status_code == 302
    new = User.objects.get(username="newfin")
    assert new.department == orgs["departments"]["市财政局"]
    client.post(f"/accounts/users/{new.pk}/active/", {"active": "0"})
    new.refresh_from_db()
    assert not new.is_active
    client.post(f"/accounts/users/{new.pk}/password/", {"password": "Another2024x"})
    new.refresh_from_db()
    assert new.check_password("Another2024x")
    actions = set(AuditEntry.objects.filter(object_id=str(new.pk)).values_list("action", flat=True))
    assert {"user.create", "user.deactivate", "user.reset_password"} <= actions


def test_admin_user_form_requires_department(client: Client, users: Any) -> None:
    client.force_login(users["admin"])
    response = client.post(
        "/accounts/users/new/", {"username": "nodept", "role": "finance", "password": "Yantai2024-ok"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors.get("department")
    assert not User.objects.filter(username="nodept").exists()


@pytest.mark.parametrize("role", ["plan_office", "department", "finance", "applicant", "auditor"])
def test_user_management_refused_for_other_roles(client: Client, users: Any, role: str) -> None:
    client.force_login(users[role])
    assert client.get("/accounts/users/").status_code == 403
    response = client.post(
        "/accounts/users/new/", {"username": "sneaky", "role": "admin", "password": "Yantai2024-ok"}
    )
    assert response.status_code == 403
    target = users["auditor"] if role != "auditor" else users["finance"]
    assert client.post(f"/accounts/users/{target.pk}/active/", {"active": "0"}).status_code == 403
    assert not User.objects.filter(username="sneaky").exists()
    target.refresh_from_db()
    assert target.is_active


def test_anonymous_redirected_to_login(client: Client, orgs: Any) -> None:
    response = client.get("/accounts/users/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", ["department", "finance", "applicant", "auditor", "admin"])
def test_pending_confirmation_only_plan_office(client: Client, users: Any, role: str) -> None:
    client.force_login(users[role])
    assert client.get("/accounts/pending/").status_code == 403


# --- Django admin site -----------------------------------------------------------------------------


def test_admin_site_read_only_for_admin_role(client: Client, users: Any) -> None:
    client.force_login(users["admin"])
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200
    assert client.get(f"/admin/accounts/user/{users['auditor'].pk}/change/").status_code == 200  # view only
    assert client.get("/admin/accounts/user/add/").status_code == 403
    response = client.post(
        f"/admin/accounts/user/{users['auditor'].pk}/change/", {"username": "renamed", "role": "admin"}
    )
    assert response.status_code == 403
    assert (
        client.post(f"/admin/accounts/user/{users['auditor'].pk}/delete/", {"post": "yes"}).status_code == 403
    )
    users["auditor"].refresh_from_db()
    assert users["auditor"].username != "renamed"
    assert client.get("/admin/orgs/entity/add/").status_code == 403


@pytest.mark.parametrize("role", ["plan_office", "department", "finance", "applicant", "auditor"])
def test_admin_site_refused_for_other_roles(client: Client, users: Any, role: str) -> None:
    user = users[role]
    user.is_staff = True  # even a staff flag set by mistake does not open the admin site
    user.save()
    client.force_login(user)
    # A redirect alone proves nothing (it could lead anywhere): follow it to the refusal.
    for url in ("/admin/", "/admin/accounts/user/"):
        response = client.get(url, follow=True)
        assert response.status_code == 403, url
    assert client.get("/admin/login/").status_code == 403


def test_admin_login_page_goes_to_platform_login(client: Client, orgs: Any) -> None:
    response = client.get("/admin/")
    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert follow.status_code == 302 and "/accounts/login/" in follow["Location"]
