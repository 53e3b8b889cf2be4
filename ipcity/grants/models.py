"""Calls (申报批次), applications (申报), reviews, announcements (公示), objections, payments (拨付) and the
award ledger that feeds `granted_this_year` / `awards_this_year` to the incentive engine."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ipcity.core.models import TimeStampedModel
from ipcity.core.uploads import UnguessableName

from .choices import (
    EDITABLE_STATUSES,
    LIVE_STATUSES,
    ApplicationStatus,
    CallStatus,
    ObjectionStatus,
)

ZERO = Decimal("0.00")
MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}


class Call(TimeStampedModel):
    """A call for applications for one or more schemes, with its window, budget line and reviewers."""

    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(_("budget year"))
    schemes = models.JSONField(
        _("schemes"), default=list, blank=True, help_text=_("scheme ids of the incentive catalogue")
    )
    rules_zh = models.TextField(_("rules (Chinese)"), blank=True)
    rules_en = models.TextField(_("rules (English)"), blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    required_attachments = models.JSONField(
        _("required attachments"),
        default=list,
        blank=True,
        help_text=_('list of {"code", "label_zh", "label_en"}'),
    )
    reviewing_departments = models.ManyToManyField(
        "orgs.Department", verbose_name=_("reviewing departments"), related_name="grant_calls"
    )
    budget = models.DecimalField(_("budget"), **MONEY)
    committed = models.DecimalField(_("committed"), default=ZERO, **MONEY)
    paid_total = models.DecimalField(_("paid"), default=ZERO, **MONEY)
    budget_line = models.CharField(_("budget line"), max_length=200, blank=True)
    budget_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    budget_confirmed_at = models.DateTimeField(_("budget confirmed at"), null=True, blank=True)
    announcement_days = models.PositiveSmallIntegerField(_("announcement period (working days)"), default=5)
    status = models.CharField(
        _("status"), max_length=20, choices=CallStatus.choices, default=CallStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["-opens_at", "-id"]
        verbose_name = _("call for applications")
        verbose_name_plural = _("calls for applications")
        constraints = [
            models.CheckConstraint(condition=Q(committed__lte=models.F("budget")), name="call_within_budget"),
            models.CheckConstraint(condition=Q(committed__gte=0), name="call_committed_not_negative"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.committed

    def clean(self) -> None:
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("The call must close after it opens.")})
        if self.budget is not None and self.budget <= 0:
            raise ValidationError({"budget": _("The budget must be a positive amount.")})
        if not self.schemes:
            raise ValidationError({"schemes": _("Choose at least one scheme.")})
        if self.announcement_days is not None and not 1 <= self.announcement_days <= 30:
            raise ValidationError({"announcement_days": _("Enter between 1 and 30 working days.")})
        # The pages index each item's "code" (the API takes any list of objects): a bad item is a 500 later.
        for item in self.required_attachments or []:
            code = item.get("code") if isinstance(item, dict) else None
            labels = [item.get(k, "") for k in ("label_zh", "label_en")] if isinstance(item, dict) else []
            if not (
                isinstance(code, str) and code.isidentifier() and all(isinstance(v, str) for v in labels)
            ):
                raise ValidationError(
                    {
                        "required_attachments": _(
                            "Each required attachment needs a code of letters, digits or _ "
                            "and text labels (label_zh, label_en)."
                        )
                    }
                )

    @property
    def attachment_items(self) -> list[dict[str, str]]:
        """The required attachments that have a code: a call saved through the API before clean() checked
        them may hold items without one, and the pages must still render."""
        return [
            a
            for a in self.required_attachments or []
            if isinstance(a, dict) and isinstance(a.get("code"), str)
        ]

    def is_open(self, now: object) -> bool:
        return self.status == CallStatus.PUBLISHED and self.opens_at <= now <= self.closes_at  # type: ignore[operator]


class Application(TimeStampedModel):
    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="applications"
    )
    entity = models.ForeignKey(
        "orgs.Entity", verbose_name=_("entity"), on_delete=models.PROTECT, related_name="grant_applications"
    )
    scheme_id = models.CharField(_("scheme"), max_length=80)
    subject_ref = models.CharField(
        _("subject reference"),
        max_length=200,
        help_text=_("what identifies the underlying certificate, loan or case"),
    )
    title = models.CharField(_("project title"), max_length=200, blank=True)
    entitlement_date = models.DateField(_("date the entitlement arose"))
    facts = models.JSONField(_("facts"), default=dict)
    status = models.CharField(
        _("status"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    computed_amount = models.DecimalField(_("computed amount"), null=True, blank=True, **MONEY)
    computed_trace = models.JSONField(_("computation"), default=dict, blank=True)
    proposed_amount = models.DecimalField(
        _("amount proposed by the reviewer"), null=True, blank=True, **MONEY
    )
    reduction_reason = models.TextField(_("reason for the reduction"), blank=True)
    approved_amount = models.DecimalField(_("approved amount"), null=True, blank=True, **MONEY)
    change_request = models.TextField(_("changes requested"), blank=True)
    change_answer = models.TextField(_("answer to the change request"), blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    content_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("content reviewer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    content_reviewed_at = models.DateTimeField(null=True, blank=True)
    amount_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("amount confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    announced_from = models.DateField(_("announced from"), null=True, blank=True)
    announced_until = models.DateField(_("announced until"), null=True, blank=True)
    paused = models.BooleanField(_("paused by an objection"), default=False)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [
            models.Index(fields=["entity", "-id"], name="grants_app_entity"),
            models.Index(fields=["status", "call", "-id"], name="grants_app_status_call"),
            models.Index(fields=["entity", "scheme_id", "subject_ref"], name="grants_app_subject"),
        ]
        constraints = [
            # The duplicate rule, also as a database guarantee (partial unique index on live rows).
            models.UniqueConstraint(
                fields=["entity", "scheme_id", "subject_ref"],
                condition=Q(status__in=sorted(LIVE_STATUSES)),
                name="grants_one_live_application_per_subject",
                violation_error_message=_(
                    "Your entity already has a live application for this scheme and this subject."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.entity} · {self.scheme_id}"

    @property
    def year(self) -> int:
        return self.call.year

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class Attachment(TimeStampedModel):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    code = models.CharField(_("kind"), max_length=60)
    file = models.FileField(_("file"), upload_to=UnguessableName("grants"))
    original_name = models.CharField(_("file name"), max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["code", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class ConflictDeclaration(TimeStampedModel):
    """A reviewer's declared conflict of interest: that reviewer is excluded from the application."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="conflicts")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))

    class Meta:
        verbose_name = _("conflict-of-interest declaration")
        verbose_name_plural = _("conflict-of-interest declarations")
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="grants_one_conflict")
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} ✕ #{self.application_id}"


class Objection(TimeStampedModel):
    """An objection lodged by anyone during the announcement period; it pauses the award."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="objections")
    name = models.CharField(_("your name"), max_length=100)
    contact = models.CharField(_("contact (phone or e-mail)"), max_length=200)
    text = models.TextField(_("objection"))
    status = models.CharField(
        _("status"), max_length=20, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN
    )
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return f"#{self.pk} on #{self.application_id}"


class Payment(TimeStampedModel):
    """The one disbursement of an award (paid once: one-to-one with the application)."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="payment")
    paid_on = models.DateField(_("payment date"))
    amount = models.DecimalField(_("amount"), **MONEY)
    voucher = models.CharField(_("voucher number"), max_length=60, unique=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-paid_on", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="grants_payment_positive")]

    def __str__(self) -> str:
        return f"{self.voucher} · {self.amount}"


class SchemeYear(models.Model):
    """Awards made under a scheme in a budget year (the yearly quota's counter; locked at approval)."""

    scheme_id = models.CharField(max_length=80)
    year = models.PositiveSmallIntegerField()
    awards = models.PositiveIntegerField(default=0)
    granted = models.DecimalField(default=ZERO, **MONEY)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scheme_id", "year"], name="grants_scheme_year")]

    def __str__(self) -> str:
        return f"{self.scheme_id} {self.year}: {self.awards}"


class LedgerEntry(models.Model):
    """Per entity, scheme and year: what was granted (approved, not revoked) and paid. Locked at approval;
    the source of `granted_this_year` / `awards_this_year`."""

    entity = models.ForeignKey("orgs.Entity", on_delete=models.PROTECT, related_name="grant_ledger")
    scheme_id = models.CharField(max_length=80)
    year = models.PositiveSmallIntegerField()
    granted = models.DecimalField(default=ZERO, **MONEY)
    awards = models.PositiveIntegerField(default=0)
    paid = models.DecimalField(default=ZERO, **MONEY)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger")
        constraints = [
            models.UniqueConstraint(fields=["entity", "scheme_id", "year"], name="grants_ledger_key"),
            models.CheckConstraint(condition=Q(paid__lte=models.F("granted")), name="grants_ledger_paid_le"),
        ]

    def __str__(self) -> str:
        return f"{self.entity_id} {self.scheme_id} {self.year}"
