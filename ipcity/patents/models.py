"""The patent registry: patents with their classification and the facts the high-value criteria need,
their event history (status, pledges, licences, transfers, awards), the SEI concordance, population
figures, the KPI ledger, import jobs and the 重大科技创新台账 (innovation ledger)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ipcity.core.identifiers import ipc as ipc_id
from ipcity.core.identifiers import patent_number
from ipcity.core.models import TimeStampedModel
from ipcity.core.uploads import UnguessableName

from .choices import (
    IMPORT_TRANSITIONS,
    PROJECT_WORKFLOW,
    Award,
    EventKind,
    ImportStatus,
    LegalStatus,
    PatentIntensive,
    PatentType,
    PopulationBasis,
    ProjectStatus,
)


def validate_application_number(value: str) -> None:
    try:
        patent_number.parse(value)
    except patent_number.InvalidPatentNumber as exc:
        raise ValidationError(
            _("Not a valid Chinese patent application number (%(reason)s).") % {"reason": str(exc)},
            code=f"number_{exc.code}",
        ) from exc


def validate_ipc(value: str) -> None:
    try:
        ipc_id.parse(value)
    except ipc_id.InvalidIPC as exc:
        raise ValidationError(
            _("Not a valid IPC symbol (e.g. G06F16/35): %(value)s") % {"value": value}, code="ipc"
        ) from exc


class Patent(TimeStampedModel):
    """One Chinese patent or application. `valid_from`, `valid_until` and `hv_from` are derived from the
    other facts by `analysis.derive()` on every write, so KPIs are date-range counts (docs/adr/0301)."""

    application_number = models.CharField(
        _("application number"), max_length=14, unique=True, validators=[validate_application_number]
    )
    type = models.CharField(_("type"), max_length=20, choices=PatentType.choices)
    title = models.CharField(_("title"), max_length=500)
    abstract = models.TextField(_("abstract"), blank=True)
    applicants = models.TextField(_("applicants"), blank=True)
    holders = models.TextField(_("current holders"), blank=True)
    holder_entity = models.ForeignKey(
        "orgs.Entity",
        verbose_name=_("registered holder"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="patents",
    )
    district = models.ForeignKey(
        "orgs.District",
        verbose_name=_("holder's district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="patents",
    )
    is_domestic = models.BooleanField(_("domestic holder"), default=True)
    filing_date = models.DateField(_("filing date"))
    publication_number = models.CharField(_("publication number"), max_length=20, blank=True)
    publication_date = models.DateField(_("publication date"), null=True, blank=True)
    grant_date = models.DateField(_("grant date"), null=True, blank=True)
    ipc_main = models.CharField(_("main IPC"), max_length=20, blank=True, validators=[validate_ipc])
    ipc = models.TextField(_("IPC symbols"), blank=True, help_text=_("all symbols, separated by ;"))
    legal_status = models.CharField(
        _("legal status"), max_length=20, choices=LegalStatus.choices, default=LegalStatus.VALID
    )
    status_date = models.DateField(_("status date"), null=True, blank=True)
    annual_fee_paid_until = models.DateField(_("annual fees paid until"), null=True, blank=True)
    overseas_family_granted = models.BooleanField(_("family member granted abroad"), default=False)
    overseas_family_since = models.DateField(_("first granted abroad on"), null=True, blank=True)
    family_members = models.TextField(_("overseas family members"), blank=True)
    pledge_amount = models.DecimalField(
        _("largest pledge amount (yuan)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    pledge_date = models.DateField(_("pledge registered on"), null=True, blank=True)
    award = models.CharField(_("award"), max_length=30, choices=Award.choices, blank=True)
    award_date = models.DateField(_("award date"), null=True, blank=True)
    # The latest licence and transfer (assignment) on record; each one imported goes to the history.
    licence_date = models.DateField(_("licence recorded on"), null=True, blank=True)
    licensee = models.CharField(_("licensee"), max_length=300, blank=True)
    transfer_date = models.DateField(_("transfer registered on"), null=True, blank=True)
    transferee = models.CharField(_("transferee"), max_length=300, blank=True)
    sei_codes = models.CharField(
        _("strategic emerging industries"), max_length=300, blank=True, help_text=_("|1.5|4.2|")
    )
    patent_intensive = models.CharField(
        _("patent-intensive industry"), max_length=30, choices=PatentIntensive.choices, blank=True
    )
    # Derived (analysis.derive): a domestic invention patent counts as valid on D when
    # valid_from <= D < valid_until, and as high-value when hv_from <= D < valid_until.
    valid_from = models.DateField(null=True, blank=True, editable=False)
    valid_until = models.DateField(null=True, blank=True, editable=False)
    hv_from = models.DateField(null=True, blank=True, editable=False)
    content_hash = models.CharField(max_length=32, blank=True, editable=False)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["-filing_date", "application_number"]
        verbose_name = _("patent")
        verbose_name_plural = _("patents")
        indexes = [
            models.Index(fields=["district", "legal_status"], name="patent_district_status"),
            models.Index(fields=["ipc_main"], name="patent_ipc_main"),
            models.Index(fields=["type", "hv_from"], name="patent_type_hv_from"),
        ]

    def __str__(self) -> str:
        return f"{self.application_number} {self.title[:40]}"

    @property
    def ipc_list(self) -> list[str]:
        return [s for s in self.ipc.split(";") if s]

    @property
    def sei_list(self) -> list[str]:
        return [s for s in self.sei_codes.split("|") if s]

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.application_number:
            try:
                parsed = patent_number.parse(self.application_number)
                self.application_number = parsed.canonical
                if self.type and parsed.patent_type != self.type:
                    errors["type"] = _("The application number's type digit says %(type)s.") % {
                        "type": PatentType(parsed.patent_type).label
                    }
            except patent_number.InvalidPatentNumber:
                pass  # reported by the field validator
        if self.grant_date and self.filing_date and self.grant_date < self.filing_date:
            errors["grant_date"] = _("The grant date cannot be before the filing date.")
        if self.ipc_main:
            try:
                self.ipc_main = ipc_id.validate(self.ipc_main)
            except ipc_id.InvalidIPC:
                pass
        bad = [s for s in self.ipc_list if not ipc_id.is_valid(s)]
        if bad:
            errors["ipc"] = _("Not valid IPC symbols: %(symbols)s") % {"symbols": ", ".join(bad)}
        if self.legal_status in {LegalStatus.VALID, LegalStatus.EXPIRED, LegalStatus.INVALIDATED} and (
            not self.grant_date
        ):
            errors["grant_date"] = _("A valid, expired or invalidated patent needs its grant date.")
        if errors:
            raise ValidationError(errors)

    def can_transition(self, to: str) -> bool:
        from .choices import STATUS_TRANSITIONS

        return to == self.legal_status or to in STATUS_TRANSITIONS[self.legal_status]


class PatentEvent(models.Model):
    """The patent's history: legal status changes, pledges, licences, transfers, awards, fees."""

    patent = models.ForeignKey(Patent, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    date = models.DateField(_("date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=LegalStatus.choices, blank=True)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=16, decimal_places=2, null=True, blank=True)
    counterparty = models.CharField(_("counterparty"), max_length=300, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["patent", "date", "id"]
        verbose_name = _("patent event")
        verbose_name_plural = _("patent events")

    def __str__(self) -> str:
        return f"{self.patent_id} {self.kind} {self.date}"


class SeiRule(models.Model):
    """A rule of CNIPA's 《战略性新兴产业分类与国际专利分类参照关系表（2021）》 (sei.jsonl)."""

    id = models.PositiveIntegerField(primary_key=True)
    code = models.CharField(_("industry code"), max_length=10, db_index=True)
    name = models.CharField(_("industry"), max_length=100)
    keywords = models.TextField(_("keywords"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("SEI rule")
        verbose_name_plural = _("SEI rules")

    def __str__(self) -> str:
        return f"{self.code} {self.name} (#{self.id})"


class SeiIpc(models.Model):
    """IPC code → SEI rule (ipc-sei.jsonl, plus the documented supplement for H01L/H10)."""

    ipc_code = models.CharField(_("IPC code"), max_length=20, db_index=True)
    rule = models.ForeignKey(SeiRule, on_delete=models.CASCADE, related_name="ipc_codes")
    source = models.CharField(_("source"), max_length=20, default="cnipa-2021")

    class Meta:
        verbose_name = _("IPC–SEI mapping")
        verbose_name_plural = _("IPC–SEI mappings")
        constraints = [models.UniqueConstraint(fields=["ipc_code", "rule"], name="uniq_sei_ipc")]

    def __str__(self) -> str:
        return f"{self.ipc_code} → {self.rule_id}"


class Population(TimeStampedModel):
    """Population of the city (no district) or a district in a year, with its basis and source."""

    district = models.ForeignKey(
        "orgs.District", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    population = models.PositiveIntegerField(_("population (persons)"), validators=[MinValueValidator(1)])
    basis = models.CharField(
        _("basis"), max_length=20, choices=PopulationBasis.choices, default=PopulationBasis.RESIDENT
    )
    source = models.CharField(_("source"), max_length=300)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["year", "district__order"]
        verbose_name = _("population figure")
        verbose_name_plural = _("population figures")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "year"],
                condition=Q(district__isnull=False),
                name="uniq_population_district",
            ),
            models.UniqueConstraint(
                fields=["year"], condition=Q(district__isnull=True), name="uniq_population_city"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.district or _('City')} {self.year}: {self.population}"

    def clean(self) -> None:
        if self.year is not None and not 1949 <= self.year <= 2100:
            raise ValidationError({"year": _("Enter a year between 1949 and 2100.")})


class KpiLedger(models.Model):
    """Per district (0: none) and metric ("valid" | "hv"), the days on which the number of counted
    domestic invention patents changes, with the change and the running total. A KPI at date D is,
    per district and metric, the total of the last row on or before D: one index seek each, whatever
    the number of patents (docs/adr/0301-kpi-ledger.md). Rebuilt by `kpi.ledger_rebuild`."""

    district_key = models.IntegerField()  # District id, or 0 for patents without a district
    on_date = models.DateField()
    metric = models.CharField(max_length=10)
    delta = models.IntegerField()
    total = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["district_key", "metric", "on_date"], name="kpi_ledger_seek")]

    def __str__(self) -> str:
        return f"{self.district_key} {self.on_date} {self.metric} {self.delta:+d} = {self.total}"


class KpiLedgerState(models.Model):
    """One row: whether the ledger must be rebuilt before it is read (a patent write happened)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    dirty = models.BooleanField(default=True)
    rebuilt_at = models.DateTimeField(null=True, blank=True)
    patents = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"KPI ledger ({'dirty' if self.dirty else 'clean'})"


class ImportJob(TimeStampedModel):
    """A patent file import run as a background job; the page polls its progress."""

    file = models.FileField(_("file"), upload_to=UnguessableName("patent-imports"))
    original_name = models.CharField(_("file name"), max_length=255)
    mapping = models.CharField(_("column mapping"), max_length=60, default="auto")
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    total_bytes = models.PositiveBigIntegerField(default=0)
    processed_bytes = models.PositiveBigIntegerField(default=0)
    rows = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    report_path = models.CharField(_("error report"), max_length=500, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("patent import")
        verbose_name_plural = _("patent imports")

    def __str__(self) -> str:
        return f"{self.original_name} ({self.status})"

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        if not self.total_bytes:
            return 0
        return min(99, int(self.processed_bytes * 100 / self.total_bytes))

    def can_transition(self, to: str) -> bool:
        return to in IMPORT_TRANSITIONS[self.status]


class InnovationProject(TimeStampedModel):
    """A row of the 重大科技创新台账: a major innovation project of a key platform."""

    name = models.CharField(_("project"), max_length=300)
    platform = models.CharField(_("platform"), max_length=200)
    responsible_entity = models.ForeignKey(
        "orgs.Entity",
        verbose_name=_("responsible entity"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="innovation_projects",
    )
    responsible_name = models.CharField(_("responsible unit (if not registered)"), max_length=200, blank=True)
    district = models.ForeignKey(
        "orgs.District", verbose_name=_("district"), null=True, blank=True, on_delete=models.PROTECT
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED
    )
    is_fast_track = models.BooleanField(_("fast track (priority platform)"), default=False)
    start_year = models.PositiveSmallIntegerField(_("start year"))
    description = models.TextField(_("description"), blank=True)
    patents = models.ManyToManyField(Patent, blank=True, related_name="projects", verbose_name=_("patents"))
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["-is_fast_track", "platform", "name"]
        verbose_name = _("innovation project")
        verbose_name_plural = _("innovation ledger")

    def __str__(self) -> str:
        return self.name

    @property
    def responsible(self) -> str:
        return str(self.responsible_entity) if self.responsible_entity_id else self.responsible_name

    def clean(self) -> None:
        if not self.responsible_entity_id and not self.responsible_name.strip():
            raise ValidationError({"responsible_name": _("Choose the responsible entity or enter its name.")})
        if self.start_year is not None and not 2000 <= self.start_year <= 2100:
            raise ValidationError({"start_year": _("Enter a year between 2000 and 2100.")})

    def can_transition(self, to: str) -> bool:
        return PROJECT_WORKFLOW.action_to(self.status, to) is not None
