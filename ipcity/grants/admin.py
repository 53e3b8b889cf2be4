"""Read-only admin: every change goes through the services (STYLE rule 1), so the admin only shows."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Application, Call, LedgerEntry, Objection, Payment


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Call)
class CallAdmin(ReadOnly):
    list_display = ["title", "year", "status", "budget", "committed", "paid_total", "is_demo"]
    list_filter = ["status", "year"]


@admin.register(Application)
class ApplicationAdmin(ReadOnly):
    list_display = ["id", "entity", "scheme_id", "subject_ref", "status", "approved_amount", "is_demo"]
    list_filter = ["status", "scheme_id"]
    search_fields = ["subject_ref", "entity__name"]


@admin.register(Objection)
class ObjectionAdmin(ReadOnly):
    list_display = ["id", "application", "status", "created_at"]


@admin.register(Payment)
class PaymentAdmin(ReadOnly):
    list_display = ["voucher", "application", "paid_on", "amount"]


@admin.register(LedgerEntry)
class LedgerAdmin(ReadOnly):
    list_display = ["entity", "scheme_id", "year", "granted", "awards", "paid"]
