"""Reads for the plan's structure side (STYLE rule 2: selectors take the user).

The plan, its goals and the task list are public. A task's published progress comes from the reporting
app through `hooks.public_reports` (the plan does not import reporting; ADR 0025).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from . import indicators as ind
from .models import (
    Commendation,
    Indicator,
    IndicatorValue,
    Measure,
    Plan,
    Programme,
    Task,
    TaskAssignment,
    WorkPoint,
)


def today() -> dt.date:
    return timezone.localdate()


def plan_get(*, user: Any, code: str | None = None) -> Plan:
    plan = Plan.objects.filter(code=code or settings.DEFAULT_POLICY).first()
    if plan is None:
        raise Http404("The plan has not been loaded (manage.py load_policy).")
    return plan


def _assignments() -> Prefetch:
    return Prefetch(
        "assignments", queryset=TaskAssignment.objects.select_related("department").order_by("order")
    )


def task_queryset(*, user: Any, plan: Plan) -> QuerySet[Task]:
    """Tasks with their measure, programme and units in annex order: no N+1 when listed."""
    return (
        Task.objects.filter(plan=plan)
        .select_related("measure__programme")
        .prefetch_related(_assignments())
        .order_by("order")
    )


def programme_list(*, user: Any, plan: Plan, tasks: QuerySet[Task] | None = None) -> list[Programme]:
    """Programmes → measures → tasks (each list prefetched)."""
    task_qs = tasks if tasks is not None else task_queryset(user=user, plan=plan)
    measures = Measure.objects.order_by("number").prefetch_related(Prefetch("tasks", queryset=task_qs))
    return list(
        Programme.objects.filter(plan=plan)
        .order_by("number")
        .prefetch_related(Prefetch("measures", queryset=measures))
    )


def task_get(*, user: Any, plan: Plan, code: str) -> Task:
    task = (
        task_queryset(user=user, plan=plan)
        .prefetch_related(
            Prefetch(
                "work_points",
                queryset=WorkPoint.objects.select_related("department", "district").order_by(
                    "year", "due_date"
                ),
            )
        )
        .filter(code=code)
        .first()
    )
    if task is None:
        raise Http404(f"No task {code}")
    return task


def commendation_list(*, user: Any, plan: Plan) -> QuerySet[Commendation]:
    return Commendation.objects.filter(plan=plan).select_related("district", "department")


@dataclass
class IndicatorRow:
    indicator: Indicator
    values: list[IndicatorValue]
    latest: IndicatorValue | None
    assessment: ind.Assessment

    @property
    def status(self) -> str:
        return str(self.assessment.status)

    @property
    def status_label(self) -> str:
        return str(ind.IndicatorStatus(self.assessment.status).label)


def assess_indicator(
    indicator: Indicator, values: list[IndicatorValue], *, on: dt.date, start_year: int
) -> ind.Assessment:
    return ind.assess(
        [ind.Point(year=v.year, as_of=v.as_of, value=v.value) for v in values],
        comparison=indicator.comparison,
        target=indicator.target,
        target_year=indicator.target_year,
        start_year=start_year,
        today=on,
        baseline=indicator.baseline,
        baseline_year=indicator.baseline_year,
    )


def indicator_rows(*, user: Any, plan: Plan, on: dt.date | None = None) -> list[IndicatorRow]:
    """Every indicator with its value series (one row per year: the latest as_of), latest value and status."""
    on = on or today()
    rows = []
    qs = (
        Indicator.objects.filter(plan=plan)
        .order_by("order")
        .prefetch_related(Prefetch("values", queryset=IndicatorValue.objects.order_by("year", "as_of")))
    )
    for indicator in qs:
        visible = [v for v in indicator.values.all() if v.as_of <= on]
        per_year: dict[int, IndicatorValue] = {}
        for v in visible:
            per_year[v.year] = v  # ordered by as_of: the last one wins
        series = [per_year[y] for y in sorted(per_year)]
        rows.append(
            IndicatorRow(
                indicator=indicator,
                values=series,
                latest=series[-1] if series else None,
                assessment=assess_indicator(indicator, visible, on=on, start_year=plan.start_year),
            )
        )
    return rows


def indicator_get(*, user: Any, plan: Plan, code: str) -> Indicator:
    indicator = Indicator.objects.filter(plan=plan, code=code).first()
    if indicator is None:
        raise Http404(f"No indicator {code}")
    return indicator
