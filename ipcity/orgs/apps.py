from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "ipcity.orgs"
    label = "orgs"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from ipcity.core.audit_actions import register

        from .choices import AuditAction

        register(AuditAction)
