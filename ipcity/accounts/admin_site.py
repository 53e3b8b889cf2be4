"""Django's admin site, restricted: only users with the `admin` role get in, and it is read-only.

Every write must go through a service so that it is validated and audited (STYLE rules 1 and 4); the admin
site bypasses services, so no model registered here can be added, changed or deleted through it. User
management happens on /accounts/users/ (services, audited). See docs/adr/0004-authentication.md.
"""

from typing import Any

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _


def _is_admin(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_authenticated and user.is_active and getattr(user, "role", "") == "admin")


class ReadOnlyAdminMixin:
    """Mixed into every ModelAdmin registered on the site: view only, no bulk actions."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_admin(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_admin(request)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return {}


class IpcityAdminSite(admin.AdminSite):
    site_header = _("ipcity administration (read-only)")
    site_title = _("ipcity administration")
    index_title = _("Records (read-only; use the application pages to change them)")

    def has_permission(self, request: HttpRequest) -> bool:
        return _is_admin(request)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """One login page for the whole platform (throttled by django-axes)."""
        if request.user.is_authenticated:
            if self.has_permission(request):
                from django.shortcuts import redirect

                return redirect("admin:index")
            raise PermissionDenied
        return redirect_to_login(request.GET.get("next", request.get_full_path()))

    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        base = admin_class or admin.ModelAdmin
        if not issubclass(base, ReadOnlyAdminMixin):
            base = type(f"ReadOnly{base.__name__}", (ReadOnlyAdminMixin, base), {})
        super().register(model_or_iterable, base, **options)
