"""Writes to the credit register: only the plan office records or ends a credit punishment."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from ipcity.core.audit import audit_record, snapshot
from ipcity.core.errors import NotAllowed, full_clean

from .choices import AuditAction, ErrorCode
from .models import CreditRecord


def _require_plan_office(actor: Any) -> None:
    if not (actor is not None and getattr(actor, "role", "") == "plan_office" and actor.is_active):
        raise NotAllowed(ErrorCode.ROLE, _("Only the plan office manages the credit register."))


@transaction.atomic
def credit_record_create(
    *,
    actor: Any,
    entity: Any,
    behaviour: str,
    measure: str,
    period_start: dt.date,
    period_end: dt.date | None = None,
    source_document: str,
    is_demo: bool = False,
) -> CreditRecord:
    _require_plan_office(actor)
    record = CreditRecord(
        entity=entity,
        behaviour=behaviour,
        measure=measure,
        period_start=period_start,
        period_end=period_end,
        source_document=source_document,
        created_by=actor,
        is_demo=is_demo,
    )
    full_clean(record)
    record.save()
    audit_record(actor=actor, action=AuditAction.CREDIT_RECORD_CREATE, obj=record, after=snapshot(record))
    return record


@transaction.atomic
def credit_record_end(*, actor: Any, record: CreditRecord, period_end: dt.date) -> CreditRecord:
    """End a punishment (e.g. credit repair): the record stays, its period closes."""
    _require_plan_office(actor)
    record = CreditRecord.objects.select_for_update().get(pk=record.pk)
    before = snapshot(record)
    record.period_end = period_end
    full_clean(record)
    record.save(update_fields=["period_end", "updated_at"])
    audit_record(
        actor=actor, action=AuditAction.CREDIT_RECORD_END, obj=record, before=before, after=snapshot(record)
    )
    return record
