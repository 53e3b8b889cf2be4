"""Reads of the credit register. The register is public (PRODUCT.md: public reads the credit list)."""

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from .models import CreditRecord


def credit_records_in_force(*, on: dt.date) -> QuerySet[CreditRecord]:
    return CreditRecord.objects.filter(period_start__lte=on).filter(
        Q(period_end__isnull=True) | Q(period_end__gte=on)
    )


def credit_blocked(*, entity: Any, on: dt.date) -> bool:
    """True if the entity is under a credit punishment on that day (blocks incentive approval)."""
    return credit_records_in_force(on=on).filter(entity=entity).exists()


def credit_record_list(*, user: Any = None) -> QuerySet[CreditRecord]:
    """Everyone, including the public, sees the whole register."""
    return CreditRecord.objects.select_related("entity", "entity__district")
