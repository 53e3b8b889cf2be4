from typing import Any

import pytest
from django.core.exceptions import ValidationError

from ipcity.accounts import services
from ipcity.accounts.models import ApiToken, User
from ipcity.core.models import AuditEntry
from ipcity.orgs.models import Entity
from ipcity.orgs.tests.fixtures import make_uscc

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "Yantai2024-ok"


def test_admin_creates_department_user(orgs: Any, users: Any) -> None:
    user = services.user_create(
        actor=users["admin"],
        username="zhang",
        password=GOOD_PASSWORD,
        role="department",
        department=orgs["departments"]["市司法局"],
    )
    assert user.check_password(GOOD_PASSWORD)
    assert not user.is_superuser and not user.is_staff
    entry = AuditEntry.objects.get(action="user.create", object_id=str(user.pk))
    assert entry.after is not None and "password" not in entry.after and entry.after["role"] == "department"


@pytest.mark.parametrize(
    ("role", "kwargs", "field"),
    [
        ("department", {}, "department"),
        ("finance", {}, "department"),
        ("applicant", {}, "entity"),
    ],
)
def test_user_create_enforces_membership(orgs: Any, role: str, kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        services.user_create(actor=None, username="x", password=GOOD_PASSWORD, role=role, **kwargs)
    assert field in info.value.message_dict
    assert not User.objects.filter(username="x").exists()


def test_entity_of_non_applicant_is_dropped(entity: Any, orgs: Any) -> None:
    user = services.user_create(
        actor=None, username="aud", password=GOOD_PASSWORD, role="auditor", entity=entity
    )
    assert user.entity is None


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("short1A", False),  # 7 characters
        ("abcdefghijk", False),  # no digit
        ("12345678901", False),  # only digits
        ("password123", False),  # common
        ("Yantai2024x", True),  # 11 characters, letters and digits
    ],
)
def test_password_rules(orgs: Any, password: str, ok: bool) -> None:
    if ok:
        services.user_create(actor=None, username="pw", password=password, role="auditor")
    else:
        with pytest.raises(ValidationError) as info:
            services.user_create(actor=None, username="pw", password=password, role="auditor")
        assert "password" in info.value.message_dict
        assert not User.objects.filter(username="pw").exists()


def test_deactivate_revokes_tokens_and_cannot_deactivate_self(users: Any) -> None:
    target = users["department"]
    services.api_token_create(actor=target, user=target, name="script")
    services.user_set_active(actor=users["admin"], user=target, active=False)
    target.refresh_from_db()
    assert not target.is_active
    assert not ApiToken.objects.filter(user=target).exists()
    with pytest.raises(ValidationError):
        services.user_set_active(actor=users["admin"], user=users["admin"], active=False)


def test_reset_password_is_audited_without_hash(users: Any) -> None:
    # (a department user: a finance user's password needs a second administrator, ADR 0007)
    services.user_reset_password(actor=users["admin"], user=users["department"], password="NewPass2024x")
    users["department"].refresh_from_db()
    assert users["department"].check_password("NewPass2024x")
    entry = AuditEntry.objects.get(action="user.reset_password")
    assert "pbkdf2" not in str(entry.after) and "md5" not in str(entry.after)


def test_register_new_entity_creates_it_but_the_link_waits_for_the_plan_office(orgs: Any) -> None:
    user = services.user_register(
        username="newco",
        password=GOOD_PASSWORD,
        email="a@b.cn",
        display_name="李四",
        uscc=make_uscc(300).lower(),
        entity_name="烟台新注册有限公司",
        entity_kind="enterprise",
        district=orgs["districts"]["龙口市"],
    )
    assert user.role == "applicant"
    assert user.entity is None and user.is_entity_pending  # finding 11: no longer linked at once
    assert user.pending_entity is not None and user.pending_entity.uscc == make_uscc(300)


def test_register_existing_entity_is_pending_until_confirmed(entity: Any, users: Any) -> None:
    user = services.user_register(
        username="joiner", password=GOOD_PASSWORD, email="j@b.cn", display_name="王五", uscc=entity.uscc
    )
    assert user.entity is None and user.pending_entity == entity and user.is_entity_pending
    assert Entity.objects.count() == 1
    services.user_confirm_entity(actor=users["plan_office"], user=user)
    user.refresh_from_db()
    assert user.entity == entity and user.pending_entity is None


def test_register_rejects_bad_uscc_and_missing_entity_details(orgs: Any) -> None:
    with pytest.raises(ValidationError) as info:
        services.user_register(
            username="u1", password=GOOD_PASSWORD, email="a@b.cn", display_name="x", uscc="913706"
        )
    assert "uscc" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        services.user_register(
            username="u1", password=GOOD_PASSWORD, email="a@b.cn", display_name="x", uscc=make_uscc(301)
        )
    assert {"entity_name", "entity_kind"} <= set(info.value.message_dict)
    with pytest.raises(ValidationError) as info:  # weak password: the entity is not created either
        services.user_register(
            username="u1",
            password="weak",
            email="a@b.cn",
            display_name="x",
            uscc=make_uscc(301),
            entity_name="n",
            entity_kind="enterprise",
        )
    assert "password" in info.value.message_dict
    assert not Entity.objects.exists() and not User.objects.filter(username="u1").exists()


def test_reject_pending_deactivates(entity: Any, users: Any) -> None:
    user = services.user_register(
        username="joiner", password=GOOD_PASSWORD, email="j@b.cn", display_name="王五", uscc=entity.uscc
    )
    services.user_reject_entity(actor=users["plan_office"], user=user, reason="不是该企业员工")
    user.refresh_from_db()
    assert not user.is_active and user.entity is None


def test_api_token_stored_as_digest(users: Any) -> None:
    token, raw = services.api_token_create(actor=users["auditor"], user=users["auditor"], name="script")
    assert raw.startswith("ipc_") and raw not in token.digest
    assert token.digest == ApiToken.digest_of(raw)
    services.api_token_revoke(actor=users["auditor"], token=token)
    assert not ApiToken.objects.exists()
