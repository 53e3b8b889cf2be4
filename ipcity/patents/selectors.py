"""Reads of the patent registry (STYLE rule 2). Patent data is public (CNIPA publishes it); import jobs,
population corrections and the innovation ledger are for staff."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ipcity.accounts.choices import Role
from ipcity.core.identifiers import patent_number
from ipcity.core.permissions import user_has_role

from .models import ImportJob, InnovationProject, Patent, Population

STAFF_ROLES = (Role.PLAN_OFFICE, Role.DEPARTMENT, Role.FINANCE, Role.AUDITOR, Role.ADMIN)
LEDGER_READERS = (Role.PLAN_OFFICE, Role.DEPARTMENT, Role.AUDITOR)
IMPORT_READERS = (Role.PLAN_OFFICE, Role.AUDITOR)


def patents_for(user: Any) -> QuerySet[Patent]:
    return Patent.objects.select_related("district", "holder_entity")


def patent_by_number(user: Any, text: str) -> Patent | None:
    """Any written form of the number; None when it is not in the registry.
    Raises InvalidPatentNumber when the text is not a valid number."""
    canonical = patent_number.validate(text)
    return patents_for(user).filter(application_number=canonical).first()


def import_jobs_for(user: Any) -> QuerySet[ImportJob]:
    if not user_has_role(user, *IMPORT_READERS):
        return ImportJob.objects.none()
    return ImportJob.objects.select_related("created_by")


def projects_for(user: Any) -> QuerySet[InnovationProject]:
    if not user_has_role(user, *LEDGER_READERS):
        return InnovationProject.objects.none()
    return InnovationProject.objects.select_related("responsible_entity", "district").prefetch_related(
        "patents"
    )


def population_for(user: Any) -> QuerySet[Population]:
    return Population.objects.select_related("district").order_by("-year", "district__order")
