"""The credit register (失信 list): a minimal but real record that blocks incentive approvals.

The protection issue extends this app (complaints, disputes, surveys); grants only reads
`selectors.credit_blocked(entity, on=...)`.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ipcity.core.models import TimeStampedModel


class CreditRecord(TimeStampedModel):
    """One credit violation (失信行为) of an entity and the punishment (惩戒措施) in force for a period."""

    entity = models.ForeignKey(
        "orgs.Entity", verbose_name=_("entity"), on_delete=models.PROTECT, related_name="credit_records"
    )
    # No NUL: PostgreSQL refuses it in text (a 500); full_clean makes it a field error for every caller.
    behaviour = models.CharField(
        _("violation"),
        max_length=300,
        help_text=_("the dishonest behaviour found"),
        validators=[ProhibitNullCharactersValidator()],
    )
    measure = models.CharField(
        _("punishment"),
        max_length=300,
        help_text=_("the punishment imposed"),
        validators=[ProhibitNullCharactersValidator()],
    )
    period_start = models.DateField(_("punishment starts"))
    period_end = models.DateField(_("punishment ends"), null=True, blank=True)
    source_document = models.CharField(
        _("source document"),
        max_length=300,
        help_text=_("decision or list that imposed it"),
        validators=[ProhibitNullCharactersValidator()],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        ordering = ["-period_start", "-id"]
        verbose_name = _("credit record")
        verbose_name_plural = _("credit records")
        indexes = [models.Index(fields=["entity", "period_start", "period_end"])]

    def __str__(self) -> str:
        return f"{self.entity} · {self.behaviour}"

    def clean(self) -> None:
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("The punishment cannot end before it starts.")})

    def in_force_on(self, day: dt.date) -> bool:
        return self.period_start <= day and (self.period_end is None or day <= self.period_end)
