from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatentsConfig(AppConfig):
    name = "ipcity.patents"
    label = "patents"
    verbose_name = _("Patents")

    def ready(self) -> None:
        from ipcity.core.audit_actions import register

        from .choices import AuditAction

        register(AuditAction)
