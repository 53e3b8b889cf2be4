"""Statuses and the allowed transitions of the plan's workflows (STYLE rule 3)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ipcity.core.workflow import Transition, Workflow


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Lead unit")
    SUPPORT = "support", _("Co-responsible unit")


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    DELAYED = "delayed", _("Delayed")
    COMPLETED = "completed", _("Completed")


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


class PeriodFrequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Half-yearly")
    YEARLY = "yearly", _("Yearly")


class Comparison(models.TextChoices):
    """How an indicator's actual value is compared with its target (see docs/indicator-status.md)."""

    AT_LEAST = "at_least", _("At least the target by the target year")
    AT_MOST_PER_YEAR = "at_most_per_year", _("At most the target each year")
    PER_YEAR = "per_year", _("At least the target each year")
    CUMULATIVE = "cumulative", _("Cumulative total over the plan reaches the target")
    GROWTH_RATE = "growth_rate", _("Year-on-year growth of at least the target rate")
    RISING = "rising", _("Rising year on year (no number fixed)")


class IndicatorStatus(models.TextChoices):
    NO_DATA = "no_data", _("No data")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")
    ACHIEVED = "achieved", _("Achieved")


class ValueSource(models.TextChoices):
    MANUAL = "manual", _("Entered by the plan office")
    COMPUTED = "computed", _("Computed from the registries")


class WorkPointStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class CommendationKind(models.TextChoices):
    DISTRICT = "district", _("District")
    DEPARTMENT = "department", _("Department")
    INDIVIDUAL = "individual", _("Individual")


class ReminderKind(models.TextChoices):
    REMINDER = "reminder", _("Reminder before the due date")
    OVERDUE = "overdue", _("Overdue notice")


class AuditAction(models.TextChoices):
    """The actions this app writes to the audit trail (registered in apps.py; ADR 0013)."""

    PLAN_LOAD = "plan.load", _("Plan loaded")
    PLAN_REPORTING_UPDATE = "plan.reporting_update", _("Plan reporting settings updated")
    INDICATOR_VALUE_RECORD = "indicator_value.record", _("Indicator value recorded")
    WORK_POINT_CREATE = "work_point.create", _("Work point created")
    WORK_POINT_SET_STATUS = "work_point.set_status", _("Work point status set")
    COMMENDATION_CREATE = "commendation.create", _("Commendation created")
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
