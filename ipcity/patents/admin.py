"""Read-only admin views of the classification configuration (SEI rules) only.

Patents, their events, imports, population figures and the innovation ledger are business data reached
through the product's own pages (security review, issue 8, finding 7; docs/adr/0004); every change goes
through services (STYLE rule 1)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import SeiRule


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SeiRule)
class SeiRuleAdmin(ReadOnlyAdmin):
    list_display = ["id", "code", "name"]
