from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import CreditRecord


@admin.register(CreditRecord)
class CreditRecordAdmin(admin.ModelAdmin):
    """Read-only: the plan office records punishments through the services (audited)."""

    list_display = ["entity", "behaviour", "period_start", "period_end", "source_document", "is_demo"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
