"""Statuses, the allowed transitions of a progress report and the audit actions of reporting (STYLE rule 3).

The audit codes are the ones written while reporting lived in the plan app; codes in the chain never change."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ipcity.core.workflow import Transition, Workflow


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for changes")
    ACCEPTED = "accepted", _("Accepted")


class ReportAction(models.TextChoices):
    SUBMIT = "submit", _("Submit")
    ACCEPT = "accept", _("Accept")
    RETURN = "return", _("Return for changes")


R = ReportStatus
REPORTERS = {"department", "plan_office"}

# The progress report's transitions table (ADR 0020, docs/adr/0017). Who of these roles may act on which
# report (an assigned department reports; another user of the lead unit reviews, four-eyes) is the
# services' can_report_on / can_review: it needs the task's assignments.
REPORT_TRANSITIONS: dict[str, Transition] = {
    ReportAction.SUBMIT: Transition.of(
        {R.DRAFT, R.RETURNED},
        R.SUBMITTED,
        REPORTERS,
        status_message=_("A report that is %(status)s cannot be submitted."),
    ),
    ReportAction.ACCEPT: Transition.of(
        {R.SUBMITTED},
        R.ACCEPTED,
        REPORTERS,
        status_message=_("A report that is %(status)s cannot be accepted."),
    ),
    ReportAction.RETURN: Transition.of(
        {R.SUBMITTED},
        R.RETURNED,
        REPORTERS,
        status_message=_("A report that is %(status)s cannot be returned."),
    ),
}
REPORT_WORKFLOW = Workflow("reporting.progress_report", REPORT_TRANSITIONS)

# A report can be edited by its department only while it is in one of these states.
REPORT_EDITABLE = {ReportStatus.DRAFT, ReportStatus.RETURNED}


class ReminderKind(models.TextChoices):
    REMINDER = "reminder", _("Reminder before the due date")
    OVERDUE = "overdue", _("Overdue notice")


class AuditAction(models.TextChoices):
    """The actions reporting writes to the audit trail (registered in apps.py; ADR 0013)."""

    PLAN_REPORTING_UPDATE = "plan.reporting_update", _("Plan reporting settings updated")
    REPORTING_PERIOD_GENERATE = "reporting_period.generate", _("Reporting periods generated")
    PROGRESS_REPORT_CREATE = "progress_report.create", _("Progress report created")
    PROGRESS_REPORT_UPDATE = "progress_report.update", _("Progress report updated")
    PROGRESS_REPORT_EVIDENCE_ADD = "progress_report.evidence_add", _("Evidence added to a progress report")
    PROGRESS_REPORT_EVIDENCE_WITHDRAW = (
        "progress_report.evidence_withdraw",
        _("Evidence withdrawn from a progress report"),
    )
    PROGRESS_REPORT_SUBMIT = "progress_report.submit", _("Progress report submitted")
    PROGRESS_REPORT_ACCEPT = "progress_report.accept", _("Progress report accepted")
    PROGRESS_REPORT_RETURN = "progress_report.return", _("Progress report returned")
    TASK_STATUS_UPDATE = "task.status_update", _("Task status updated")
    REPORT_REMINDER_REMINDER = "report_reminder.reminder", _("Reporting reminder sent")
    REPORT_REMINDER_OVERDUE = "report_reminder.overdue", _("Overdue notice sent")


# The audit action of each kind of reminder (report_reminder_record).
REMINDER_AUDIT_ACTIONS: dict[str, AuditAction] = {
    ReminderKind.REMINDER: AuditAction.REPORT_REMINDER_REMINDER,
    ReminderKind.OVERDUE: AuditAction.REPORT_REMINDER_OVERDUE,
}
