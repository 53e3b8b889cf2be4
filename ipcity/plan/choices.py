"""Statuses and the allowed transitions of the plan's workflows (STYLE rule 3)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("Lead unit")
    SUPPORT = "support", _("Co-responsible unit")


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    DELAYED = "delayed", _("Delayed")
    COMPLETED = "completed", _("Completed")


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


class AuditAction(models.TextChoices):
    """The actions this app writes to the audit trail (registered in apps.py; ADR 0013)."""

    PLAN_LOAD = "plan.load", _("Plan loaded")
    INDICATOR_VALUE_RECORD = "indicator_value.record", _("Indicator value recorded")
    WORK_POINT_CREATE = "work_point.create", _("Work point created")
    WORK_POINT_SET_STATUS = "work_point.set_status", _("Work point status set")
    COMMENDATION_CREATE = "commendation.create", _("Commendation created")


class ErrorCode(models.TextChoices):
    """The machine codes of the plan refusals (ipcity.core.errors; the API's `code`, ADR 0016)."""

    INVALID = "invalid"
    NOT_FOUND = "not_found"
    ROLE = "role"
