"""Read-only admin for the plan: the structure comes from the policy package (load_policy) and every
other write goes through services (STYLE rule 1), so the admin only lets people look."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

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


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AssignmentInline(admin.TabularInline):
    model = TaskAssignment
    extra = 0
    can_delete = False
    readonly_fields = ["department", "role", "order"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Plan)
class PlanAdmin(ReadOnly):
    list_display = ["code", "title", "document_number", "start_year", "end_year", "package_digest"]


@admin.register(Programme)
class ProgrammeAdmin(ReadOnly):
    list_display = ["number", "title", "title_en", "plan"]


@admin.register(Measure)
class MeasureAdmin(ReadOnly):
    list_display = ["code", "title", "clause"]
    list_filter = ["programme"]


@admin.register(Task)
class TaskAdmin(ReadOnly):
    list_display = ["code", "text", "status", "percent_complete"]
    list_filter = ["measure__programme", "status"]
    search_fields = ["code", "text", "text_en"]
    inlines = [AssignmentInline]


@admin.register(Indicator)
class IndicatorAdmin(ReadOnly):
    list_display = ["code", "name", "comparison", "target", "target_year", "computed_by"]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ReadOnly):
    list_display = ["indicator", "year", "as_of", "value", "source_kind", "source"]
    list_filter = ["indicator", "source_kind"]


@admin.register(WorkPoint)
class WorkPointAdmin(ReadOnly):
    list_display = ["task", "year", "title", "due_date", "department", "district", "status"]
    list_filter = ["year", "status", "department"]


@admin.register(Commendation)
class CommendationAdmin(ReadOnly):
    list_display = ["year", "kind", "recipient", "awarded_on"]
