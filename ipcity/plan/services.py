"""Writes to the plan's structure side: indicator values, yearly work points, commendations.

Progress reports and supervision are the reporting app's (ipcity.reporting.services).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ipcity.accounts.choices import Role
from ipcity.core.audit import audit_record, snapshot
from ipcity.core.errors import Invalid, NotAllowed, full_clean

from .choices import AuditAction, CommendationKind, ErrorCode, ValueSource, WorkPointStatus
from .models import Commendation, Indicator, IndicatorValue, Plan, Task, WorkPoint

MIN_YEAR, MAX_YEAR = 2000, 2100


def _is_user(actor: Any) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False)


def _require_plan_office(actor: Any) -> None:
    """People must be plan office staff; system actors (commands, demo, registry jobs) pass."""
    if _is_user(actor) and getattr(actor, "role", "") != Role.PLAN_OFFICE:
        raise NotAllowed(ErrorCode.ROLE, _("Only the plan office may do this."))


def _decimal(value: Any, field: str) -> Decimal:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise Invalid.on_field(ErrorCode.INVALID, field, _("Enter a number.")) from None
    if not number.is_finite():
        raise Invalid.on_field(ErrorCode.INVALID, field, _("Enter a number."))
    return number


def indicator_value_record(
    *,
    actor: Any,
    indicator: Indicator,
    year: int,
    as_of: dt.date,
    value: Decimal | int | str,
    source: str,
    source_kind: str = ValueSource.MANUAL,
    notes: str = "",
) -> IndicatorValue:
    """Record (or correct) the value of an indicator for a year as of a date. Upsert on
    (indicator, year, as_of); audited as indicator_value.record."""
    if source_kind not in ValueSource.values:
        raise Invalid.on_field(ErrorCode.INVALID, "source_kind", _("Unknown source kind."))
    if source_kind == ValueSource.MANUAL:
        _require_plan_office(actor)
    number = _decimal(value, "value")
    if not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise Invalid.on_field(ErrorCode.INVALID, "year", _("Enter a year between 2000 and 2100."))
    if as_of.year < year:
        raise Invalid.on_field(
            ErrorCode.INVALID, "as_of", _("The date cannot be before the year the value is for.")
        )
    if not (source or "").strip():
        raise Invalid.on_field(ErrorCode.INVALID, "source", _("Say where the figure comes from."))
    with transaction.atomic():
        row = (
            IndicatorValue.objects.select_for_update()
            .filter(indicator=indicator, year=year, as_of=as_of)
            .first()
        )
        before = snapshot(row) if row is not None else None
        if row is None:
            row = IndicatorValue(indicator=indicator, year=year, as_of=as_of)
        row.value = number
        row.source = source.strip()
        row.source_kind = source_kind
        row.notes = notes
        row.entered_by = actor if _is_user(actor) else None
        row.computed_at = timezone.now() if source_kind == ValueSource.COMPUTED else None
        full_clean(row)
        row.save()
        audit_record(
            actor=actor,
            action=AuditAction.INDICATOR_VALUE_RECORD,
            obj=row,
            object_repr=f"{indicator.code} {year} ({as_of.isoformat()})",
            before=before,
            after=snapshot(row),
        )
    return row


def work_point_create(
    *,
    actor: Any,
    task: Task,
    year: int,
    title: str,
    due_date: dt.date,
    department: Any,
    district: Any = None,
) -> WorkPoint:
    """Break a task down into a yearly work point (三(三) 细化分解任务) owned by one of its units."""
    _require_plan_office(actor)
    plan = task.plan
    if not plan.start_year <= year <= plan.end_year:
        raise Invalid.on_field(
            ErrorCode.INVALID,
            "year",
            _("The year must be within the plan (%(start)s–%(end)s).")
            % {"start": plan.start_year, "end": plan.end_year},
        )
    if not task.assignments.filter(department=department).exists():
        raise Invalid.on_field(
            ErrorCode.INVALID, "department", _("The unit must be one of the task's responsible units.")
        )
    with transaction.atomic():
        point = WorkPoint(
            task=task,
            year=year,
            title=(title or "").strip(),
            due_date=due_date,
            department=department,
            district=district,
        )
        full_clean(point)
        point.save()
        audit_record(actor=actor, action=AuditAction.WORK_POINT_CREATE, obj=point, after=snapshot(point))
    return point


def work_point_set_status(*, actor: Any, work_point: WorkPoint, status: str) -> WorkPoint:
    _require_plan_office(actor)
    if status not in WorkPointStatus.values:
        raise Invalid.on_field(ErrorCode.INVALID, "status", _("Unknown status."))
    with transaction.atomic():
        point = WorkPoint.objects.select_for_update().get(pk=work_point.pk)
        before = snapshot(point)
        point.status = status
        full_clean(point)
        point.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.WORK_POINT_SET_STATUS,
            obj=point,
            before=before,
            after=snapshot(point),
        )
    return point


def commendation_create(
    *,
    actor: Any,
    plan: Plan,
    year: int,
    kind: str,
    reason: str,
    awarded_on: dt.date,
    district: Any = None,
    department: Any = None,
    person_name: str = "",
    person_unit: str = "",
    document: str = "",
) -> Commendation:
    """Record a 表扬 of an outstanding district, department or individual (三(三))."""
    _require_plan_office(actor)
    if kind not in CommendationKind.values:
        raise Invalid.on_field(ErrorCode.INVALID, "kind", _("Unknown kind."))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Invalid.on_field(ErrorCode.INVALID, "year", _("Enter a year between 2000 and 2100."))
    with transaction.atomic():
        item = Commendation(
            plan=plan,
            year=year,
            kind=kind,
            district=district if kind == CommendationKind.DISTRICT else None,
            department=department if kind == CommendationKind.DEPARTMENT else None,
            person_name=(person_name or "").strip() if kind == CommendationKind.INDIVIDUAL else "",
            person_unit=(person_unit or "").strip() if kind == CommendationKind.INDIVIDUAL else "",
            reason=(reason or "").strip(),
            document=(document or "").strip(),
            awarded_on=awarded_on,
        )
        full_clean(item)
        item.save()
        audit_record(actor=actor, action=AuditAction.COMMENDATION_CREATE, obj=item, after=snapshot(item))
    return item
