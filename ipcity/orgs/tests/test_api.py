"""The /api/orgs and /api/accounts endpoints over real HTTP (live server)."""

from typing import Any

import pytest

from ipcity.core.models import AuditEntry
from ipcity.orgs.models import Certification, Department, District, Entity

from .fixtures import make_uscc

pytestmark = pytest.mark.django_db(transaction=True)


def test_departments_and_districts_are_public(http: Any, orgs: Any) -> None:
    depts = http.get("/api/orgs/departments").json()
    assert "市市场监管局" in [d["name"] for d in depts]
    districts = http.get("/api/orgs/districts?kind=management_committee").json()
    assert {d["name"] for d in districts} == {"烟台黄渤海新区", "烟台高新区", "长岛综合试验区"}
    assert http.get("/api/orgs/districts?kind=planet").status_code == 422


def test_entities_need_authentication(http: Any, entity: Any) -> None:
    assert http.get("/api/orgs/entities").status_code == 401
    assert http.get(f"/api/orgs/entities/{entity.pk}").status_code == 401


@pytest.mark.parametrize("role", ["plan_office", "admin", "auditor", "department", "finance"])
def test_staff_roles_read_all_entities(http: Any, users: Any, other_entity: Any, role: str) -> None:
    body = http.as_user(users[role]).get("/api/orgs/entities").json()
    assert body["count"] == 2


def test_applicant_sees_only_own_entity(http: Any, users: Any, entity: Any, other_entity: Any) -> None:
    client = http.as_user(users["applicant"])
    body = client.get("/api/orgs/entities").json()
    assert [e["uscc"] for e in body["items"]] == [entity.uscc]
    assert client.get(f"/api/orgs/entities/{other_entity.pk}").status_code == 404
    assert client.get(f"/api/orgs/entities/{entity.pk}").status_code == 200


def test_entity_list_uses_the_shared_filter(http: Any, users: Any, entity: Any, other_entity: Any) -> None:
    client = http.as_user(users["plan_office"])
    body = client.get("/api/orgs/entities", params={"district": other_entity.district_id}).json()
    assert [e["id"] for e in body["items"]] == [other_entity.pk]
    assert client.get("/api/orgs/entities", params={"q": entity.uscc[-6:]}).json()["count"] == 1
    assert client.get("/api/orgs/entities", params={"district": "abc"}).status_code == 422


def test_create_entity_and_certification(http: Any, users: Any, orgs: Any) -> None:
    client = http.as_user(users["plan_office"])
    response = client.post(
        "/api/orgs/entities",
        json={
            "uscc": make_uscc(900).lower(),
            "name": "烟台接口公司",
            "kind": "enterprise",
            "district_id": orgs["districts"]["招远市"].pk,
        },
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["uscc"] == make_uscc(900) and body["district"] == "招远市"
    cert = client.post(
        f"/api/orgs/entities/{body['id']}/certifications",
        json={"kind": "demonstration", "level": "national", "year": 2024, "source": "国知发〔2024〕1号"},
    )
    assert cert.status_code == 201, cert.text
    assert client.get(f"/api/orgs/entities/{body['id']}").json()["certifications"][0]["level"] == "national"
    assert (
        client.delete(f"/api/orgs/entities/{body['id']}/certifications/{cert.json()['id']}").status_code
        == 204
    )
    assert not Certification.objects.exists()
    assert AuditEntry.objects.filter(action="entity.create", actor=users["plan_office"]).exists()


def test_wrong_check_character_is_a_422_in_both_languages(http: Any, users: Any, orgs: Any) -> None:
    good = make_uscc(901)
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    client = http.as_user(users["admin"])
    payload = {"uscc": wrong, "name": "x", "kind": "enterprise"}
    zh = client.post("/api/orgs/entities", json=payload)
    assert zh.status_code == 422
    assert zh.json()["detail"][0]["field"] == "uscc"
    assert "校验" in zh.json()["detail"][0]["message"]
    en = client.post("/api/orgs/entities", json=payload, headers={"Accept-Language": "en"})
    assert en.status_code == 422 and "check character" in en.json()["detail"][0]["message"]
    assert not Entity.objects.filter(name="x").exists()


@pytest.mark.parametrize(
    "payload",
    [
        {"uscc": "x", "name": "x", "kind": "enterprise"},
        {"uscc": make_uscc(902), "name": "x", "kind": "rocket"},
        {"uscc": make_uscc(902), "name": "", "kind": "enterprise"},
        {"uscc": make_uscc(902), "name": "x", "kind": "enterprise", "district_id": 999999},
        {"uscc": make_uscc(902), "name": "x" * 201, "kind": "enterprise"},
        {"uscc": 12345, "name": ["x"], "kind": None},
        {},
    ],
)
def test_typed_input_never_500(http: Any, users: Any, orgs: Any, payload: dict[str, Any]) -> None:
    response = http.as_user(users["admin"]).post("/api/orgs/entities", json=payload)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["message"]
    assert Entity.objects.count() == 1  # only the applicant's entity of the `users` fixture


def test_duplicate_uscc_is_422(http: Any, users: Any, entity: Any) -> None:
    response = http.as_user(users["admin"]).post(
        "/api/orgs/entities", json={"uscc": entity.uscc, "name": "dup", "kind": "enterprise"}
    )
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "uscc"


def test_certification_bad_input(http: Any, users: Any, entity: Any) -> None:
    client = http.as_user(users["plan_office"])
    for payload in (
        {"kind": "advantage", "level": "cosmic", "year": 2023, "source": "s"},
        {"kind": "advantage", "level": "national", "year": 1989, "source": "s"},
        {"kind": "advantage", "level": "national", "year": 2023, "source": ""},
    ):
        assert client.post(f"/api/orgs/entities/{entity.pk}/certifications", json=payload).status_code == 422
    ok = {"kind": "advantage", "level": "national", "year": 2023, "source": "s"}
    assert client.post(f"/api/orgs/entities/{entity.pk}/certifications", json=ok).status_code == 201
    again = client.post(f"/api/orgs/entities/{entity.pk}/certifications", json=ok)
    assert again.status_code == 422


@pytest.mark.parametrize("role", ["department", "finance", "applicant", "auditor"])
def test_entity_writes_refused(http: Any, users: Any, entity: Any, role: str) -> None:
    client = http.as_user(users[role])
    create = client.post(
        "/api/orgs/entities", json={"uscc": make_uscc(903), "name": "x", "kind": "enterprise"}
    )
    assert create.status_code == 403
    assert client.patch(f"/api/orgs/entities/{entity.pk}", json={"name": "hijack"}).status_code in (403,)
    cert = {"kind": "advantage", "level": "national", "year": 2023, "source": "s"}
    assert client.post(f"/api/orgs/entities/{entity.pk}/certifications", json=cert).status_code == 403
    entity.refresh_from_db()
    assert entity.name != "hijack" and Entity.objects.count() == 1


def test_applicant_edits_own_contact_only(http: Any, users: Any, entity: Any, other_entity: Any) -> None:
    client = http.as_user(users["applicant"])
    ok = client.patch(f"/api/orgs/entities/{entity.pk}/contact", json={"contact_phone": "0535-999"})
    assert ok.status_code == 200 and ok.json()["contact_phone"] == "0535-999"
    other = client.patch(f"/api/orgs/entities/{other_entity.pk}/contact", json={"contact_phone": "x"})
    assert other.status_code == 404
    other_entity.refresh_from_db()
    assert other_entity.contact_phone == ""


@pytest.mark.parametrize("role", ["department", "finance", "auditor"])
def test_contact_edit_refused_for_readers(http: Any, users: Any, entity: Any, role: str) -> None:
    response = http.as_user(users[role]).patch(
        f"/api/orgs/entities/{entity.pk}/contact", json={"contact_phone": "1"}
    )
    assert response.status_code == 403


def test_manage_departments_and_districts(http: Any, users: Any, orgs: Any) -> None:
    client = http.as_user(users["admin"])
    dept = client.post(
        "/api/orgs/departments", json={"code": "customs", "name": "烟台海关", "name_en": "Customs"}
    )
    assert dept.status_code == 201
    patched = client.patch(f"/api/orgs/departments/{dept.json()['id']}", json={"is_active": False})
    assert patched.json()["is_active"] is False
    dup = client.post("/api/orgs/departments", json={"code": "customs", "name": "另一个"})
    assert dup.status_code == 422 and dup.json()["detail"][0]["field"] == "code"
    office = http.as_user(users["plan_office"])
    district = office.post("/api/orgs/districts", json={"code": "xq", "name": "新区", "kind": "district"})
    assert district.status_code == 201
    bad = office.post("/api/orgs/districts", json={"code": "xq2", "name": "新区2", "kind": "moon"})
    assert bad.status_code == 422


@pytest.mark.parametrize("role", ["department", "finance", "applicant", "auditor"])
def test_structure_writes_refused(http: Any, users: Any, orgs: Any, role: str) -> None:
    client = http.as_user(users[role])
    assert client.post("/api/orgs/departments", json={"code": "c", "name": "n"}).status_code == 403
    assert (
        client.post("/api/orgs/districts", json={"code": "c", "name": "n", "kind": "district"}).status_code
        == 403
    )
    dept = Department.objects.first()
    assert dept is not None
    assert client.patch(f"/api/orgs/departments/{dept.pk}", json={"name": "x"}).status_code == 403
    assert not District.objects.filter(code="c").exists()


def test_me(http: Any, users: Any, entity: Any) -> None:
    assert http.get("/api/accounts/me").status_code == 401
    body = http.as_user(users["applicant"]).get("/api/accounts/me").json()
    assert (
        body["role"] == "applicant" and body["entity"]["uscc"] == entity.uscc and body["department"] is None
    )
    body = http.as_user(users["finance"]).get("/api/accounts/me").json()
    assert body["department"]["name"] == "市财政局"


def test_token_auth_unaffected_by_login_lockout(http: Any, users: Any) -> None:
    user = users["auditor"]
    client = http.as_user(user)
    for _ in range(6):
        http.post("/accounts/login/", data={"username": user.username, "password": "wrong"})
    assert client.get("/api/accounts/me").status_code == 200


def test_deactivated_users_token_refused(http: Any, users: Any) -> None:
    client = http.as_user(users["finance"])
    users["finance"].is_active = False
    users["finance"].save()
    assert client.get("/api/accounts/me").status_code == 401


def test_session_api_write_needs_csrf(http: Any, users: Any, orgs: Any) -> None:
    """A browser session may use the API, but an unsafe method without the CSRF token is refused."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(users["admin"])
    response = client.post(
        "/api/orgs/departments", data={"code": "x", "name": "x"}, content_type="application/json"
    )
    assert response.status_code in (401, 403)
    assert not Department.objects.filter(code="x").exists()


@pytest.mark.parametrize(
    "url",
    [
        "/api/orgs/entities/99999999999999999999",
        "/api/orgs/entities/-1",
        "/api/orgs/departments/9223372036854775808",
        "/api/orgs/districts/99999999999999999999",
    ],
)
def test_huge_ids_are_404(http: Any, users: Any, url: str) -> None:
    response = http.as_user(users["auditor"]).get(url)
    assert response.status_code == 404 and response.json() == {"detail": "未找到。", "code": "not_found"}


@pytest.mark.parametrize("param", ["offset", "limit"])
def test_entity_list_huge_paging_is_422(http: Any, users: Any, entity: Any, param: str) -> None:
    """Regression: ?offset= beyond a 64-bit integer reached the database driver (a 500)."""
    client = http.as_user(users["plan_office"])
    response = client.get("/api/orgs/entities", params={param: "10468315364624560049285882707968"})
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == param
    assert client.get("/api/orgs/entities", params={param: str(2**63 - 1)}).status_code == 200
    assert client.get("/api/orgs/entities", params={param: "-1"}).status_code == 422


def test_patch_null_leaves_required_fields_unchanged(http: Any, users: Any, entity: Any) -> None:
    """Regression: `null` for a NOT NULL column in a PATCH was an integrity error (a 500)."""
    client = http.as_user(users["admin"])
    dept = Department.objects.get(name="市市场监管局")
    response = client.patch(
        f"/api/orgs/departments/{dept.pk}", json={"name_en": None, "name": None, "order": 7}
    )
    assert response.status_code == 200 and response.json()["order"] == 7
    dept_after = Department.objects.get(pk=dept.pk)
    assert (dept_after.name, dept_after.name_en) == (dept.name, dept.name_en)

    district = District.objects.exclude(pk=entity.district_id).first()
    assert district is not None
    response = client.patch(f"/api/orgs/districts/{district.pk}", json={"kind": None, "name": None})
    assert response.status_code == 200 and response.json()["name"] == district.name

    response = client.patch(
        f"/api/orgs/entities/{entity.pk}", json={"contact_phone": None, "contact_name": "张三"}
    )
    assert response.status_code == 200 and response.json()["contact_name"] == "张三"
    response = client.patch(f"/api/orgs/entities/{entity.pk}/contact", json={"address": None})
    assert response.status_code == 200
    entity_after = Entity.objects.get(pk=entity.pk)
    assert (entity_after.contact_phone, entity_after.address) == (entity.contact_phone, entity.address)

    cleared = client.patch(f"/api/orgs/entities/{entity.pk}", json={"district_id": None})
    assert cleared.status_code == 200 and cleared.json()["district_id"] is None
