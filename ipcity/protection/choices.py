"""Enums of the protection app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    """The actions this app writes to the audit trail (registered in apps.py; ADR 0013)."""

    CREDIT_RECORD_CREATE = "credit_record.create", _("Credit record created")
    CREDIT_RECORD_END = "credit_record.end", _("Credit record ended")


class ErrorCode(models.TextChoices):
    """The machine codes of the protection refusals (ipcity.core.errors; the API's `code`, ADR 0016)."""

    ROLE = "role"
    UNKNOWN_ENTITY = "unknown_entity"
