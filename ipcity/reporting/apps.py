from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    """Progress reporting on the plan's tasks (periods, reports, evidence, supervision, reminders).

    Built on the plan, which does not import it: reporting plugs into the plan's hooks here (ADR 0025)."""

    name = "ipcity.reporting"
    label = "reporting"
    verbose_name = _("Progress reporting")

    def ready(self) -> None:
        from ipcity.core.audit_actions import register
        from ipcity.plan import hooks

        from . import selectors, services
        from .choices import AuditAction

        register(AuditAction)
        hooks.register_public_reports(selectors.public_reports)
        hooks.plan_loaded.connect(
            services.periods_for_loaded_plan, dispatch_uid="reporting.periods_for_loaded_plan"
        )
