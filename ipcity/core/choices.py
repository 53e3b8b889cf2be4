"""Core's enums: the audit actions the audit chain itself writes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    """The actions this app writes to the audit trail (registered in apps.py; ADR 0013)."""

    AUDIT_DIGEST = "audit.digest", _("Daily audit digest published")
    AUDIT_REKEY = "audit.rekey", _("Audit chain re-sealed with a key")


class ErrorCode(models.TextChoices):
    """The machine codes of the refusals every app shares (ipcity.core.errors; ADR 0016)."""

    INVALID = "invalid", _("Invalid input")
    NOT_ALLOWED = "not_allowed", _("Not allowed")
    NOT_FOUND = "not_found", _("Not found")
    ROLE = "role", _("Not allowed for this role")
    WRONG_STATUS = "wrong_status", _("Not possible in this status")
