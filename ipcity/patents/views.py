"""Pages of the patent registry: search, patent page (why it is or is not high-value), 高价值专利清单
with Excel export, KPI pages with charts, import jobs, population table, 重大科技创新台账."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pygal
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ipcity.accounts.choices import Role
from ipcity.core.downloads import stored_file_response
from ipcity.core.excel import append_row
from ipcity.core.identifiers import patent_number
from ipcity.core.permissions import role_required, user_has_role
from ipcity.orgs.models import District

from . import kpi as kpi_mod
from .analysis import evaluate
from .choices import PROJECT_WORKFLOW, ProjectAction, ProjectStatus
from .filters import PatentFilter
from .forms import ImportForm, PopulationForm, ProjectForm
from .models import Patent
from .params import current as current_params
from .selectors import (
    IMPORT_READERS,
    LEDGER_READERS,
    import_jobs_for,
    patent_by_number,
    patents_for,
    population_for,
    projects_for,
)
from .services import (
    import_job_create,
    innovation_project_create,
    innovation_project_transition,
    innovation_project_update,
    population_set,
)
from .tasks import run_import_job

EXPORT_LIMIT = 200_000


def _date_param(request: HttpRequest, name: str = "date") -> dt.date:
    text = request.GET.get(name, "")
    try:
        return dt.date.fromisoformat(text) if text else timezone.localdate()
    except ValueError:
        messages.error(request, _("The date must be written YYYY-MM-DD; today is used instead."))
        return timezone.localdate()


def patent_list(request: HttpRequest) -> HttpResponse:
    filterset = PatentFilter(request.GET or None, queryset=patents_for(request.user))
    qs = filterset.qs if filterset.is_bound and filterset.is_valid() else patents_for(request.user)
    if filterset.is_bound and not filterset.is_valid():
        qs = qs.none()
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "patents/list.html",
        {"filter": filterset, "page": page, "query": query.urlencode()},
    )


def patent_export(request: HttpRequest) -> HttpResponse:
    filterset = PatentFilter(request.GET or None, queryset=patents_for(request.user))
    if filterset.is_bound and not filterset.is_valid():
        messages.error(request, _("Correct the filters before exporting."))
        return redirect("patents:list")
    qs = filterset.qs if filterset.is_bound else patents_for(request.user)
    return _xlsx(
        qs,
        _("Patents"),
        filterset.reference_date() if filterset.is_bound else timezone.localdate(),
        "patents",
    )


def high_value_list(request: HttpRequest) -> HttpResponse:
    data = request.GET.copy()
    data["high_value"] = "true"
    data.setdefault("type", "invention")
    filterset = PatentFilter(data, queryset=patents_for(request.user))
    valid = filterset.is_valid()
    qs = filterset.qs if valid else patents_for(request.user).none()
    date = filterset.reference_date() if valid else timezone.localdate()
    if request.GET.get("format") == "xlsx" and valid:
        return _xlsx(qs, _("High-value patents"), date, "high-value-patents", with_criteria=True)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    params = current_params()
    rows = [(p, evaluate(p, date, params)) for p in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "patents/high_value.html",
        {
            "filter": filterset,
            "page": page,
            "rows": rows,
            "date": date,
            "query": query.urlencode(),
            "total": page.paginator.count,
        },
    )


def _xlsx(qs: Any, title: str, date: dt.date, stem: str, with_criteria: bool = False) -> HttpResponse:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    header = [
        _("Application number"),
        _("Type"),
        _("Title"),
        _("Filing date"),
        _("Grant date"),
        _("Legal status"),
        _("Main IPC"),
        _("IPC symbols"),
        _("Holders"),
        _("District"),
        _("SEI codes"),
    ]
    if with_criteria:
        header.append(_("High-value criteria met on %(date)s") % {"date": date})
    append_row(sheet, header)
    params = current_params()
    for patent in qs[:EXPORT_LIMIT].iterator(chunk_size=2000):
        row = [
            patent.application_number,
            patent.get_type_display(),
            patent.title,
            patent.filing_date,
            patent.grant_date,
            patent.get_legal_status_display(),
            patent.ipc_main,
            patent.ipc,
            patent.holders,
            patent.district.name if patent.district_id else "",
            ", ".join(patent.sei_list),
        ]
        if with_criteria:
            row.append(", ".join(evaluate(patent, date, params).met))
        append_row(sheet, row)
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{stem}-{date}.xlsx"'
    return response


def patent_detail(request: HttpRequest, number: str) -> HttpResponse:
    try:
        patent = patent_by_number(request.user, number)
    except patent_number.InvalidPatentNumber:
        raise Http404(_("Not a valid application number.")) from None
    if patent is None:
        raise Http404(_("No patent with this application number is in the registry."))
    if patent.application_number != number:
        return redirect("patents:detail", number=patent.application_number)
    date = _date_param(request)
    result = evaluate(patent, date, current_params())
    return render(
        request,
        "patents/detail.html",
        {
            "patent": patent,
            "result": result,
            "date": date,
            "events": patent.events.all()[:100],
            "projects": patent.projects.all() if user_has_role(request.user, *LEDGER_READERS) else [],
            "threshold": current_params().pledge_threshold(date),
        },
    )


# ------------------------------------------------------------------ KPIs


def _chart_style() -> Any:
    from pygal.style import Style

    return Style(
        background="white",
        plot_background="white",
        font_family="sans-serif",
        colors=("#0d6efd", "#198754", "#adb5bd"),
    )


def _svg(chart: Any) -> str:
    return str(chart.render(is_unicode=True))


def _kpi_line(years: list[int], series: Any, title: str) -> Any:
    """The year-end line chart of both KPIs per 10,000 people (the city's and a district's page)."""
    line = pygal.Line(
        js=[],
        disable_xml_declaration=True,
        width=820,
        height=340,
        style=_chart_style(),
        legend_at_bottom=True,
        title=title,
        explicit_size=False,
    )
    line.x_labels = [str(y) for y in years]
    line.add(
        _("High-value per 10,000"),
        [float(r.high_value_per_10k) if r.high_value_per_10k is not None else None for r in series],
    )
    line.add(
        _("Valid inventions per 10,000"),
        [float(r.valid_per_10k) if r.valid_per_10k is not None else None for r in series],
    )
    return line


def kpi_page(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or min(today.year, 2024 if today.year > 2024 else today.year))
        if not 2000 <= year <= 2100:
            raise ValueError
    except ValueError:
        messages.error(request, _("Choose a year between 2000 and 2100."))
        year = today.year
    date = min(dt.date(year, 12, 31), today)
    city, rows = kpi_mod.kpi_table(date)
    bar = pygal.HorizontalBar(
        js=[],
        disable_xml_declaration=True,
        width=820,
        height=60 + 28 * len(rows),
        style=_chart_style(),
        show_legend=True,
        legend_at_bottom=True,
        print_values=False,
        explicit_size=False,
        title=_("High-value invention patents per 10,000 people, %(date)s") % {"date": date},
    )
    ordered = sorted(rows, key=lambda r: float(r.high_value_per_10k or 0))
    bar.x_labels = [r.name for r in ordered]
    bar.add(
        _("High-value per 10,000"),
        [float(r.high_value_per_10k) if r.high_value_per_10k is not None else None for r in ordered],
    )
    bar.add(
        _("Valid inventions per 10,000"),
        [float(r.valid_per_10k) if r.valid_per_10k is not None else None for r in ordered],
    )
    years = list(range(2015, today.year + 1))
    series = kpi_mod.kpi_series(years)
    line = _kpi_line(years, series, _("Yantai over time (at each year end)"))
    target = _target()
    if target is not None:
        line.add(
            _("2024 target"), [float(target)] * len(years), show_dots=False, stroke_style={"dasharray": "6,4"}
        )
    return render(
        request,
        "patents/kpi.html",
        {
            "city": city,
            "rows": rows,
            "date": date,
            "year": year,
            "years": list(range(2015, today.year + 1)),
            "has_demo": Patent.objects.filter(is_demo=True).exists(),
            "bar_svg": _svg(bar),
            "line_svg": _svg(line),
            "series": series,
            "target": target,
        },
    )


def _target() -> Any:
    from ipcity.plan.models import Indicator

    indicator = (
        Indicator.objects.filter(computed_by="patents.high_value_per_10k").order_by("-target_year").first()
    )
    return indicator.target if indicator else None


def kpi_district(request: HttpRequest, code: str) -> HttpResponse:
    district = get_object_or_404(District, code=code)
    today = timezone.localdate()
    years = list(range(2015, today.year + 1))
    series = kpi_mod.kpi_series(years, district=district)
    line = _kpi_line(
        years, series, _("%(district)s over time (at each year end)") % {"district": district.name}
    )
    return render(
        request, "patents/kpi_district.html", {"district": district, "series": series, "line_svg": _svg(line)}
    )


# ------------------------------------------------------------------ population table


def population_page(request: HttpRequest) -> HttpResponse:
    can_edit = user_has_role(request.user, Role.PLAN_OFFICE)
    form = PopulationForm(request.POST or None)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            d = form.cleaned_data
            try:
                population_set(
                    actor=request.user,
                    district=d["district"],
                    year=d["year"],
                    population=d["population"],
                    basis=d["basis"],
                    source=d["source"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The population figure was saved."))
                return redirect("patents:population")
    return render(
        request,
        "patents/population.html",
        {"rows": population_for(request.user), "form": form, "can_edit": can_edit},
    )


# ------------------------------------------------------------------ imports


@role_required(Role.PLAN_OFFICE)
def import_new(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_job_create(
                actor=request.user,
                upload=form.cleaned_data["file"],
                mapping=form.cleaned_data["mapping"],
                enqueue=run_import_job.delay,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("patents:import_detail", pk=job.pk)
    jobs = import_jobs_for(request.user)[:20]
    return render(request, "patents/import.html", {"form": form, "jobs": jobs})


@role_required(*IMPORT_READERS)
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(import_jobs_for(request.user), pk=pk)
    return render(request, "patents/import_detail.html", {"job": job})


@role_required(*IMPORT_READERS)
def import_progress(request: HttpRequest, pk: int) -> JsonResponse:
    job = get_object_or_404(import_jobs_for(request.user), pk=pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_display": str(job.get_status_display()),
            "percent": job.percent,
            "rows": job.rows,
            "imported": job.imported,
            "updated": job.updated,
            "unchanged": job.unchanged,
            "rejected": job.rejected,
            "error": job.error,
        }
    )


@role_required(*IMPORT_READERS)
def import_report(request: HttpRequest, pk: int) -> Any:
    job = get_object_or_404(import_jobs_for(request.user), pk=pk)
    # The report is written beside the uploaded file, under MEDIA_ROOT; it goes out like every upload.
    media = Path(settings.MEDIA_ROOT).resolve()
    report = Path(job.report_path).resolve() if job.report_path else None
    if report is None or not report.is_relative_to(media):
        raise Http404(_("No error report for this import."))
    name = report.relative_to(media).as_posix()
    return stored_file_response(name, filename=f"{Path(job.original_name).stem}.errors.csv")


# ------------------------------------------------------------------ innovation ledger (重大科技创新台账)


@role_required(*LEDGER_READERS)
def ledger(request: HttpRequest) -> HttpResponse:
    projects = projects_for(request.user)
    status = request.GET.get("status", "")
    if status in ProjectStatus.values:
        projects = projects.filter(status=status)
    if request.GET.get("fast_track") == "1":
        projects = projects.filter(is_fast_track=True)
    rows = list(projects)
    labels = dict(ProjectAction.choices)
    for project in rows:
        # The status choices offered are the workflow's actions for this user: (to-state, action label).
        project.moves = [  # type: ignore[attr-defined]
            (PROJECT_WORKFLOW.target(a), labels[a])
            for a in PROJECT_WORKFLOW.actions_for(project, request.user)
        ]
    return render(
        request,
        "patents/ledger.html",
        {
            "projects": rows,
            "statuses": ProjectStatus.choices,
            "status": status,
            "can_edit": user_has_role(request.user, Role.PLAN_OFFICE),
            "date": timezone.localdate(),
        },
    )


def _project_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "patents"} | {
        "responsible_name": data.get("responsible_name") or "",
        "description": data.get("description") or "",
    }


@role_required(Role.PLAN_OFFICE)
def ledger_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    project = get_object_or_404(projects_for(request.user), pk=pk) if pk else None
    initial = {}
    if project is not None:
        initial = {
            "name": project.name,
            "platform": project.platform,
            "responsible_entity": project.responsible_entity,
            "responsible_name": project.responsible_name,
            "district": project.district,
            "is_fast_track": project.is_fast_track,
            "start_year": project.start_year,
            "description": project.description,
            "patents": "\n".join(project.patents.values_list("application_number", flat=True)),
        }
    form = ProjectForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if project is None:
                project = innovation_project_create(
                    actor=request.user, patents=data["patents"], **_project_fields(data)
                )
            else:
                project = innovation_project_update(
                    actor=request.user, project=project, patents=data["patents"], **_project_fields(data)
                )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The project was saved."))
            return redirect("patents:ledger")
    return render(request, "patents/ledger_form.html", {"form": form, "project": project})


@require_POST
@role_required(Role.PLAN_OFFICE)
def ledger_transition(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(projects_for(request.user), pk=pk)
    to = request.POST.get("to", "")
    try:
        innovation_project_transition(actor=request.user, project=project, to=to)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The project's status was changed."))
    return redirect("patents:ledger")
