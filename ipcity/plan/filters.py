"""One FilterSet per listed model (STYLE rule 9): the task list page, GET /api/plan/tasks and the
annex export all filter tasks through TaskFilter."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .choices import AssignmentRole, TaskStatus
from .models import Task


class TaskFilter(django_filters.FilterSet):
    programme = django_filters.NumberFilter(
        field_name="measure__programme__number", label=_("Programme"), min_value=1, max_value=99
    )
    measure = django_filters.CharFilter(field_name="measure__code", label=_("Measure"), max_length=20)
    department = django_filters.CharFilter(
        method="filter_department",
        label=_("Department"),
        max_length=100,
        help_text=_("department code or name"),
    )
    role = django_filters.ChoiceFilter(
        method="filter_role",
        choices=AssignmentRole.choices,
        label=_("Unit's role"),
    )
    status = django_filters.ChoiceFilter(choices=TaskStatus.choices, label=_("Status"))
    q = django_filters.CharFilter(method="filter_text", label=_("Search"), max_length=100)

    class Meta:
        model = Task
        fields = ["programme", "measure", "department", "role", "status", "q"]

    def filter_department(self, queryset: QuerySet[Task], name: str, value: Any) -> QuerySet[Task]:
        role = self.form.cleaned_data.get("role") if hasattr(self.form, "cleaned_data") else None
        match = Q(assignments__department__code=value) | Q(assignments__department__name=value)
        if role:
            match &= Q(assignments__role=role)
        return queryset.filter(match).distinct()

    def filter_role(self, queryset: QuerySet[Task], name: str, value: Any) -> QuerySet[Task]:
        # Only meaningful together with a department; applied in filter_department.
        return queryset

    def filter_text(self, queryset: QuerySet[Task], name: str, value: Any) -> QuerySet[Task]:
        return queryset.filter(Q(text__icontains=value) | Q(text_en__icontains=value) | Q(code=value))
