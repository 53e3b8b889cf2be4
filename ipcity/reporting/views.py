"""Pages of progress reporting and supervision. They parse input, call report_services, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ipcity.accounts.choices import Role
from ipcity.core.downloads import stored_file_response
from ipcity.core.permissions import role_required
from ipcity.plan.models import Task

from . import excel
from . import services as svc
from .choices import REPORT_WORKFLOW, ReportAction, ReportStatus
from .filters import ProgressReportFilter, TaskSupervisionFilter
from .forms import ImportForm, ReportForm, ReportingSettingsForm, ReviewForm, figures_text
from .models import ProgressReport, ReportEvidence, ReportingPeriod
from .selectors import (
    REPORT_PAGE_ROLES,
    current_plan,
    default_period,
    my_task_rows,
    periods_of,
    report_for_user,
    reports_visible_to,
    review_queue,
)
from .supervision import STATE_COLOURS, build_board

SUPERVISION_ROLES = (Role.PLAN_OFFICE, Role.AUDITOR)
WRITER_ROLES = (Role.PLAN_OFFICE, Role.DEPARTMENT)


def _error_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return " ".join(str(m) for msgs in exc.message_dict.values() for m in msgs)
    return " ".join(str(m) for m in exc.messages)


def _period_from(request: HttpRequest, plan: Any) -> ReportingPeriod | None:
    code = request.GET.get("period", "")
    if code:
        found = periods_of(plan).filter(code=code).first()
        if found is not None:
            return found
    return default_period(plan)


@role_required(*REPORT_PAGE_ROLES)
def report_list(request: HttpRequest) -> HttpResponse:
    """My department's tasks for a period, the lead unit's review queue, and (filterable) all reports I may read."""
    plan = current_plan()
    period = _period_from(request, plan)
    user = request.user
    filterset = ProgressReportFilter(request.GET or None, queryset=reports_visible_to(user))
    reports = filterset.qs[:200] if filterset.is_valid() else reports_visible_to(user).none()
    return render(
        request,
        "reporting/reports/list.html",
        {
            "plan": plan,
            "period": period,
            "periods": periods_of(plan),
            "rows": my_task_rows(user, plan, period),
            "queue": review_queue(user),
            "filterset": filterset,
            "reports": reports,
            "can_write": getattr(user, "role", "") in WRITER_ROLES,
            "is_plan_office": getattr(user, "role", "") == Role.PLAN_OFFICE,
        },
    )


def _form_context(
    request: HttpRequest, form: ReportForm, task: Task, period: ReportingPeriod, report: Any
) -> dict:
    return {"form": form, "task": task, "period": period, "report": report}


@role_required(*WRITER_ROLES)
def report_new(request: HttpRequest) -> HttpResponse:
    plan = current_plan()
    task = get_object_or_404(Task, plan=plan, code=request.GET.get("task", ""))
    period = get_object_or_404(ReportingPeriod, plan=plan, code=request.GET.get("period", ""))
    if not svc.can_report_on(request.user, task):
        raise PermissionDenied
    existing = ProgressReport.objects.filter(
        task=task, period=period, department_id=svc.user_department_id(request.user) or 0
    ).first()
    if existing is not None:
        return redirect("reporting:report_edit", pk=existing.pk)
    form = ReportForm(request.POST or None, request.FILES or None, task=task)
    if request.method == "POST" and form.is_valid():
        try:
            report = svc.report_create(actor=request.user, task=task, period=period, **_report_fields(form))
            return _after_save(request, report, form)
        except ValidationError as exc:
            _add_errors(form, exc)
    return render(request, "reporting/reports/form.html", _form_context(request, form, task, period, None))


def _report_fields(form: ReportForm) -> dict[str, Any]:
    """The report's own fields from a valid form, as report_create / report_update take them."""
    return {name: form.cleaned_data[name] for name in svc.REPORT_FIELDS}


def _add_errors(form: ReportForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, msgs in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, msgs)
    else:
        form.add_error(None, exc.messages)


def _after_save(request: HttpRequest, report: ProgressReport, form: ReportForm) -> HttpResponse:
    upload = form.cleaned_data.get("evidence")
    if upload:
        try:
            svc.evidence_add(actor=request.user, report=report, upload=upload)
        except ValidationError as exc:
            messages.error(
                request,
                _("The report was saved but the evidence file was refused: %(e)s") % {"e": _error_text(exc)},
            )
            return redirect("reporting:report_edit", pk=report.pk)
    if "submit" in request.POST:
        try:
            report = svc.report_submit(actor=request.user, report=report)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
            return redirect("reporting:report_edit", pk=report.pk)
        if report.is_late:
            messages.warning(request, _("The report was submitted after the due date and is marked late."))
        else:
            messages.success(request, _("The report was submitted to the lead unit."))
        return redirect("reporting:report_detail", pk=report.pk)
    messages.success(request, _("The draft was saved."))
    return redirect("reporting:report_edit", pk=report.pk)


@role_required(*WRITER_ROLES)
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_for_user(request.user, pk)
    if not svc.can_report_on(request.user, report.task, report.department_id):
        raise PermissionDenied
    if not report.can_edit():
        messages.info(
            request,
            _("This report is %(status)s and can no longer be edited.")
            % {"status": report.get_status_display()},
        )
        return redirect("reporting:report_detail", pk=report.pk)
    initial = {
        "progress": report.progress,
        "percent_complete": report.percent_complete,
        "narrative": report.narrative,
        "figures": figures_text(report.figures),
        "work_point": report.work_point_id,
    }
    form = ReportForm(request.POST or None, request.FILES or None, task=report.task, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            report = svc.report_update(actor=request.user, report=report, **_report_fields(form))
            return _after_save(request, report, form)
        except ValidationError as exc:
            _add_errors(form, exc)
    return render(
        request,
        "reporting/reports/form.html",
        _form_context(request, form, report.task, report.period, report),
    )


@role_required(*REPORT_PAGE_ROLES)
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_for_user(request.user, pk)
    return render(
        request,
        "reporting/reports/detail.html",
        {
            "report": report,
            "events": report.events.select_related("actor"),
            "evidence": report.current_evidence,
            # The review buttons show when the workflow offers accept/return and the user may review this one.
            "can_review": ReportAction.ACCEPT in REPORT_WORKFLOW.actions_for(report, request.user)
            and svc.can_review(request.user, report),
            "is_author_of_submission": report.status == ReportStatus.SUBMITTED
            and svc.is_lead_reviewer(request.user, report.task)
            and svc.is_report_author(request.user, report),
            "can_edit": report.can_edit()
            and svc.can_report_on(request.user, report.task, report.department_id),
            "review_form": ReviewForm(),
        },
    )


@require_POST
@role_required(*WRITER_ROLES)
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_for_user(request.user, pk)
    try:
        report = svc.report_submit(actor=request.user, report=report)
        messages.success(request, _("The report was submitted to the lead unit."))
        if report.is_late:
            messages.warning(request, _("The report was submitted after the due date and is marked late."))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect("reporting:report_detail", pk=report.pk)


@require_POST
@role_required(*WRITER_ROLES)
def report_review(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    report = report_for_user(request.user, pk)
    form = ReviewForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "")
    try:
        if decision == "accept":
            svc.report_accept(
                actor=request.user,
                report=report,
                make_public=form.cleaned_data.get("make_public", False),
                comment=comment,
            )
            messages.success(request, _("The report was accepted."))
        else:
            svc.report_return(actor=request.user, report=report, comment=comment)
            messages.success(request, _("The report was returned to the department for changes."))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect("reporting:report_detail", pk=report.pk)


@require_POST
@role_required(*WRITER_ROLES)
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_for_user(request.user, pk)
    upload = request.FILES.get("evidence")
    if not upload:
        messages.error(request, _("Choose a file to upload."))
    else:
        try:
            svc.evidence_add(actor=request.user, report=report, upload=upload)
            messages.success(request, _("The evidence file was added."))
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
    return redirect("reporting:report_edit" if report.can_edit() else "reporting:report_detail", pk=report.pk)


@role_required(*REPORT_PAGE_ROLES)
@require_POST
def evidence_withdraw(request: HttpRequest, pk: int, evidence_id: int) -> HttpResponse:
    report = report_for_user(request.user, pk)
    try:
        svc.evidence_withdraw(actor=request.user, report=report, evidence_id=evidence_id)
        messages.success(request, _("The evidence file was withdrawn from the report."))
    except ReportEvidence.DoesNotExist:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect("reporting:report_edit" if report.can_edit() else "reporting:report_detail", pk=report.pk)


@role_required(*REPORT_PAGE_ROLES)
def evidence_download(request: HttpRequest, pk: int, evidence_id: int) -> Any:
    report = report_for_user(request.user, pk)
    # Withdrawn files stay downloadable through their link (the audit trail names them).
    evidence = report.evidence.filter(pk=evidence_id).first()
    if evidence is None:
        raise Http404
    return stored_file_response(evidence.file.name, filename=evidence.original_name)


# --------------------------------------------------------------------------- plan office: settings


@role_required(Role.PLAN_OFFICE)
def reporting_settings(request: HttpRequest) -> HttpResponse:
    plan = current_plan()
    if plan is None:
        raise Http404
    form = ReportingSettingsForm(
        request.POST or None, initial={"frequency": plan.report_frequency, "due_days": plan.report_due_days}
    )
    if request.method == "POST" and form.is_valid():
        try:
            deleted, created = svc.plan_reporting_update(
                actor=request.user,
                plan=plan,
                frequency=form.cleaned_data["frequency"],
                due_days=form.cleaned_data["due_days"],
            )
            messages.success(
                request,
                _("Saved. %(deleted)s future periods replaced, %(created)s periods created.")
                % {"deleted": len(deleted), "created": len(created)},
            )
            return redirect("reporting:reporting_settings")
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
    return render(
        request, "reporting/reports/settings.html", {"form": form, "plan": plan, "periods": periods_of(plan)}
    )


# --------------------------------------------------------------------------- Excel


@role_required(*REPORT_PAGE_ROLES)
def reports_export(request: HttpRequest) -> HttpResponse:
    filterset = ProgressReportFilter(request.GET or None, queryset=reports_visible_to(request.user))
    qs = filterset.qs if filterset.is_valid() else reports_visible_to(request.user).none()
    response = HttpResponse(excel.export_reports(qs), content_type=excel.XLSX)
    response["Content-Disposition"] = 'attachment; filename="progress-reports.xlsx"'
    return response


@role_required(*WRITER_ROLES)
def reports_template(request: HttpRequest) -> HttpResponse:
    plan = current_plan()
    period = _period_from(request, plan)
    response = HttpResponse(
        excel.import_template(user=request.user, plan=plan, period=period),
        content_type=excel.XLSX,
    )
    response["Content-Disposition"] = 'attachment; filename="progress-report-template.xlsx"'
    return response


@role_required(*WRITER_ROLES)
def reports_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = excel.import_reports(
            actor=request.user, plan=current_plan(), upload=form.cleaned_data["file"]
        )
        if result.ok:
            messages.success(request, _("%(n)s reports were imported.") % {"n": len(result.reports)})
            return redirect(reverse("reporting:report_list"))
    return render(request, "reporting/reports/import.html", {"form": form, "result": result})


# --------------------------------------------------------------------------- supervision


@role_required(*SUPERVISION_ROLES)
def supervision(request: HttpRequest) -> HttpResponse:
    plan = current_plan()
    if plan is None:
        raise Http404
    period = _period_from(request, plan)
    filterset = TaskSupervisionFilter(request.GET or None, queryset=Task.objects.filter(plan=plan), plan=plan)
    tasks = filterset.qs if filterset.is_valid() else Task.objects.filter(plan=plan)
    board = build_board(plan=plan, period=period, tasks=tasks) if period else None
    view = "matrix" if request.GET.get("view") == "matrix" else "list"
    return render(
        request,
        f"reporting/supervision{'_matrix' if view == 'matrix' else ''}.html",
        {
            "plan": plan,
            "board": board,
            "period": period,
            "periods": periods_of(plan),
            "filterset": filterset,
            "colours": STATE_COLOURS,
            "query": request.GET.urlencode(),
        },
    )
