"""Read-only admin views: every change to the registry goes through services (STYLE rule 1)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import ImportJob, InnovationProject, Patent, PatentEvent, Population, SeiRule


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Patent)
class PatentAdmin(ReadOnlyAdmin):
    list_display = [
        "application_number",
        "type",
        "title",
        "legal_status",
        "district",
        "ipc_main",
        "sei_codes",
    ]
    list_filter = ["type", "legal_status", "district"]
    search_fields = ["application_number", "title", "holders"]
    show_full_result_count = False


@admin.register(PatentEvent)
class PatentEventAdmin(ReadOnlyAdmin):
    list_display = ["patent", "kind", "date", "status", "amount"]


@admin.register(SeiRule)
class SeiRuleAdmin(ReadOnlyAdmin):
    list_display = ["id", "code", "name"]


@admin.register(Population)
class PopulationAdmin(ReadOnlyAdmin):
    list_display = ["year", "district", "population", "basis", "source"]


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "status", "imported", "updated", "unchanged", "rejected", "created_at"]


@admin.register(InnovationProject)
class InnovationProjectAdmin(ReadOnlyAdmin):
    list_display = ["name", "platform", "status", "is_fast_track"]
