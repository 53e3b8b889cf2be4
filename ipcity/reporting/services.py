"""Writes for progress reporting: reporting periods and the report workflow (STYLE rule 1).

Every function is keyword-only, runs in one transaction, calls full_clean() and writes an audit
record; every report transition also writes a ReportEvent with a snapshot of the report.

Who may do what (see docs/adr/0020-report-workflow.md):
- a department (or plan-office) user whose department is assigned to the task creates, edits and
  submits that department's report on the task;
- a user (department or plan office) of the task's LEAD department accepts or returns every report
  on the task, including the lead department's own report — but never one they submitted or last
  edited themselves (four-eyes: another user of the lead unit reviews it);
- everybody else (finance, applicant, auditor, admin, other departments) is refused.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ipcity.accounts.choices import Role
from ipcity.core import errors
from ipcity.core.audit import audit_record, snapshot
from ipcity.core.uploads import EVIDENCE_KINDS, check_upload
from ipcity.plan.choices import AssignmentRole, PeriodFrequency, TaskStatus
from ipcity.plan.models import Plan, Task, WorkPoint

from .choices import (
    REMINDER_AUDIT_ACTIONS,
    REPORT_EDITABLE,
    REPORT_WORKFLOW,
    AuditAction,
    ReportAction,
    ReportStatus,
)
from .models import ProgressReport, ReportEvent, ReportEvidence, ReportingPeriod, ReportReminder

REPORTING_ROLES = {Role.DEPARTMENT, Role.PLAN_OFFICE}

# Fields of a report a department may change while it is a draft or returned.
REPORT_FIELDS = ("progress", "percent_complete", "narrative", "figures", "work_point")


class IllegalTransition(ValidationError):
    """A workflow step the report's current status does not allow (API: 409)."""

    def __init__(self, message: str, code: str = "illegal_transition") -> None:
        super().__init__(message, code=code)


# --------------------------------------------------------------------------- permissions


def user_department_id(user: Any) -> int | None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.role not in REPORTING_ROLES:
        return None
    return user.department_id


def can_report_on(user: Any, task: Task, department_id: int | None = None) -> bool:
    """The user's department is assigned to the task (and is the report's department, if given)."""
    dept = user_department_id(user)
    if dept is None or (department_id is not None and dept != department_id):
        return False
    return any(a.department_id == dept for a in task.assignments.all())


def is_lead_reviewer(user: Any, task: Task) -> bool:
    """The user belongs to the task's lead department (it reviews every report on the task)."""
    dept = user_department_id(user)
    if dept is None:
        return False
    lead = task.lead_assignment
    return lead is not None and lead.department_id == dept


def _require_reporter(user: Any, task: Task, department_id: int) -> None:
    if not can_report_on(user, task, department_id):
        raise PermissionDenied(
            _("Only users of a department assigned to task %(code)s can report for that department.")
            % {"code": task.code}
        )


def is_report_author(user: Any, report: ProgressReport) -> bool:
    """The user submitted the report or made its last edit (content or evidence)."""
    pk = getattr(user, "pk", None)
    return pk is not None and pk in (report.submitted_by_id, report.last_edited_by_id)


def can_review(user: Any, report: ProgressReport) -> bool:
    """A user of the lead unit who neither submitted nor last edited the report (four-eyes)."""
    return is_lead_reviewer(user, report.task) and not is_report_author(user, report)


def _require_reviewer(user: Any, report: ProgressReport) -> None:
    task = report.task
    if not is_lead_reviewer(user, task):
        raise PermissionDenied(
            _("Only users of the lead unit of task %(code)s can review its reports.") % {"code": task.code}
        )
    if is_report_author(user, report):
        raise PermissionDenied(
            _(
                "You submitted or last edited this report: another user of the lead unit must accept "
                "or return it (four-eyes principle)."
            )
        )


# --------------------------------------------------------------------------- reporting periods


@dataclass(frozen=True)
class PeriodSpec:
    code: str
    name: str
    start: dt.date
    end: dt.date


_QUARTER_NAMES = {1: "一", 2: "二", 3: "三", 4: "四"}


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def period_specs(*, start_year: int, end_year: int, frequency: str) -> list[PeriodSpec]:
    """The periods covering the plan years at this frequency (codes 2023M01, 2023Q1, 2023H1, 2023)."""
    specs: list[PeriodSpec] = []
    for year in range(start_year, end_year + 1):
        if frequency == PeriodFrequency.MONTHLY:
            for m in range(1, 13):
                specs.append(
                    PeriodSpec(f"{year}M{m:02d}", f"{year}年{m}月", dt.date(year, m, 1), _month_end(year, m))
                )
        elif frequency == PeriodFrequency.HALF_YEARLY:
            specs.append(
                PeriodSpec(f"{year}H1", f"{year}年上半年", dt.date(year, 1, 1), dt.date(year, 6, 30))
            )
            specs.append(
                PeriodSpec(f"{year}H2", f"{year}年下半年", dt.date(year, 7, 1), dt.date(year, 12, 31))
            )
        elif frequency == PeriodFrequency.YEARLY:
            specs.append(PeriodSpec(f"{year}", f"{year}年度", dt.date(year, 1, 1), dt.date(year, 12, 31)))
        else:
            for q in range(1, 5):
                first = 3 * (q - 1) + 1
                specs.append(
                    PeriodSpec(
                        f"{year}Q{q}",
                        f"{year}年第{_QUARTER_NAMES[q]}季度",
                        dt.date(year, first, 1),
                        _month_end(year, first + 2),
                    )
                )
    return specs


def periods_generate(*, actor: Any, plan: Plan) -> list[ReportingPeriod]:
    """Create the plan's missing periods from plan.report_frequency. Idempotent: a period whose code
    exists, or whose dates overlap a kept period (e.g. after a frequency change), is skipped."""
    created: list[ReportingPeriod] = []
    with transaction.atomic():
        existing = list(ReportingPeriod.objects.select_for_update().filter(plan=plan))
        codes = {p.code for p in existing}
        for spec in period_specs(
            start_year=plan.start_year, end_year=plan.end_year, frequency=plan.report_frequency
        ):
            if spec.code in codes:
                continue
            if any(p.start <= spec.end and spec.start <= p.end for p in existing):
                continue
            period = ReportingPeriod(
                plan=plan,
                code=spec.code,
                name=spec.name,
                start=spec.start,
                end=spec.end,
                due_date=spec.end + dt.timedelta(days=plan.report_due_days),
            )
            period.full_clean()
            period.save()
            existing.append(period)
            created.append(period)
        if created:
            audit_record(
                actor=actor,
                action=AuditAction.REPORTING_PERIOD_GENERATE,
                obj=plan,
                after={"created": [p.code for p in created], "frequency": plan.report_frequency},
            )
    return created


def periods_for_loaded_plan(sender: Any, *, plan: Plan, actor: Any, **kwargs: Any) -> list[ReportingPeriod]:
    """Receiver of the plan's `plan_loaded` hook (load_policy): the loaded plan's missing periods."""
    return periods_generate(actor=actor, plan=plan)


def plan_reporting_update(
    *, actor: Any, plan: Plan, frequency: str, due_days: int, today: dt.date | None = None
) -> tuple[list[str], list[ReportingPeriod]]:
    """Change how often the plan reports and how long after a period's end reports are due, then
    regenerate the future: periods that have not ended yet and hold no report are deleted and
    generated again at the new frequency. Periods with reports, and past periods, are never deleted.
    Returns (deleted codes, created periods)."""
    if actor is None or getattr(actor, "role", "") != Role.PLAN_OFFICE:
        raise PermissionDenied(_("Only the plan office can change the reporting frequency."))
    today = today or timezone.localdate()
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        before = snapshot(plan, ["report_frequency", "report_due_days"])
        plan.report_frequency = frequency
        plan.report_due_days = due_days
        plan.full_clean()
        plan.save(update_fields=["report_frequency", "report_due_days", "updated_at"])
        future = ReportingPeriod.objects.filter(plan=plan, end__gte=today, reports__isnull=True)
        deleted = sorted(future.values_list("code", flat=True))
        future.delete()
        audit_record(
            actor=actor,
            action=AuditAction.PLAN_REPORTING_UPDATE,
            obj=plan,
            before=before,
            after={**snapshot(plan, ["report_frequency", "report_due_days"]), "deleted_periods": deleted},
        )
        created = periods_generate(actor=actor, plan=plan)
    return deleted, created


# --------------------------------------------------------------------------- reports


def _clean_figures(figures: Any) -> list[dict[str, str]]:
    if figures in (None, ""):
        return []
    if not isinstance(figures, list):
        raise ValidationError({"figures": _("Figures must be a list of {name, value, unit}.")})
    out = []
    for i, fig in enumerate(figures, start=1):
        if not isinstance(fig, dict):
            raise ValidationError({"figures": _("Figure %(n)s needs a name.") % {"n": i}})
        name = str(fig.get("name", "")).strip()
        if not name:
            raise ValidationError({"figures": _("Figure %(n)s needs a name.") % {"n": i}})
        try:
            value = Decimal(str(fig.get("value", "")).strip())
            if not value.is_finite():
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            raise ValidationError({"figures": _("Figure %(n)s needs a numeric value.") % {"n": i}}) from None
        out.append(
            {"name": name[:100], "value": str(value), "unit": str(fig.get("unit", "") or "").strip()[:30]}
        )
    return out


def _report_snapshot(report: ProgressReport) -> dict[str, Any]:
    data = snapshot(report)
    data["evidence"] = [
        {"name": e.original_name, "sha256": e.sha256, "size": e.size} for e in report.current_evidence
    ]
    return data


def _event(
    report: ProgressReport, *, actor: Any, from_status: str, to_status: str, comment: str = ""
) -> None:
    ReportEvent.objects.create(
        report=report,
        at=timezone.now(),
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        comment=comment,
        snapshot=_report_snapshot(report),
    )


def _apply_fields(report: ProgressReport, fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(REPORT_FIELDS)
    if unknown:
        raise ValueError(f"unknown report fields: {sorted(unknown)}")
    if "figures" in fields:
        fields = {**fields, "figures": _clean_figures(fields["figures"])}
    if "percent_complete" in fields:
        try:
            fields["percent_complete"] = int(fields["percent_complete"])
        except (TypeError, ValueError):
            raise ValidationError({"percent_complete": _("Enter a whole number from 0 to 100.")}) from None
        if not 0 <= fields["percent_complete"] <= 100:
            raise ValidationError({"percent_complete": _("Enter a whole number from 0 to 100.")})
    wp = fields.get("work_point")
    if wp is not None and not isinstance(wp, WorkPoint):
        raise ValueError("work_point must be a WorkPoint")
    for name, value in fields.items():
        setattr(report, name, value)
    if report.work_point_id is not None and report.work_point is not None:
        if report.work_point.task_id != report.task_id:
            raise ValidationError({"work_point": _("The work point must belong to the report's task.")})


def report_create(
    *,
    actor: Any,
    task: Task,
    period: ReportingPeriod,
    department_id: int | None = None,
    **fields: Any,
) -> ProgressReport:
    """Start a draft report of the actor's department on a task for a period."""
    department_id = department_id or user_department_id(actor)
    if department_id is None:
        raise PermissionDenied(_("Your account is not allowed to write progress reports."))
    _require_reporter(actor, task, department_id)
    if period.plan_id != task.plan_id:
        raise ValidationError({"period": _("The period belongs to another plan.")})
    with transaction.atomic():
        if ProgressReport.objects.filter(task=task, department_id=department_id, period=period).exists():
            raise IllegalTransition(
                _("A report on task %(task)s for %(period)s already exists for this department.")
                % {"task": task.code, "period": period.label},
                code="duplicate",
            )
        report = ProgressReport(
            task=task,
            department_id=department_id,
            period=period,
            status=ReportStatus.DRAFT,
            created_by=actor,
            last_edited_by=actor,
        )
        _apply_fields(report, dict(fields))
        report.full_clean()
        report.save()
        _event(report, actor=actor, from_status="", to_status=ReportStatus.DRAFT)
        audit_record(
            actor=actor, action=AuditAction.PROGRESS_REPORT_CREATE, obj=report, after=snapshot(report)
        )
    return report


def _decide(action: str, report: ProgressReport, actor: Any) -> str:
    """The workflow decides (docs/adr/0017); its refusal keeps this module's exceptions (pages, API: 409)."""
    try:
        return REPORT_WORKFLOW.check(action, report, actor)
    except errors.NotAllowed as exc:
        raise PermissionDenied(exc.message) from None
    except errors.DomainError as exc:
        raise IllegalTransition(exc.message) from None


def _locked(report: ProgressReport) -> ProgressReport:
    return (
        ProgressReport.objects.select_for_update()
        .select_related("task", "period", "department")
        .get(pk=report.pk)
    )


def report_update(*, actor: Any, report: ProgressReport, **fields: Any) -> ProgressReport:
    """Edit a draft or returned report."""
    _require_reporter(actor, report.task, report.department_id)
    with transaction.atomic():
        report = _locked(report)
        if not report.can_edit():
            raise IllegalTransition(
                _("A report that is %(status)s cannot be edited.") % {"status": report.get_status_display()},
                code="not_editable",
            )
        before = snapshot(report)
        _apply_fields(report, dict(fields))
        report.last_edited_by = actor
        report.full_clean()
        report.save()
        audit_record(
            actor=actor,
            action=AuditAction.PROGRESS_REPORT_UPDATE,
            obj=report,
            before=before,
            after=snapshot(report),
        )
    return report


def evidence_add(*, actor: Any, report: ProgressReport, upload: UploadedFile) -> ReportEvidence:
    """Attach an evidence file (PDF, image, xlsx/docx), checked by content, while the report is editable."""
    _require_reporter(actor, report.task, report.department_id)
    check_upload(upload, EVIDENCE_KINDS)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    with transaction.atomic():
        report = _locked(report)
        if not report.can_edit():
            raise IllegalTransition(
                _("Evidence can only be added while the report is a draft or returned."), code="not_editable"
            )
        name = (upload.name or "evidence").replace("\\", "/").rsplit("/", 1)[-1][:255]
        evidence = ReportEvidence(
            report=report,
            original_name=name,
            size=upload.size or 0,
            sha256=digest.hexdigest(),
            uploaded_by=actor,
        )
        evidence.file.save(name, upload, save=False)
        evidence.full_clean()
        evidence.save()
        report.last_edited_by = actor
        report.save(update_fields=["last_edited_by", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.PROGRESS_REPORT_EVIDENCE_ADD,
            obj=report,
            after={
                "evidence_id": evidence.pk,
                "name": name,
                "sha256": evidence.sha256,
                "size": evidence.size,
            },
        )
    return evidence


def evidence_withdraw(*, actor: Any, report: ProgressReport, evidence_id: int) -> ReportEvidence:
    """Take an evidence file out of a draft or returned report. The file is kept and the withdrawal
    audited; a submitted or accepted report's evidence cannot be withdrawn."""
    _require_reporter(actor, report.task, report.department_id)
    with transaction.atomic():
        report = _locked(report)
        evidence = ReportEvidence.objects.select_for_update().filter(report=report, pk=evidence_id).first()
        if evidence is None or evidence.withdrawn_at is not None:
            raise ReportEvidence.DoesNotExist(_("This report has no such evidence file."))
        if not report.can_edit():
            raise IllegalTransition(
                _("Evidence can only be withdrawn while the report is a draft or returned."),
                code="not_editable",
            )
        evidence.withdrawn_at = timezone.now()
        evidence.withdrawn_by = actor
        evidence.save(update_fields=["withdrawn_at", "withdrawn_by"])
        report.last_edited_by = actor
        report.save(update_fields=["last_edited_by", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.PROGRESS_REPORT_EVIDENCE_WITHDRAW,
            obj=report,
            after={"evidence_id": evidence.pk, "name": evidence.original_name, "sha256": evidence.sha256},
        )
    return evidence


def report_submit(*, actor: Any, report: ProgressReport, now: dt.datetime | None = None) -> ProgressReport:
    """Send a draft (or a returned report, after editing) to the lead unit. Late if submitted after the
    period's due date (the due date itself is on time, in the plan's time zone)."""
    _require_reporter(actor, report.task, report.department_id)
    now = now or timezone.now()
    with transaction.atomic():
        report = _locked(report)
        target = _decide(ReportAction.SUBMIT, report, actor)
        before = snapshot(report)
        from_status = report.status
        report.status = target
        report.submitted_at = now
        report.submitted_by = actor
        report.is_late = timezone.localdate(now) > report.period.due_date
        report.full_clean()
        report.save()
        _event(report, actor=actor, from_status=from_status, to_status=target)
        audit_record(
            actor=actor,
            action=AuditAction.PROGRESS_REPORT_SUBMIT,
            obj=report,
            before=before,
            after=snapshot(report),
        )
    return report


def report_accept(
    *, actor: Any, report: ProgressReport, make_public: bool = False, comment: str = ""
) -> ProgressReport:
    """The lead unit accepts a submitted report (optionally publishing it on the public plan pages).
    Accepting the lead unit's own report moves the task's status (see _task_status_from)."""
    _require_reviewer(actor, report)
    with transaction.atomic():
        report = _locked(report)
        _require_reviewer(actor, report)  # again on the locked row: it may have been resubmitted meanwhile
        target = _decide(ReportAction.ACCEPT, report, actor)
        before = snapshot(report)
        report.status = target
        report.is_public = bool(make_public)
        report.reviewed_by = actor
        report.reviewed_at = timezone.now()
        report.review_comment = (comment or "").strip()
        report.full_clean()
        report.save()
        _event(
            report,
            actor=actor,
            from_status=ReportStatus.SUBMITTED,
            to_status=ReportStatus.ACCEPTED,
            comment=report.review_comment,
        )
        audit_record(
            actor=actor,
            action=AuditAction.PROGRESS_REPORT_ACCEPT,
            obj=report,
            before=before,
            after=snapshot(report),
        )
        _task_status_from(report, actor=actor)
    return report


def report_return(*, actor: Any, report: ProgressReport, comment: str) -> ProgressReport:
    """The lead unit sends a submitted report back with a required comment saying what to change."""
    _require_reviewer(actor, report)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what must be changed: a comment is required.")})
    with transaction.atomic():
        report = _locked(report)
        _require_reviewer(actor, report)  # again on the locked row: it may have been resubmitted meanwhile
        target = _decide(ReportAction.RETURN, report, actor)
        before = snapshot(report)
        report.status = target
        report.reviewed_by = actor
        report.reviewed_at = timezone.now()
        report.review_comment = comment
        report.full_clean()
        report.save()
        _event(
            report,
            actor=actor,
            from_status=ReportStatus.SUBMITTED,
            to_status=ReportStatus.RETURNED,
            comment=comment,
        )
        audit_record(
            actor=actor,
            action=AuditAction.PROGRESS_REPORT_RETURN,
            obj=report,
            before=before,
            after=snapshot(report),
        )
    return report


def _task_status_from(report: ProgressReport, *, actor: Any) -> None:
    """Rule: the task takes the status and percent of its lead unit's accepted report for the latest
    period accepted so far. Support units' reports never move the task; accepting an older period's
    report after a newer one does not roll the task back."""
    task = Task.objects.select_for_update().get(pk=report.task_id)
    lead = task.assignments.filter(role=AssignmentRole.LEAD).first()
    if lead is None or lead.department_id != report.department_id:
        return
    newer = ProgressReport.objects.filter(
        task=task,
        department_id=lead.department_id,
        status=ReportStatus.ACCEPTED,
        period__start__gt=report.period.start,
    ).exists()
    if newer:
        return
    before = snapshot(task, ["status", "percent_complete", "status_updated_at"])
    task.status = report.progress
    task.percent_complete = report.percent_complete
    if task.status == TaskStatus.COMPLETED:
        task.percent_complete = 100
    task.status_updated_at = timezone.now()
    task.full_clean()
    task.save(update_fields=["status", "percent_complete", "status_updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.TASK_STATUS_UPDATE,
        obj=task,
        before=before,
        after={**snapshot(task, ["status", "percent_complete", "status_updated_at"]), "report_id": report.pk},
    )


__all__ = [
    "REPORT_EDITABLE",
    "IllegalTransition",
    "can_report_on",
    "evidence_add",
    "evidence_withdraw",
    "can_review",
    "is_lead_reviewer",
    "is_report_author",
    "period_specs",
    "periods_generate",
    "plan_reporting_update",
    "report_accept",
    "report_create",
    "report_return",
    "report_submit",
    "report_update",
]


# --------------------------------------------------------------------------- reminders


@transaction.atomic
def report_reminder_record(
    *,
    actor: Any,
    period: ReportingPeriod,
    department_id: int,
    kind: str,
    recipients: list[str],
    task_codes: list[str],
) -> ReportReminder:
    """Record that a reminder (or overdue notice) goes to a department for a period. One per (period,
    department, kind): a second one is refused (ValidationError from full_clean, or IntegrityError when
    another run commits first)."""
    reminder = ReportReminder(
        period=period,
        department_id=department_id,
        kind=kind,
        sent_at=timezone.now(),
        recipients=recipients,
        task_codes=task_codes,
    )
    reminder.full_clean()
    reminder.save()
    audit_record(
        actor=actor,
        action=REMINDER_AUDIT_ACTIONS[kind],
        obj=reminder,
        after={"recipients": recipients, "tasks": task_codes},
    )
    return reminder
