"""Read-only views of accounts in the admin site (ipcity.accounts.admin_site makes every model read-only)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AccountChangeRequest, ApiToken, User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ("username", "display_name", "role", "department", "entity", "is_active", "last_login")
    list_filter = ("role", "is_active")
    search_fields = ("username", "display_name", "email")
    exclude = ("password",)
    # Role, status and password change only through accounts.services (separation of duties, ADR 0007).
    # The site already refuses every change; these say so here too, in case the site's rule is ever relaxed.
    readonly_fields = ("role", "is_active", "is_staff", "is_superuser", "department", "entity", "groups")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "created_at", "last_used_at")
    exclude = ("digest",)


@admin.register(AccountChangeRequest)
class AccountChangeRequestAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "role", "status", "requested_by", "requested_at", "decided_by")
    list_filter = ("kind", "status")
    exclude = ("password_hash",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
