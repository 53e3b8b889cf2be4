"""The action plan as data: plan → programmes → measures → tasks (分工表 rows) with their units,
indicators with value series, yearly work points, commendations, reporting periods and reports."""

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

from .choices import (
    REPORT_EDITABLE,
    REPORT_WORKFLOW,
    AssignmentRole,
    CommendationKind,
    Comparison,
    PeriodFrequency,
    ReminderKind,
    ReportStatus,
    TaskStatus,
    ValueSource,
    WorkPointStatus,
)


class Plan(TimeStampedModel):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=300, blank=True)
    subtitle = models.CharField(_("subtitle"), max_length=200, blank=True)
    document_number = models.CharField(_("document number"), max_length=60)
    issuer = models.CharField(_("issuer"), max_length=100)
    issued_on = models.DateField(_("date of issue"))
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    preamble = models.TextField(_("preamble"), blank=True)
    goals_text = models.TextField(_("goals (一、工作目标)"), blank=True)
    safeguards_text = models.TextField(_("safeguards (三、保障措施)"), blank=True)
    report_frequency = models.CharField(
        _("reporting frequency"),
        max_length=20,
        choices=PeriodFrequency.choices,
        default=PeriodFrequency.QUARTERLY,
    )
    report_due_days = models.PositiveSmallIntegerField(
        _("days after period end reports are due"), default=10, validators=[MaxValueValidator(90)]
    )
    package_digest = models.CharField(_("policy package digest"), max_length=64, blank=True)

    class Meta:
        ordering = ["-start_year"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.start_year and self.end_year and self.end_year < self.start_year:
            raise ValidationError({"end_year": _("The last year cannot be before the first year.")})


class Programme(models.Model):
    """工程, e.g. 一、实施知识产权保护强化工程 (main text 二(一))."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="programmes")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=300, blank=True)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="uniq_programme_number")]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def code(self) -> str:
        return str(self.number)


class Measure(models.Model):
    """A numbered paragraph under a programme, e.g. 二(一)2 开展市场提升行动."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="measures")
    number = models.PositiveSmallIntegerField(_("number"))
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=300, blank=True)
    clause = models.CharField(_("main-text clause"), max_length=30, help_text=_("e.g. 二(一)2"))
    main_text = models.TextField(_("main-text paragraph"))
    main_text_units = models.JSONField(_("units named in the main text"), default=list, blank=True)

    class Meta:
        ordering = ["programme__number", "number"]
        constraints = [models.UniqueConstraint(fields=["programme", "number"], name="uniq_measure_number")]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Task(models.Model):
    """One row of the annex (分工表). Code is programme.measure.task, e.g. 3.2.2."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="tasks")
    number = models.PositiveSmallIntegerField(_("number"))
    code = models.CharField(_("code"), max_length=20)
    text = models.TextField(_("annex text"))
    text_en = models.TextField(_("English summary"), blank=True)
    order = models.PositiveSmallIntegerField(_("annex order"))
    status = models.CharField(
        _("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    percent_complete = models.PositiveSmallIntegerField(_("percent complete"), default=0)
    status_updated_at = models.DateTimeField(_("status updated at"), null=True, blank=True)
    departments = models.ManyToManyField(
        "orgs.Department", through="TaskAssignment", related_name="tasks", verbose_name=_("responsible units")
    )

    class Meta:
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="uniq_task_code"),
            models.UniqueConstraint(fields=["measure", "number"], name="uniq_task_number"),
        ]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")

    def __str__(self) -> str:
        return f"{self.code} {self.text[:40]}"

    @property
    def lead_assignment(self) -> "TaskAssignment | None":
        return next((a for a in self.assignments.all() if a.role == AssignmentRole.LEAD), None)


class TaskAssignment(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments")
    department = models.ForeignKey("orgs.Department", on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(_("role"), max_length=10, choices=AssignmentRole.choices)
    order = models.PositiveSmallIntegerField(_("order in the annex"))

    class Meta:
        ordering = ["task", "order"]
        constraints = [
            models.UniqueConstraint(fields=["task", "department"], name="uniq_task_department"),
            models.UniqueConstraint(fields=["task", "order"], name="uniq_task_assignment_order"),
        ]
        verbose_name = _("task assignment")
        verbose_name_plural = _("task assignments")

    def __str__(self) -> str:
        return f"{self.task.code} {self.department} ({self.role})"


class Indicator(models.Model):
    """A goal of 一、工作目标 with its target for the plan's last year."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicators")
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    clause = models.TextField(_("seed clause"))
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    unit_en = models.CharField(_("English unit"), max_length=60, blank=True)
    comparison = models.CharField(_("comparison"), max_length=30, choices=Comparison.choices)
    target = models.DecimalField(_("target"), max_digits=20, decimal_places=4, null=True, blank=True)
    target_year = models.PositiveSmallIntegerField(_("target year"))
    baseline = models.DecimalField(_("baseline"), max_digits=20, decimal_places=4, null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    computed_by = models.CharField(
        _("computed by"),
        max_length=100,
        blank=True,
        help_text=_("registry computation that feeds this indicator, if any"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["plan", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="uniq_indicator_code")]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name


class IndicatorValue(TimeStampedModel):
    """One actual value of an indicator for a year (as of a date), with where it came from."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    year = models.PositiveSmallIntegerField(_("year"))
    as_of = models.DateField(_("as of"))
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4)
    source = models.CharField(_("source"), max_length=300)
    source_kind = models.CharField(
        _("source kind"), max_length=20, choices=ValueSource.choices, default=ValueSource.MANUAL
    )
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["indicator", "year", "as_of"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year", "as_of"], name="uniq_indicator_value")
        ]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year}: {self.value}"


class WorkPoint(TimeStampedModel):
    """细化分解任务 (三(三)): a task broken down into a yearly work point with a due date and a unit."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="work_points")
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("work point"), max_length=300)
    due_date = models.DateField(_("due date"))
    department = models.ForeignKey(
        "orgs.Department",
        on_delete=models.PROTECT,
        related_name="work_points",
        verbose_name=_("responsible unit"),
    )
    district = models.ForeignKey(
        "orgs.District",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="work_points",
        verbose_name=_("district"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=WorkPointStatus.choices, default=WorkPointStatus.OPEN
    )

    class Meta:
        ordering = ["task__order", "year", "due_date"]
        verbose_name = _("work point")
        verbose_name_plural = _("work points")

    def __str__(self) -> str:
        return f"{self.task.code} {self.year} {self.title[:30]}"

    def clean(self) -> None:
        if self.due_date and self.year and self.due_date.year != self.year:
            raise ValidationError({"due_date": _("The due date must fall in the work point's year.")})


class Commendation(TimeStampedModel):
    """表扬 of an outstanding district, department or individual (三(三))."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="commendations")
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=20, choices=CommendationKind.choices)
    district = models.ForeignKey(
        "orgs.District", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "orgs.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person_name = models.CharField(_("person"), max_length=100, blank=True)
    person_unit = models.CharField(_("person's unit"), max_length=200, blank=True)
    reason = models.TextField(_("reason"))
    document = models.CharField(_("document"), max_length=200, blank=True)
    awarded_on = models.DateField(_("date"))

    class Meta:
        ordering = ["-year", "kind"]
        verbose_name = _("commendation")
        verbose_name_plural = _("commendations")

    def __str__(self) -> str:
        return f"{self.year} {self.recipient}"

    @property
    def recipient(self) -> str:
        if self.kind == CommendationKind.DISTRICT and self.district:
            return str(self.district)
        if self.kind == CommendationKind.DEPARTMENT and self.department:
            return str(self.department)
        return self.person_name

    def clean(self) -> None:
        if self.kind == CommendationKind.DISTRICT and not self.district_id:
            raise ValidationError({"district": _("Choose the district being commended.")})
        if self.kind == CommendationKind.DEPARTMENT and not self.department_id:
            raise ValidationError({"department": _("Choose the department being commended.")})
        if self.kind == CommendationKind.INDIVIDUAL and not self.person_name:
            raise ValidationError({"person_name": _("Enter the name of the person being commended.")})


_PERIOD_CODE = re.compile(r"(?P<year>\d{4})(?:(?P<kind>[QHM])(?P<number>\d{1,2}))?")


class ReportingPeriod(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="periods")
    code = models.CharField(_("code"), max_length=20, help_text=_("e.g. 2023Q1"))
    name = models.CharField(_("name"), max_length=60)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    due_date = models.DateField(_("reports due"))

    class Meta:
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
        ordering = ["uploaded_at"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.original_name


class ReportEvent(models.Model):
    """The report's history: every transition with who, when, and the comment."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField(max_length=20, choices=ReportStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ReportStatus.choices)
    comment = models.TextField(blank=True)
    snapshot = models.JSONField(default=dict)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("report event")
        verbose_name_plural = _("report events")

    def __str__(self) -> str:
        return f"{self.report} {self.from_status}→{self.to_status}"


class ReportReminder(models.Model):
    """One reminder or overdue mail sent to a department for a period; makes the reminder job idempotent."""

    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="reminders")
    department = models.ForeignKey("orgs.Department", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=ReminderKind.choices)
    sent_at = models.DateTimeField(_("sent at"))
    recipients = models.JSONField(_("recipients"), default=list)
    task_codes = models.JSONField(_("tasks missing a report"), default=list)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["period", "department", "kind"], name="uniq_report_reminder"),
        ]
        verbose_name = _("report reminder")
        verbose_name_plural = _("report reminders")

    def __str__(self) -> str:
        return f"{self.period.code} {self.department} {self.kind}"
