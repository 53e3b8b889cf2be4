from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    name = "ipcity.grants"
    label = "grants"
    verbose_name = _("Grants")

    def ready(self) -> None:
        from ipcity.core.audit_actions import register

        from .choices import AuditAction

        register(AuditAction)
