"""/api/plan/reports: progress reports over the API, with the same rules as the pages.

403 forbidden role or not your report to act on, 404 unknown (or not visible to you), 409 illegal
workflow step (e.g. accepting a draft), 422 invalid input ({"detail": [{"field", "message", "type"}]}).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import File, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from ipcity.accounts.api_auth import API_AUTH
from ipcity.core.api_auth import require_role
from ipcity.core.api_filters import filtered_or_422
from ipcity.plan.choices import TaskStatus
from ipcity.plan.models import Task, WorkPoint

from . import services as svc
from .filters import ProgressReportFilter
from .models import ProgressReport, ReportEvidence, ReportingPeriod
from .selectors import (
    REPORT_PAGE_ROLES,
    current_plan,
    report_for_user,
    reports_visible_to,
    review_queue,
)

# The operation ids clients were generated from when this was ipcity/plan/report_api.py (core/api_errors.py).
OPENAPI_OPERATION_MODULE = "ipcity.plan.report_api"

router = Router(tags=["plan reports"], auth=API_AUTH)
WRITERS = ("plan_office", "department")


class FigureIn(Schema):
    name: str
    value: str
    unit: str = ""


class FigureOut(Schema):
    name: str
    value: str
    unit: str = ""


class ReportIn(Schema):
    task: str
    period: str
    progress: TaskStatus = TaskStatus.ON_TRACK
    percent_complete: int = 0
    narrative: str = ""
    figures: list[FigureIn] = []
    work_point: int | None = None


class ReportPatch(Schema):
    progress: TaskStatus | None = None
    percent_complete: int | None = None
    narrative: str | None = None
    figures: list[FigureIn] | None = None
    work_point: int | None = None


class AcceptIn(Schema):
    make_public: bool = False
    comment: str = ""


class ReturnIn(Schema):
    comment: str


class EvidenceOut(Schema):
    id: int
    name: str
    size: int
    sha256: str


class EventOut(Schema):
    at: dt.datetime
    actor: str
    from_status: str
    to_status: str
    comment: str


class ReportOut(Schema):
    id: int
    task: str
    department: str
    period: str
    status: str
    progress: str
    percent_complete: int
    narrative: str
    figures: list[dict[str, Any]]
    work_point: int | None
    is_public: bool
    submitted_at: dt.datetime | None
    is_late: bool
    review_comment: str
    evidence: list[EvidenceOut] = []
    events: list[EventOut] = []


class FilterIn(Schema):
    period: str | None = None
    task: str | None = None
    department: int | None = None
    status: str | None = None
    progress: str | None = None
    programme: int | None = None
    is_late: bool | None = None


def _out(report: ProgressReport, full: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": report.pk,
        "task": report.task.code,
        "department": report.department.name,
        "period": report.period.code,
        "status": report.status,
        "progress": report.progress,
        "percent_complete": report.percent_complete,
        "narrative": report.narrative,
        "figures": report.figures,
        "work_point": report.work_point_id,
        "is_public": report.is_public,
        "submitted_at": report.submitted_at,
        "is_late": report.is_late,
        "review_comment": report.review_comment,
    }
    if full:
        data["evidence"] = [
            {"id": e.pk, "name": e.original_name, "size": e.size, "sha256": e.sha256}
            for e in report.current_evidence
        ]
        data["events"] = [
            {
                "at": e.at,
                "actor": str(e.actor),
                "from_status": e.from_status,
                "to_status": e.to_status,
                "comment": e.comment,
            }
            for e in report.events.select_related("actor")
        ]
    return data


def _detail(exc: ValidationError) -> list[dict[str, str]]:
    if hasattr(exc, "error_dict"):
        return [
            {"field": field if field != "__all__" else "", "message": str(m), "type": "value_error"}
            for field, msgs in exc.message_dict.items()
            for m in msgs
        ]
    return [
        {"field": "", "message": str(m), "type": getattr(exc, "code", "") or "value_error"}
        for m in exc.messages
    ]


class _ApiError(Exception):
    def __init__(self, status: int, body: dict[str, Any]) -> None:
        self.status = status
        self.body = body


def _call(fn: Any, **kwargs: Any) -> Any:
    """Run a service and turn its refusals into HTTP statuses."""
    try:
        return fn(**kwargs)
    except PermissionDenied as exc:
        raise HttpError(403, str(exc) or "Forbidden / 无权操作") from exc
    except svc.IllegalTransition as exc:
        raise HttpError(409, " ".join(exc.messages)) from exc
    except ValidationError as exc:
        raise _ApiError(422, {"detail": _detail(exc)}) from exc


def _writer(request: HttpRequest) -> Any:
    return require_role(request, *WRITERS)


def _reader(request: HttpRequest) -> Any:
    return require_role(request, *REPORT_PAGE_ROLES)


def _visible(request: HttpRequest, report_id: int) -> ProgressReport:
    from django.http import Http404

    try:
        return report_for_user(request.user, report_id)
    except Http404:
        raise HttpError(404, "No such report / 没有这份报告") from None


def _work_point(task: Task, wp_id: int | None) -> WorkPoint | None:
    if wp_id is None:
        return None
    wp = WorkPoint.objects.filter(pk=wp_id, task=task).first()
    if wp is None:
        raise _ApiError(
            422,
            {
                "detail": [
                    {
                        "field": "work_point",
                        "message": "Unknown work point of this task / 该任务没有此工作要点",
                        "type": "value_error",
                    }
                ]
            },
        )
    return wp


def _guard(view: Any) -> Any:
    """Turn _ApiError into its JSON response (ninja handles HttpError itself)."""
    from functools import wraps

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return view(request, *args, **kwargs)
        except _ApiError as exc:
            return Status(exc.status, exc.body)

    return wrapper


ERRORS = {403: dict, 404: dict, 409: dict, 422: dict}


@router.get("/", response=list[ReportOut])
def list_reports(request: HttpRequest, filters: Query[FilterIn]) -> list[dict[str, Any]]:
    """Reports I may read (my department's, those of tasks my department leads; all for plan office and auditor)."""
    _reader(request)
    params = {k: v for k, v in filters.dict().items() if v is not None}
    fs = ProgressReportFilter(params, queryset=reports_visible_to(request.user))
    return [_out(r) for r in filtered_or_422(fs)[:500]]


@router.get("/queue", response=list[ReportOut])
def queue(request: HttpRequest) -> list[dict[str, Any]]:
    """Submitted reports waiting for my department's decision as lead unit."""
    _reader(request)
    return [_out(r) for r in review_queue(request.user)]


@router.get("/{report_id}", response={200: ReportOut, **ERRORS})
def get_report(request: HttpRequest, report_id: int) -> Any:
    _reader(request)
    return _out(_visible(request, report_id), full=True)


@router.post("/", response={201: ReportOut, **ERRORS})
@_guard
def create_report(request: HttpRequest, payload: ReportIn) -> Any:
    actor = _writer(request)
    plan = current_plan()
    task = Task.objects.filter(plan=plan, code=payload.task).prefetch_related("assignments").first()
    period = ReportingPeriod.objects.filter(plan=plan, code=payload.period).first()
    if task is None or period is None:
        raise HttpError(404, "Unknown task or period / 未知的任务或报告期")
    report = _call(
        svc.report_create,
        actor=actor,
        task=task,
        period=period,
        progress=payload.progress,
        percent_complete=payload.percent_complete,
        narrative=payload.narrative,
        figures=[f.dict() for f in payload.figures],
        work_point=_work_point(task, payload.work_point),
    )
    return Status(201, _out(report, full=True))


@router.patch("/{report_id}", response={200: ReportOut, **ERRORS})
@_guard
def update_report(request: HttpRequest, report_id: int, payload: ReportPatch) -> Any:
    actor = _writer(request)
    report = _visible(request, report_id)
    fields: dict[str, Any] = {}
    for name in ("progress", "percent_complete", "narrative"):
        value = getattr(payload, name)
        if value is not None:
            fields[name] = value
    if payload.figures is not None:
        fields["figures"] = [f.dict() for f in payload.figures]
    if "work_point" in payload.model_fields_set:
        fields["work_point"] = _work_point(report.task, payload.work_point)
    report = _call(svc.report_update, actor=actor, report=report, **fields)
    return Status(200, _out(report, full=True))


@router.post("/{report_id}/submit", response={200: ReportOut, **ERRORS})
@_guard
def submit_report(request: HttpRequest, report_id: int) -> Any:
    actor = _writer(request)
    report = _call(svc.report_submit, actor=actor, report=_visible(request, report_id))
    return Status(200, _out(report, full=True))


@router.post("/{report_id}/accept", response={200: ReportOut, **ERRORS})
@_guard
def accept_report(request: HttpRequest, report_id: int, payload: AcceptIn) -> Any:
    actor = _writer(request)
    report = _call(
        svc.report_accept,
        actor=actor,
        report=_visible(request, report_id),
        make_public=payload.make_public,
        comment=payload.comment,
    )
    return Status(200, _out(report, full=True))


@router.post("/{report_id}/return", response={200: ReportOut, **ERRORS})
@_guard
def return_report(request: HttpRequest, report_id: int, payload: ReturnIn) -> Any:
    actor = _writer(request)
    report = _call(
        svc.report_return, actor=actor, report=_visible(request, report_id), comment=payload.comment
    )
    return Status(200, _out(report, full=True))


@router.delete("/{report_id}/evidence/{evidence_id}", response={204: None, **ERRORS})
@_guard
def withdraw_evidence(request: HttpRequest, report_id: int, evidence_id: int) -> Any:
    """Withdraw an evidence file from a draft or returned report (the file is kept, the step audited)."""
    actor = _writer(request)
    try:
        _call(
            svc.evidence_withdraw, actor=actor, report=_visible(request, report_id), evidence_id=evidence_id
        )
    except ReportEvidence.DoesNotExist:
        raise HttpError(404, "No such evidence file / 没有这个佐证材料") from None
    return Status(204, None)


@router.post("/{report_id}/evidence", response={201: EvidenceOut, **ERRORS})
@_guard
def upload_evidence(request: HttpRequest, report_id: int, file: File[UploadedFile]) -> Any:
    actor = _writer(request)
    evidence = _call(svc.evidence_add, actor=actor, report=_visible(request, report_id), upload=file)
    return Status(
        201,
        {
            "id": evidence.pk,
            "name": evidence.original_name,
            "size": evidence.size,
            "sha256": evidence.sha256,
        },
    )
