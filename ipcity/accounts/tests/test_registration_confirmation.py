"""Finding 11: self-registration never links a user to an entity at once; the plan office confirms or
refuses (with a reason) on its queue, page or API, after checking the uploaded business licence.
Registration is throttled per address and does not tell taken names from reserved ones; login does not
tell unknown users from wrong passwords."""

from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ipcity.accounts import services
from ipcity.accounts.models import User
from ipcity.core.models import AuditEntry
from ipcity.core.sample_files import minimal_pdf
from ipcity.orgs.models import Entity
from ipcity.orgs.tests.fixtures import make_uscc

pytestmark = pytest.mark.django_db

PASSWORD = "Passw0rd-test"
GOOD = "Yantai2024-ok"
FORBIDDEN = ["department", "finance", "applicant", "auditor", "admin"]


def _form(n: int = 600, **overrides: Any) -> dict[str, Any]:
    data = {
        "uscc": make_uscc(n),
        "entity_name": "烟台确认测试有限公司",
        "entity_kind": "enterprise",
        "district": "",
        "contact_phone": "",
        "display_name": "孙八",
        "email": "sb@example.cn",
        "username": f"sunba{n}",
        "password": GOOD,
        "password2": GOOD,
    }
    data.update(overrides)
    return data


def _register(n: int = 600, **overrides: Any) -> User:
    data = _form(n, **overrides)
    return services.user_register(
        username=data["username"],
        password=GOOD,
        email=data["email"],
        display_name=data["display_name"],
        uscc=data["uscc"],
        entity_name=data["entity_name"],
        entity_kind=data["entity_kind"],
        licence=data.get("licence"),
    )


def _licence(name: str = "营业执照.pdf", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, content if content is not None else minimal_pdf("licence"), content_type="application/pdf"
    )


def _office(users: Any) -> Client:
    office = Client()
    office.force_login(users["plan_office"])
    return office


# --- nobody is linked at once ----------------------------------------------------------------------


def test_registration_of_an_unregistered_uscc_is_pending(client: Client, orgs: Any) -> None:
    response = client.post("/accounts/register/", _form(601))
    assert response.status_code == 302
    user = User.objects.get(username="sunba601")
    assert user.entity is None and user.is_entity_pending
    assert client.get("/api/accounts/me").json()["entity"] is None


def test_second_registration_for_a_claimed_uscc_gains_nothing(
    client: Client, entity: Any, users: Any
) -> None:
    """The entity already has a confirmed applicant; a stranger registering its USCC waits, and the
    entity's data is not changed."""
    name = entity.name
    response = client.post("/accounts/register/", _form(uscc=entity.uscc, entity_name="抢注公司"))
    assert response.status_code == 302
    user = User.objects.get(username="sunba600")
    assert user.entity is None and user.pending_entity == entity
    entity.refresh_from_db()
    assert entity.name == name
    assert client.get("/api/accounts/me").json()["entity"] is None
    row = _office(users).get("/accounts/pending/").content.decode()
    assert "sunba600" in row and "entity-has-users" in row  # the office sees someone already acts for it


def test_same_answer_for_a_new_and_an_existing_entity(client: Client, entity: Any, orgs: Any) -> None:
    first = client.post("/accounts/register/", _form(602), follow=True).content.decode()
    other = Client()
    second = other.post("/accounts/register/", _form(603, uscc=entity.uscc), follow=True).content.decode()
    marker = "计划办确认您隶属于该单位后"
    assert marker in first and marker in second


# --- the plan office decides -------------------------------------------------------------------------


def test_plan_office_confirms_with_a_reason_on_the_page(orgs: Any, users: Any) -> None:
    user = _register(610)
    response = _office(users).post(
        f"/accounts/pending/{user.pk}/", {"decision": "confirm", "reason": "营业执照已核对"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.entity is not None and user.entity.uscc == make_uscc(610) and not user.is_entity_pending
    entry = AuditEntry.objects.get(action="user.confirm_entity", object_id=str(user.pk))
    assert (entry.after or {})["reason"] == "营业执照已核对" and entry.actor_id == users["plan_office"].pk


def test_refusal_needs_a_reason_and_then_deactivates(orgs: Any, users: Any) -> None:
    user = _register(611)
    office = _office(users)
    office.post(f"/accounts/pending/{user.pk}/", {"decision": "reject", "reason": "  "})
    user.refresh_from_db()
    assert user.is_active and user.is_entity_pending  # nothing changed
    assert not AuditEntry.objects.filter(action="user.reject_entity").exists()
    office.post(f"/accounts/pending/{user.pk}/", {"decision": "reject", "reason": "执照与单位不符"})
    user.refresh_from_db()
    assert not user.is_active and user.entity is None
    entry = AuditEntry.objects.get(action="user.reject_entity", object_id=str(user.pk))
    assert (entry.after or {})["reason"] == "执照与单位不符"
    assert "sunba611" not in office.get("/accounts/pending/").content.decode()


def test_a_decided_user_cannot_be_decided_again(orgs: Any, users: Any) -> None:
    user = _register(612)
    services.user_reject_entity(actor=users["plan_office"], user=user, reason="冒名")
    with pytest.raises(ValidationError):
        services.user_confirm_entity(actor=users["plan_office"], user=user)


@pytest.mark.parametrize("role", FORBIDDEN)
def test_every_other_role_is_refused_on_the_page(client: Client, orgs: Any, users: Any, role: str) -> None:
    user = _register(620, licence=_licence())
    client.force_login(users[role])
    assert client.get("/accounts/pending/").status_code == 403
    assert client.post(f"/accounts/pending/{user.pk}/", {"decision": "confirm"}).status_code == 403
    assert client.get(f"/accounts/pending/{user.pk}/licence/").status_code == 404
    with pytest.raises(PermissionDenied):
        services.user_confirm_entity(actor=users[role], user=user)
    user.refresh_from_db()
    assert user.is_entity_pending and user.is_active


def test_anonymous_is_sent_to_login(client: Client, orgs: Any) -> None:
    user = _register(621)
    assert client.get("/accounts/pending/").status_code == 302
    assert client.post(f"/accounts/pending/{user.pk}/", {"decision": "confirm"}).status_code == 302
    user.refresh_from_db()
    assert user.is_entity_pending


# --- the business licence ----------------------------------------------------------------------------


def test_licence_uploaded_at_registration_reaches_only_the_plan_office(
    client: Client, orgs: Any, users: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    response = client.post("/accounts/register/", {**_form(630), "licence": _licence()})
    assert response.status_code == 302
    user = User.objects.get(username="sunba630")
    assert user.registration_licence
    office = _office(users)
    assert f"/accounts/pending/{user.pk}/licence/" in office.get("/accounts/pending/").content.decode()
    download = office.get(f"/accounts/pending/{user.pk}/licence/")
    assert download.status_code == 200 and download.getvalue().startswith(b"%PDF-")
    assert client.get(f"/accounts/pending/{user.pk}/licence/").status_code == 404  # the applicant


def test_licence_of_the_wrong_type_is_refused_and_nothing_is_written(
    client: Client, orgs: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    fake = _licence("licence.pdf", b"MZ\x90\x00 not a pdf")
    response = client.post("/accounts/register/", {**_form(631), "licence": fake})
    assert response.status_code == 200
    assert response.context["form"].errors.get("licence")
    assert not User.objects.filter(username="sunba631").exists()
    assert not Entity.objects.filter(uscc=make_uscc(631)).exists()


# --- the API -----------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_plan_office_decides_over_the_api(http: Any, orgs: Any, users: Any) -> None:
    confirm, refuse = _register(640), _register(641)
    office = http.as_user(users["plan_office"])
    listed = office.get("/api/accounts/pending").json()
    assert [row["username"] for row in listed["items"]] == ["sunba640", "sunba641"]
    assert listed["items"][0]["pending_entity"]["uscc"] == make_uscc(640)
    assert office.post(f"/api/accounts/pending/{refuse.pk}/reject", json={"reason": ""}).status_code == 422
    response = office.post(f"/api/accounts/pending/{confirm.pk}/confirm", json={"reason": "已电话核实"})
    assert response.status_code == 200 and response.json()["entity_id"] is not None
    response = office.post(f"/api/accounts/pending/{refuse.pk}/reject", json={"reason": "非本单位员工"})
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert office.post(f"/api/accounts/pending/{confirm.pk}/confirm", json={}).status_code == 404
    assert office.post("/api/accounts/pending/99999999999999999999/confirm", json={}).status_code == 404


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", FORBIDDEN)
def test_every_other_role_is_refused_on_the_api(http: Any, orgs: Any, users: Any, role: str) -> None:
    user = _register(650)
    client = http.as_user(users[role])
    assert client.get("/api/accounts/pending").status_code == 403
    assert client.post(f"/api/accounts/pending/{user.pk}/confirm", json={}).status_code == 403
    assert client.post(f"/api/accounts/pending/{user.pk}/reject", json={"reason": "x"}).status_code == 403
    assert http.get("/api/accounts/pending").status_code == 401
    user.refresh_from_db()
    assert user.is_entity_pending and user.is_active


# --- throttle and enumeration ------------------------------------------------------------------------


def test_registration_throttle_allows_n_and_refuses_n_plus_one(orgs: Any, settings: Any) -> None:
    settings.THROTTLE_REGISTRATIONS_PER_HOUR = 3
    cache.clear()
    client = Client(REMOTE_ADDR="198.51.100.7")
    for n in range(3):  # failed attempts count too: probing names is not free
        response = client.post("/accounts/register/", _form(660 + n, password2="mismatch-1x"))
        assert response.status_code == 200
    refused = client.post("/accounts/register/", _form(670))
    assert refused.status_code == 429 and refused["Retry-After"] == "3600"
    assert "尝试次数过多" in refused.content.decode()
    assert not User.objects.filter(username="sunba670").exists()
    assert client.get("/accounts/register/").status_code == 200  # reading the form is not an attempt
    other = Client(REMOTE_ADDR="198.51.100.8")
    assert other.post("/accounts/register/", _form(671)).status_code == 302


def test_taken_and_reserved_usernames_get_the_same_words(client: Client, users: Any) -> None:
    taken = client.post("/accounts/register/", _form(680, username=users["auditor"].username.upper()))
    reserved = client.post("/accounts/register/", _form(681, username="Admin"))
    assert taken.context["form"].errors["username"] == reserved.context["form"].errors["username"]
    assert not Entity.objects.filter(uscc__in=[make_uscc(680), make_uscc(681)]).exists()


def test_login_failure_is_the_same_for_unknown_user_and_wrong_password(client: Client, users: Any) -> None:
    unknown = client.post("/accounts/login/", {"username": "nobody-here", "password": "Wrong-pass1"})
    wrong = client.post(
        "/accounts/login/", {"username": users["auditor"].username, "password": "Wrong-pass1"}
    )
    services.user_set_active(actor=users["admin"], user=users["finance"], active=False)
    inactive = client.post("/accounts/login/", {"username": users["finance"].username, "password": PASSWORD})
    errors = [r.context["form"].non_field_errors() for r in (unknown, wrong, inactive)]
    assert errors[0] == errors[1] == errors[2] and errors[0]
