"""`audit verify` finds direct edits of the grants tables: each payment, award and call budget is compared
with its latest audited snapshot, and the ledger with the sums (docs/adr/0009)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from ipcity.grants import services
from ipcity.grants.models import Payment

from .conftest import World

pytestmark = pytest.mark.django_db


def _verify() -> tuple[bool, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
    except CommandError as exc:
        return False, err.getvalue() + str(exc)
    return True, out.getvalue()


def _sql(statement: str, *params: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _paid(world: World) -> Payment:
    app = world.announced(subject="LEDGER-1")
    return services.payment_record(
        actor=world.finance,
        application=app,
        paid_on=timezone.localdate(),
        amount=app.approved_amount,
        voucher="PZ-LEDGER-1",
    )


def test_table_names() -> None:
    from ipcity.grants.models import Application, Call

    assert Payment._meta.db_table == "grants_payment"  # the raw SQL below edits these tables
    assert Application._meta.db_table == "grants_application" and Call._meta.db_table == "grants_call"


def test_workflow_leaves_ledger_and_trail_in_agreement(world: World) -> None:
    _paid(world)
    world.approved(subject="LEDGER-2")
    ok, text = _verify()
    assert ok, text


def test_direct_edit_of_a_payment_amount_is_reported(world: World) -> None:
    payment = _paid(world)
    _sql("UPDATE grants_payment SET amount = %s WHERE id = %s", "1.00", payment.pk)
    ok, text = _verify()
    assert not ok
    assert f"grants.payment {payment.pk}: amount is 1.00, the audit trail last recorded 150000.00" in text


def test_consistent_edit_of_payment_ledger_and_call_is_still_reported(world: World) -> None:
    """Someone who also adjusts the ledger and the call's total so that the sums agree is still caught
    by the audited snapshot."""
    payment = _paid(world)
    app = payment.application
    _sql("UPDATE grants_payment SET amount = %s WHERE id = %s", "100000.00", payment.pk)
    _sql("UPDATE grants_application SET approved_amount = %s WHERE id = %s", "100000.00", app.pk)
    _sql(
        "UPDATE grants_ledgerentry SET paid = %s, granted = %s WHERE entity_id = %s",
        "100000.00",
        "100000.00",
        app.entity_id,
    )
    _sql("UPDATE grants_schemeyear SET granted = %s", "100000.00")
    _sql(
        "UPDATE grants_call SET paid_total = %s, committed = %s WHERE id = %s",
        "100000.00",
        "100000.00",
        app.call_id,
    )
    from ipcity.grants.selectors import ledger_consistency_problems

    assert ledger_consistency_problems() == []  # the sums agree now
    ok, text = _verify()
    assert not ok and f"grants.payment {payment.pk}: amount" in text
    assert f"grants.application {app.pk}: approved_amount" in text


def test_direct_edit_of_a_call_budget_is_reported(world: World) -> None:
    _sql("UPDATE grants_call SET budget = %s WHERE id = %s", "9999999.00", world.call.pk)
    ok, text = _verify()
    assert not ok and f"grants.call {world.call.pk}: budget" in text


def test_ledger_out_of_step_with_the_sums_is_reported(world: World) -> None:
    world.approved(subject="LEDGER-3")
    _sql("UPDATE grants_ledgerentry SET granted = granted + 1")
    ok, text = _verify()
    assert not ok and "ledger: ledger (" in text


def test_a_payment_row_inserted_outside_the_services_is_reported(world: World) -> None:
    app = world.announced(subject="LEDGER-4")
    Payment.objects.create(
        application=app,
        paid_on=timezone.localdate(),
        amount=Decimal("150000.00"),
        voucher="FORGED",
        recorded_by=world.finance,
    )
    ok, text = _verify()
    assert not ok and "no audit record" in text
