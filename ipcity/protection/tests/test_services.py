"""The minimal credit register: who may write it, when a punishment is in force."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from ipcity.core.audit import verify_chain
from ipcity.core.errors import Invalid
from ipcity.core.models import AuditEntry
from ipcity.grants.tests.conftest import new_entity
from ipcity.protection import selectors, services

pytestmark = pytest.mark.django_db

DAY = dt.date(2024, 6, 1)


@pytest.fixture
def office(make_user: Any) -> Any:
    return make_user("plan_office")


def record(office: Any, entity: Any, start: dt.date, end: dt.date | None = None) -> Any:
    return services.credit_record_create(
        actor=office,
        entity=entity,
        behaviour="虚假申报",
        measure="限制申报",
        period_start=start,
        period_end=end,
        source_document="烟市监信〔2024〕1号",
    )


def test_in_force_on_both_sides_of_the_period(office: Any) -> None:
    entity = new_entity()
    record(office, entity, DAY, DAY + dt.timedelta(days=10))
    assert not selectors.credit_blocked(entity=entity, on=DAY - dt.timedelta(days=1))
    assert selectors.credit_blocked(entity=entity, on=DAY)
    assert selectors.credit_blocked(entity=entity, on=DAY + dt.timedelta(days=10))
    assert not selectors.credit_blocked(entity=entity, on=DAY + dt.timedelta(days=11))


def test_open_ended_punishment_and_ending_it(office: Any) -> None:
    entity = new_entity()
    rec = record(office, entity, DAY)
    assert selectors.credit_blocked(entity=entity, on=DAY + dt.timedelta(days=3650))
    services.credit_record_end(actor=office, record=rec, period_end=DAY + dt.timedelta(days=5))
    assert not selectors.credit_blocked(entity=entity, on=DAY + dt.timedelta(days=6))
    assert {"credit_record.create", "credit_record.end"} <= set(
        AuditEntry.objects.values_list("action", flat=True)
    )
    assert list(verify_chain()) == []


def test_end_before_start_refused(office: Any) -> None:
    with pytest.raises(Invalid):
        record(office, new_entity(), DAY, DAY - dt.timedelta(days=1))


@pytest.mark.parametrize("role", ["department", "finance", "auditor", "admin", "applicant"])
def test_only_the_plan_office_writes(make_user: Any, role: str) -> None:
    entity = new_entity()
    user = make_user(role, entity=entity if role == "applicant" else None)
    with pytest.raises(PermissionDenied):
        record(user, entity, DAY)


@pytest.mark.parametrize("field", ["behaviour", "measure", "source_document"])
def test_a_nul_character_is_a_field_error_and_writes_nothing(office: Any, field: str) -> None:
    """PostgreSQL refuses NUL in text (a DataError, a 500 through the API): full_clean refuses it first."""
    from ipcity.protection.models import CreditRecord

    values: dict[str, Any] = {
        "behaviour": "虚假申报",
        "measure": "限制申报",
        "source_document": "烟市监信〔2024〕1号",
    }
    values[field] = "虚假\x00申报"
    with pytest.raises(Invalid) as caught:
        services.credit_record_create(actor=office, entity=new_entity(), period_start=DAY, **values)
    assert list(caught.value.message_dict) == [field]
    assert not CreditRecord.objects.exists()
    values[field] = "虚假申报"
    assert services.credit_record_create(actor=office, entity=new_entity(), period_start=DAY, **values).pk
