"""Progress reporting on the plan's tasks: reporting periods, reports with their evidence and history,
and the reminders sent about them.

The tables are the ones these models had when they lived in the plan app (`plan_…`, kept by `db_table`;
ADR 0025), and the audit trail keeps naming them `plan.<model>` (`audit_object_type`), so entries written
before and after the move read as one history."""

import calendar
import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ipcity.core.models import TimeStampedModel
from ipcity.core.uploads import UnguessableName
from ipcity.plan.choices import TaskStatus
from ipcity.plan.models import Plan, Task, WorkPoint

from .choices import REPORT_EDITABLE, REPORT_WORKFLOW, ReminderKind, ReportStatus

_PERIOD_CODE = re.compile(r"(?P<year>\d{4})(?:(?P<kind>[QHM])(?P<number>\d{1,2}))?")


class ReportingPeriod(models.Model):
    audit_object_type = "plan.reportingperiod"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="periods")
    code = models.CharField(_("code"), max_length=20, help_text=_("e.g. 2023Q1"))
    name = models.CharField(_("name"), max_length=60)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    due_date = models.DateField(_("reports due"))

    class Meta:
        db_table = "plan_reportingperiod"
        ordering = ["plan", "start"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="uniq_period_code")]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the page's language: the Chinese name, or English made from the code, whose forms
        are fixed by report_services.period_specs (2023Q1, 2023M01, 2023H1, 2023)."""
        if (get_language() or "zh-hans").startswith("zh"):
            return self.name
        match = _PERIOD_CODE.fullmatch(self.code)
        if match is None:
            return self.name
        year, kind, number = match.group("year"), match.group("kind"), match.group("number")
        if kind == "Q":
            return f"Q{int(number)} {year}"
        if kind == "H":
            return f"H{int(number)} {year}"
        if kind == "M":
            return f"{calendar.month_name[int(number)]} {year}"
        return year

    def clean(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The period cannot end before it starts.")})
        if self.end and self.due_date and self.due_date < self.end:
            raise ValidationError({"due_date": _("Reports cannot be due before the period ends.")})


class ProgressReport(TimeStampedModel):
    """A department's report on one task for one period: draft → submitted → accepted / returned."""

    audit_object_type = "plan.progressreport"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    department = models.ForeignKey("orgs.Department", on_delete=models.PROTECT, related_name="reports")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="reports")
    work_point = models.ForeignKey(
        WorkPoint, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    status = models.CharField(
        _("workflow status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    progress = models.CharField(
        _("task status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.ON_TRACK
    )
    percent_complete = models.PositiveSmallIntegerField(
        _("percent complete"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    narrative = models.TextField(_("narrative"), blank=True)
    figures = models.JSONField(
        _("figures achieved"), default=list, blank=True, help_text=_("list of {name, value, unit}")
    )
    is_public = models.BooleanField(_("public"), default=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    is_late = models.BooleanField(_("submitted late"), default=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Four-eyes: neither of these two may accept or return the report (report_services._require_reviewer).
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last edited by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        db_table = "plan_progressreport"
        ordering = ["task__order", "period__start", "department__order"]
        constraints = [
            models.UniqueConstraint(fields=["task", "department", "period"], name="uniq_report_per_period"),
        ]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")

    def __str__(self) -> str:
        return f"{self.task.code} {self.department} {self.period.code}"

    def can_transition(self, to: str) -> bool:
        return REPORT_WORKFLOW.action_to(self.status, to) is not None

    def can_edit(self) -> bool:
        return self.status in REPORT_EDITABLE

    @property
    def current_evidence(self) -> list["ReportEvidence"]:
        """The evidence files that are part of the report (not withdrawn); uses a prefetch if there is one."""
        return [e for e in self.evidence.all() if e.withdrawn_at is None]

    def can_submit(self) -> bool:
        return self.can_transition(ReportStatus.SUBMITTED)

    def can_accept(self) -> bool:
        return self.can_transition(ReportStatus.ACCEPTED)

    def can_return(self) -> bool:
        return self.can_transition(ReportStatus.RETURNED)

    def clean(self) -> None:
        for i, figure in enumerate(self.figures or []):
            if not isinstance(figure, dict) or not str(figure.get("name", "")).strip():
                raise ValidationError({"figures": _("Figure %(n)s needs a name.") % {"n": i + 1}})
            try:
                Decimal(str(figure.get("value")))
            except Exception:  # noqa: BLE001 - any unparsable value is the same user error
                raise ValidationError(
                    {"figures": _("Figure %(n)s needs a numeric value.") % {"n": i + 1}}
                ) from None


class ReportEvidence(models.Model):
    audit_object_type = "plan.reportevidence"

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to=UnguessableName("evidence"))
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # A file withdrawn from a draft is no longer part of the report, but is kept (and its withdrawal
    # audited): nothing a department once handed in is lost.
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        db_table = "plan_reportevidence"
        ordering = ["uploaded_at"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.original_name


class ReportEvent(models.Model):
    """The report's history: every transition with who, when, and the comment."""

    audit_object_type = "plan.reportevent"

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField(max_length=20, choices=ReportStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ReportStatus.choices)
    comment = models.TextField(blank=True)
    snapshot = models.JSONField(default=dict)

    class Meta:
        db_table = "plan_reportevent"
        ordering = ["at", "id"]
        verbose_name = _("report event")
        verbose_name_plural = _("report events")

    def __str__(self) -> str:
        return f"{self.report} {self.from_status}→{self.to_status}"


class ReportReminder(models.Model):
    """One reminder or overdue mail sent to a department for a period; makes the reminder job idempotent."""

    audit_object_type = "plan.reportreminder"

    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="reminders")
    department = models.ForeignKey("orgs.Department", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=ReminderKind.choices)
    sent_at = models.DateTimeField(_("sent at"))
    recipients = models.JSONField(_("recipients"), default=list)
    task_codes = models.JSONField(_("tasks missing a report"), default=list)

    class Meta:
        db_table = "plan_reportreminder"
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["period", "department", "kind"], name="uniq_report_reminder"),
        ]
        verbose_name = _("report reminder")
        verbose_name_plural = _("report reminders")

    def __str__(self) -> str:
        return f"{self.period.code} {self.department} {self.kind}"
