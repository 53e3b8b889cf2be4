"""Public plan pages (/plan/, /plan/indicators/, /plan/tasks/<code>/, /plan/annex.xlsx) and the plan
office's pages for indicator values, work points and commendations."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ipcity.accounts.choices import Role
from ipcity.core.audit import data_version
from ipcity.core.errors import Invalid, add_to_form
from ipcity.core.permissions import role_required, user_has_role
from ipcity.orgs.models import Department

from . import hooks, selectors, services
from .choices import Comparison
from .exports import annex_workbook
from .filters import TaskFilter
from .forms import CommendationForm, IndicatorValueForm, WorkPointForm
from .selectors import IndicatorRow


def _filtered_tasks(request: HttpRequest, plan: Any) -> TaskFilter:
    filterset = TaskFilter(
        request.GET or None, queryset=selectors.task_queryset(user=request.user, plan=plan)
    )
    for field in filterset.form.fields.values():
        css = "form-select form-select-sm" if hasattr(field, "choices") else "form-control form-control-sm"
        field.widget.attrs.setdefault("class", css)
    return filterset


def plan_index(request: HttpRequest) -> HttpResponse:
    # Read before any data: the programmes section is cached under this version (ADR 0024).
    version = data_version()
    plan = selectors.plan_get(user=request.user)
    filterset = _filtered_tasks(request, plan)
    filtering = bool(filterset.is_bound and any(v for v in request.GET.values()))
    if filtering:
        programmes_html, task_count = _programmes_section(request, plan, filterset, filtering=True)
    else:
        key = f"plan:programmes:{plan.pk}:{get_language()}:{version}"
        cached: tuple[SafeString, int] | None = cache.get(key)
        if cached is None:
            cached = _programmes_section(request, plan, filterset, filtering=False)
            cache.set(key, cached, PROGRAMMES_CACHE_SECONDS)
        programmes_html, task_count = cached
    return render(
        request,
        "plan/plan_index.html",
        {
            "plan": plan,
            "programmes_html": programmes_html,
            "filter": filterset,
            "filtering": filtering,
            "task_count": task_count,
            "rows": selectors.indicator_rows(user=request.user, plan=plan),
            "commendations": selectors.commendation_list(user=request.user, plan=plan),
            "is_plan_office": user_has_role(request.user, Role.PLAN_OFFICE),
            "query": request.GET.urlencode(),
            "departments": Department.objects.filter(is_active=True).order_by("order"),
            "all_programmes": plan.programmes.order_by("number"),
        },
    )


# The section is the same for every visitor (public statuses only); a new audited write changes the key.
PROGRAMMES_CACHE_SECONDS = 3600


def _programmes_section(
    request: HttpRequest, plan: Any, filterset: TaskFilter, *, filtering: bool
) -> tuple[SafeString, int]:
    """Programmes → measures → tasks with their units and status, rendered, and how many tasks it shows."""
    tasks = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    if filterset.is_bound and not filterset.is_valid():
        tasks = tasks.none()
    programmes = selectors.programme_list(user=request.user, plan=plan, tasks=tasks)
    for programme in programmes:
        measures = list(programme.measures.all())
        programme.shown_measures = [m for m in measures if m.tasks.all()] if filtering else measures  # type: ignore[attr-defined]
    shown = [p for p in programmes if p.shown_measures]  # type: ignore[attr-defined]
    task_count = 0
    for programme in shown:
        for measure in programme.shown_measures:  # type: ignore[attr-defined]
            task_count += len(measure.tasks.all())
    html = render_to_string("plan/_programmes.html", {"programmes": shown}, request=request)
    return mark_safe(html), task_count  # noqa: S308 - our own template's output, autoescaped


def indicator_list(request: HttpRequest) -> HttpResponse:
    plan = selectors.plan_get(user=request.user)
    rows = selectors.indicator_rows(user=request.user, plan=plan)
    charts = [(row, indicator_chart(row, plan.start_year)) for row in rows]
    return render(
        request,
        "plan/indicator_list.html",
        {"plan": plan, "charts": charts, "is_plan_office": user_has_role(request.user, Role.PLAN_OFFICE)},
    )


def task_detail(request: HttpRequest, code: str) -> HttpResponse:
    plan = selectors.plan_get(user=request.user)
    task = selectors.task_get(user=request.user, plan=plan, code=code)
    return render(
        request,
        "plan/task_detail.html",
        {
            "plan": plan,
            "task": task,
            "assignments": list(task.assignments.all()),
            "work_points": list(task.work_points.all()),
            "reports": hooks.public_reports(user=request.user, task=task),
            "is_plan_office": user_has_role(request.user, Role.PLAN_OFFICE),
        },
    )


def annex_xlsx(request: HttpRequest) -> HttpResponse:
    plan = selectors.plan_get(user=request.user)
    filterset = _filtered_tasks(request, plan)
    if filterset.is_bound and not filterset.is_valid():
        return HttpResponse(
            "; ".join(f"{k}: {' '.join(v)}" for k, v in filterset.errors.items()),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    tasks = filterset.qs if filterset.is_bound else filterset.queryset
    response = HttpResponse(
        annex_workbook(plan, tasks),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{plan.code}-annex.xlsx"'
    return response


@role_required(Role.PLAN_OFFICE)
@require_http_methods(["GET", "POST"])
def indicator_value_new(request: HttpRequest, code: str) -> HttpResponse:
    plan = selectors.plan_get(user=request.user)
    indicator = selectors.indicator_get(user=request.user, plan=plan, code=code)
    form = IndicatorValueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_value_record(actor=request.user, indicator=indicator, **form.cleaned_data)
        except Invalid as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The value was recorded."))
            return redirect("plan:indicators")
    return render(
        request,
        "plan/office_form.html",
        {"form": form, "heading": _("Record a value"), "subject": indicator.name},
    )


@role_required(Role.PLAN_OFFICE)
@require_http_methods(["GET", "POST"])
def work_point_new(request: HttpRequest, code: str) -> HttpResponse:
    plan = selectors.plan_get(user=request.user)
    task = selectors.task_get(user=request.user, plan=plan, code=code)
    form = WorkPointForm(request.POST or None, task=task)
    if request.method == "POST" and form.is_valid():
        try:
            services.work_point_create(actor=request.user, task=task, **form.cleaned_data)
        except Invalid as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The work point was added."))
            return redirect("plan:task_detail", code=task.code)
    return render(
        request,
        "plan/office_form.html",
        {"form": form, "heading": _("Add a work point"), "subject": f"{task.code} {task.text[:60]}"},
    )


@role_required(Role.PLAN_OFFICE)
@require_http_methods(["GET", "POST"])
def commendation_new(request: HttpRequest) -> HttpResponse:
    plan = selectors.plan_get(user=request.user)
    form = CommendationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.commendation_create(actor=request.user, plan=plan, **form.cleaned_data)
        except Invalid as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The commendation was recorded."))
            return redirect("plan:index")
    return render(
        request,
        "plan/office_form.html",
        {"form": form, "heading": _("Record a commendation"), "subject": plan.title},
    )


# --- charts: hand-written SVG, rendered on the server (no JavaScript) --------------------------

W, H, PAD_L, PAD_R, PAD_T, PAD_B = 480, 220, 56, 16, 16, 32


def _fmt(value: Decimal | float) -> str:
    d = Decimal(str(value))
    return format(d.normalize(), "f") if d == d.to_integral() or abs(d) < 1000 else f"{d:.0f}"


def indicator_chart(row: IndicatorRow, start_year: int) -> SafeString:
    """An SVG chart of one indicator: yearly values (bars; cumulative sums for `cumulative`), the
    target as a dashed line (or the required growth path for `growth_rate`)."""
    ind = row.indicator
    kind = ind.comparison
    values = {v.year: v.value for v in row.values}
    first_year = min([start_year, *values]) if values else start_year
    years = list(range(first_year, max([ind.target_year, *values]) + 1))
    shown: dict[int, Decimal] = {}
    running = Decimal(0)
    for y in years:
        if y in values:
            if kind == Comparison.CUMULATIVE and y >= start_year:
                running += values[y]
                shown[y] = running
            else:
                shown[y] = values[y]
    target_line: list[tuple[int, Decimal]] = []
    if kind == Comparison.GROWTH_RATE and ind.target is not None and shown:
        y0 = min(shown)
        rate = 1 + ind.target / 100
        target_line = [(yr, shown[y0] * rate ** (yr - y0)) for yr in years if yr >= y0]
    elif ind.target is not None and kind != Comparison.RISING:
        target_line = [(years[0], ind.target), (years[-1], ind.target)]
    top = max([*shown.values(), *(v for _, v in target_line), Decimal(1)]) * Decimal("1.15")
    plot_w, plot_h = W - PAD_L - PAD_R, H - PAD_T - PAD_B
    step = plot_w / len(years)

    def px(year: int) -> float:
        return PAD_L + step * (years.index(year) + 0.5)

    def py(value: Decimal) -> float:
        return PAD_T + plot_h * (1 - float(value / top))

    title = escape(f"{ind.name} ({ind.unit})" if ind.unit else ind.name)
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {W} {H}" width="{W}" height="{H}" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="{title}"><title>{title}</title>',
        f'<line x1="{PAD_L}" y1="{PAD_T + plot_h}" x2="{W - PAD_R}" y2="{PAD_T + plot_h}" stroke="#888"/>',
        f'<line x1="{PAD_L}" y1="{PAD_T}" x2="{PAD_L}" y2="{PAD_T + plot_h}" stroke="#888"/>',
    ]
    for frac in (0.5, 1):
        v = top / Decimal("1.15") * Decimal(str(frac))
        parts.append(
            f'<text x="{PAD_L - 6}" y="{py(v) + 4:.1f}" font-size="11" text-anchor="end" fill="#555">{_fmt(round(v, 2))}</text>'
            f'<line x1="{PAD_L}" y1="{py(v):.1f}" x2="{W - PAD_R}" y2="{py(v):.1f}" stroke="#eee"/>'
        )
    for yr in years:
        parts.append(
            f'<text x="{px(yr):.1f}" y="{H - 10}" font-size="11" text-anchor="middle" fill="#555">{yr}</text>'
        )
    bar_w = step * 0.5
    for yr, v in shown.items():
        parts.append(
            f'<rect class="value" x="{px(yr) - bar_w / 2:.1f}" y="{py(v):.1f}" width="{bar_w:.1f}" '
            f'height="{PAD_T + plot_h - py(v):.1f}" fill="#0d6efd"><title>{yr}: {_fmt(v)}</title></rect>'
            f'<text x="{px(yr):.1f}" y="{py(v) - 4:.1f}" font-size="11" text-anchor="middle">{_fmt(round(v, 2))}</text>'
        )
    if target_line:
        points = " ".join(f"{px(yr):.1f},{py(v):.1f}" for yr, v in target_line)
        parts.append(
            f'<polyline class="target" points="{points}" fill="none" stroke="#dc3545" stroke-width="2" '
            f'stroke-dasharray="6 4"><title>{escape(_("Target"))}</title></polyline>'
        )
    if not shown:
        parts.append(
            f'<text x="{W / 2}" y="{H / 2}" font-size="13" text-anchor="middle" fill="#888">{escape(_("No data yet"))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped above
