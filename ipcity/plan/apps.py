from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanConfig(AppConfig):
    name = "ipcity.plan"
    label = "plan"
    verbose_name = _("Action plan")

    def ready(self) -> None:
        from ipcity.core.audit_actions import register

        from .choices import AuditAction

        register(AuditAction)
