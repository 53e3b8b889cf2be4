from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "ipcity.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from ipcity.core.audit_actions import register

        from . import signals  # noqa: F401 - connects the login trail's receivers
        from .choices import AuditAction

        register(AuditAction)


class IpcityAdminConfig(admin_apps.AdminConfig):
    """Replaces django.contrib.admin in INSTALLED_APPS: the read-only, admin-role-only site."""

    default = False
    default_site = "ipcity.accounts.admin_site.IpcityAdminSite"
