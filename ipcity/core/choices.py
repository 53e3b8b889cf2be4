"""Core's enums: the audit actions the audit chain itself writes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    """The actions this app writes to the audit trail (registered in apps.py; ADR 0013)."""

    AUDIT_DIGEST = "audit.digest", _("Daily audit digest published")
    AUDIT_REKEY = "audit.rekey", _("Audit chain re-sealed with a key")
