"""Reads of organisations, scoped to the user (STYLE rule 2)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from ipcity.accounts.choices import Role
from ipcity.core.converters import MAX_ID
from ipcity.core.permissions import user_has_role

from .models import Certification, Department, District, Entity

# Who sees every entity; applicants see only their own; everyone else sees none.
ENTITY_READ_ALL = (Role.PLAN_OFFICE, Role.ADMIN, Role.AUDITOR, Role.DEPARTMENT, Role.FINANCE)
ENTITY_WRITE = (Role.PLAN_OFFICE, Role.ADMIN)


def can_read_all_entities(user: Any) -> bool:
    return user_has_role(user, *ENTITY_READ_ALL)


def can_write_entities(user: Any) -> bool:
    return user_has_role(user, *ENTITY_WRITE)


def entity_list(*, user: Any) -> QuerySet[Entity]:
    # Explicit order: Meta.ordering is dropped in a GROUP BY query (the Count), and pages of an unordered
    # list can repeat or skip entities.
    qs = (
        Entity.objects.select_related("district")
        .annotate(certification_count=Count("certifications"))
        .order_by("name", "pk")
    )
    if can_read_all_entities(user):
        return qs
    if user_has_role(user, Role.APPLICANT) and getattr(user, "entity_id", None):
        return qs.filter(pk=user.entity_id)
    return qs.none()


def entity_get(*, user: Any, pk: int) -> Entity | None:
    if not 0 < pk <= MAX_ID:
        return None
    return entity_list(user=user).filter(pk=pk).first()


def certification_list(*, user: Any, entity: Entity | None = None) -> QuerySet[Certification]:
    qs = Certification.objects.select_related("entity").filter(entity__in=entity_list(user=user))
    if entity is not None:
        qs = qs.filter(entity=entity)
    return qs


def department_list() -> QuerySet[Department]:
    """Public: the responsible units are named in the published plan."""
    return Department.objects.all()


def district_list() -> QuerySet[District]:
    return District.objects.all()
