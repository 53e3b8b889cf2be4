from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProtectionConfig(AppConfig):
    name = "ipcity.protection"
    label = "protection"
    verbose_name = _("Protection")

    def ready(self) -> None:
        from ipcity.core.audit_actions import register

        from .choices import AuditAction

        register(AuditAction)
