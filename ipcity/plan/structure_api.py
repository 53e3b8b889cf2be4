"""GET /api/plan, /api/plan/programmes, /api/plan/tasks[/{code}], /api/plan/indicators (public);
POST /api/plan/indicators/{code}/values (plan office)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema, Status

from ipcity.accounts.api_auth import API_AUTH
from ipcity.accounts.choices import Role
from ipcity.core.api_auth import require_role
from ipcity.core.api_filters import filtered_or_422
from ipcity.core.errors import NotFound

from . import hooks, selectors, services
from .choices import AssignmentRole, ErrorCode
from .filters import TaskFilter
from .models import Measure, Task

router = Router(tags=["plan"])


def num(value: Decimal | None) -> str | None:
    """A Decimal as plain text without trailing zeros ("8.1", "1000")."""
    if value is None:
        return None
    return format(value.normalize(), "f")


class ErrorDetail(Schema):
    field: str
    message: str
    type: str


class ErrorOut(Schema):
    detail: list[ErrorDetail] | str


class DepartmentRef(Schema):
    code: str
    name: str
    name_en: str
    role: str


class ProgrammeRef(Schema):
    code: str
    number: int
    title: str
    title_en: str


class MeasureRef(Schema):
    code: str
    number: int
    title: str
    title_en: str
    clause: str


class TaskOut(Schema):
    code: str
    number: int
    order: int
    text: str
    text_en: str
    programme: ProgrammeRef
    measure: MeasureRef
    lead_department: str | None
    support_departments: list[str]
    units: list[DepartmentRef]
    status: str
    status_label: str
    percent_complete: int


class WorkPointOut(Schema):
    year: int
    title: str
    due_date: dt.date
    department: str
    district: str | None
    status: str


class PublicReportOut(Schema):
    period: str  # the period's name (Chinese, as the plan office named it)
    period_code: str  # 2024Q4, 2023H1, 2023M02 or 2023: language-neutral
    department: str
    progress: str
    percent_complete: int
    narrative: str
    reviewed_at: dt.datetime | None


class TaskDetailOut(TaskOut):
    main_text: str
    main_text_units: list[str]
    work_points: list[WorkPointOut]
    public_reports: list[PublicReportOut]


class MeasureOut(MeasureRef):
    main_text: str
    main_text_units: list[str]
    tasks: list[str]


class ProgrammeOut(ProgrammeRef):
    measures: list[MeasureOut]


class PlanOut(Schema):
    code: str
    title: str
    title_en: str
    subtitle: str
    document_number: str
    issuer: str
    issued_on: dt.date
    start_year: int
    end_year: int
    preamble: str
    goals_text: str
    safeguards_text: str
    programme_count: int
    measure_count: int
    task_count: int
    indicator_count: int


class ValueOut(Schema):
    year: int
    as_of: dt.date
    value: str
    source: str
    source_kind: str


class IndicatorOut(Schema):
    code: str
    name: str
    name_en: str
    clause: str
    unit: str
    unit_en: str
    comparison: str
    target: str | None
    target_year: int
    computed_by: str
    latest: ValueOut | None
    status: str
    status_label: str
    expected: str | None
    series: list[ValueOut]


class ValueIn(Schema):
    year: int
    as_of: dt.date
    value: Decimal
    source: str
    notes: str = ""


def _programme_ref(measure: Measure) -> dict[str, Any]:
    programme = measure.programme
    return {
        "code": programme.code,
        "number": programme.number,
        "title": programme.title,
        "title_en": programme.title_en,
    }


def _measure_ref(measure: Measure) -> dict[str, Any]:
    return {
        "code": measure.code,
        "number": measure.number,
        "title": measure.title,
        "title_en": measure.title_en,
        "clause": measure.clause,
    }


def task_dict(task: Task) -> dict[str, Any]:
    assignments = list(task.assignments.all())  # prefetched, in annex order
    lead = next((a for a in assignments if a.role == AssignmentRole.LEAD), None)
    return {
        "code": task.code,
        "number": task.number,
        "order": task.order,
        "text": task.text,
        "text_en": task.text_en,
        "programme": _programme_ref(task.measure),
        "measure": _measure_ref(task.measure),
        "lead_department": lead.department.name if lead else None,
        "support_departments": [a.department.name for a in assignments if a.role == AssignmentRole.SUPPORT],
        "units": [
            {
                "code": a.department.code,
                "name": a.department.name,
                "name_en": a.department.name_en,
                "role": a.role,
            }
            for a in assignments
        ],
        "status": task.status,
        "status_label": str(task.get_status_display()),
        "percent_complete": task.percent_complete,
    }


def _value(v: Any) -> dict[str, Any]:
    return {
        "year": v.year,
        "as_of": v.as_of,
        "value": num(v.value),
        "source": v.source,
        "source_kind": v.source_kind,
    }


def indicator_dict(row: selectors.IndicatorRow) -> dict[str, Any]:
    i = row.indicator
    return {
        "code": i.code,
        "name": i.name,
        "name_en": i.name_en,
        "clause": i.clause,
        "unit": i.unit,
        "unit_en": i.unit_en,
        "comparison": i.comparison,
        "target": num(i.target),
        "target_year": i.target_year,
        "computed_by": i.computed_by,
        "latest": _value(row.latest) if row.latest else None,
        "status": row.status,
        "status_label": row.status_label,
        "expected": num(row.assessment.expected),
        "series": [_value(v) for v in row.values],
    }


@router.get("", response=PlanOut, summary="The plan: metadata, goals text and counts")
def plan_detail(request: HttpRequest) -> dict[str, Any]:
    plan = selectors.plan_get(user=request.user)
    return {
        **{
            f: getattr(plan, f) for f in PlanOut.model_fields if hasattr(plan, f) and not f.endswith("_count")
        },
        "programme_count": plan.programmes.count(),
        "measure_count": Measure.objects.filter(programme__plan=plan).count(),
        "task_count": plan.tasks.count(),
        "indicator_count": plan.indicators.count(),
    }


@router.get("/programmes", response=list[ProgrammeOut], summary="Programmes with their measures")
def programme_list(request: HttpRequest) -> list[dict[str, Any]]:
    plan = selectors.plan_get(user=request.user)
    out = []
    for programme in selectors.programme_list(
        user=request.user, plan=plan, tasks=Task.objects.order_by("order")
    ):
        out.append(
            {
                "code": programme.code,
                "number": programme.number,
                "title": programme.title,
                "title_en": programme.title_en,
                "measures": [
                    {
                        **_measure_ref(m),
                        "main_text": m.main_text,
                        "main_text_units": m.main_text_units,
                        "tasks": [t.code for t in m.tasks.all()],
                    }
                    for m in programme.measures.all()
                ],
            }
        )
    return out


@router.get(
    "/tasks",
    response={200: list[TaskOut], 422: ErrorOut},
    summary="Tasks (annex rows); filter by programme, measure, department (code or name), role, status, q",
)
def task_list(request: HttpRequest) -> Any:
    plan = selectors.plan_get(user=request.user)
    filterset = TaskFilter(request.GET, queryset=selectors.task_queryset(user=request.user, plan=plan))
    return Status(200, [task_dict(t) for t in filtered_or_422(filterset)])


@router.get(
    "/tasks/{code}", response={200: TaskDetailOut, 404: ErrorOut}, summary="One task with its work points"
)
def task_detail(request: HttpRequest, code: str) -> Any:
    plan = selectors.plan_get(user=request.user)
    try:
        task = selectors.task_get(user=request.user, plan=plan, code=code)
    except Http404:
        raise NotFound(ErrorCode.NOT_FOUND, _("No task with code %(code)s."), params={"code": code}) from None
    body = {
        **task_dict(task),
        "main_text": task.measure.main_text,
        "main_text_units": task.measure.main_text_units,
        "work_points": [
            {
                "year": w.year,
                "title": w.title,
                "due_date": w.due_date,
                "department": w.department.name,
                "district": w.district.name if w.district else None,
                "status": w.status,
            }
            for w in task.work_points.all()
        ],
        "public_reports": [
            {
                "period": r.period.name,
                "period_code": r.period.code,
                "department": r.department.name,
                "progress": r.progress,
                "percent_complete": r.percent_complete,
                "narrative": r.narrative,
                "reviewed_at": r.reviewed_at,
            }
            for r in hooks.public_reports(user=request.user, task=task)
        ],
    }
    return Status(200, body)


@router.get("/indicators", response=list[IndicatorOut], summary="Goals with latest value, target and status")
def indicator_list(request: HttpRequest) -> list[dict[str, Any]]:
    plan = selectors.plan_get(user=request.user)
    return [indicator_dict(row) for row in selectors.indicator_rows(user=request.user, plan=plan)]


@router.get("/indicators/{code}", response={200: IndicatorOut, 404: ErrorOut}, summary="One goal")
def indicator_detail(request: HttpRequest, code: str) -> Any:
    plan = selectors.plan_get(user=request.user)
    for row in selectors.indicator_rows(user=request.user, plan=plan):
        if row.indicator.code == code:
            return Status(200, indicator_dict(row))
    raise _no_indicator(code)


def _no_indicator(code: str) -> NotFound:
    return NotFound(ErrorCode.NOT_FOUND, _("No indicator with code %(code)s."), params={"code": code})


@router.post(
    "/indicators/{code}/values",
    auth=API_AUTH,
    response={201: ValueOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Record an indicator value (plan office)",
)
def indicator_value_create(request: HttpRequest, code: str, payload: ValueIn) -> Any:
    user = require_role(request, Role.PLAN_OFFICE)
    plan = selectors.plan_get(user=user)
    try:
        indicator = selectors.indicator_get(user=user, plan=plan, code=code)
    except Http404:
        raise _no_indicator(code) from None
    row = services.indicator_value_record(
        actor=user,
        indicator=indicator,
        year=payload.year,
        as_of=payload.as_of,
        value=payload.value,
        source=payload.source,
        notes=payload.notes,
    )
    return Status(201, _value(row))
