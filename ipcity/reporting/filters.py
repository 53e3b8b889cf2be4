"""One FilterSet per listed model (STYLE rule 9), shared by the pages, the API and the Excel export."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ipcity.orgs.models import Department, District
from ipcity.plan.choices import TaskStatus
from ipcity.plan.models import Programme, Task

from .choices import ReportStatus
from .models import ProgressReport, ReportingPeriod


class ProgressReportFilter(django_filters.FilterSet):
    period = django_filters.CharFilter(field_name="period__code", label=_("Period"))
    task = django_filters.CharFilter(field_name="task__code", label=_("Task code"))
    department = django_filters.ModelChoiceFilter(queryset=Department.objects.all(), label=_("Department"))
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices, label=_("Workflow status"))
    progress = django_filters.ChoiceFilter(choices=TaskStatus.choices, label=_("Task status"))
    programme = django_filters.NumberFilter(
        field_name="task__measure__programme__number", label=_("Programme")
    )
    is_late = django_filters.BooleanFilter(label=_("Submitted late"))

    class Meta:
        model = ProgressReport
        fields = ["period", "task", "department", "status", "progress", "programme", "is_late"]


class TaskSupervisionFilter(django_filters.FilterSet):
    """Filters of the supervision board: programme, department (any assignment), district (via work
    points), task status."""

    programme = django_filters.ModelChoiceFilter(
        field_name="measure__programme", queryset=Programme.objects.all(), label=_("Programme")
    )
    department = django_filters.ModelChoiceFilter(
        method="filter_department", queryset=Department.objects.all(), label=_("Department")
    )
    district = django_filters.ModelChoiceFilter(
        method="filter_district", queryset=District.objects.all(), label=_("District")
    )
    status = django_filters.ChoiceFilter(choices=TaskStatus.choices, label=_("Task status"))

    class Meta:
        model = Task
        fields = ["programme", "department", "district", "status"]

    def __init__(self, *args: Any, plan: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if plan is not None:
            self.filters["programme"].queryset = Programme.objects.filter(plan=plan)
            self.filters["department"].queryset = Department.objects.filter(
                assignments__task__plan=plan
            ).distinct()
        for f in self.form.fields.values():
            f.widget.attrs.setdefault("class", "form-select form-select-sm")

    def filter_department(self, queryset: QuerySet[Task], name: str, value: Department) -> QuerySet[Task]:
        return queryset.filter(assignments__department=value).distinct() if value else queryset

    def filter_district(self, queryset: QuerySet[Task], name: str, value: District) -> QuerySet[Task]:
        return queryset.filter(work_points__district=value).distinct() if value else queryset


def period_choices(plan: Any) -> QuerySet[ReportingPeriod]:
    return ReportingPeriod.objects.filter(plan=plan).order_by("start")
