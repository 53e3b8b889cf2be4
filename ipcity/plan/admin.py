"""Read-only admin for the plan's structure (plan, programmes, measures, tasks, indicators), which comes
from the policy package (load_policy). Indicator values, work points and commendations are business data
reached through the product's own pages, so they are not registered (security review, issue 8, finding 7);
every write goes through services (STYLE rule 1)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Indicator, Measure, Plan, Programme, Task, TaskAssignment


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
