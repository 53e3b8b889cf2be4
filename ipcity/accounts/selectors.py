"""Reads of users, scoped to the user asking (STYLE rule 2)."""

from typing import Any

from django.db.models import Count, Q, QuerySet

from ipcity.core.permissions import user_has_role

from .choices import Role
from .models import AccountChangeRequest, User


def user_list(*, user: Any) -> QuerySet[User]:
    """Administrators and auditors see every account; nobody else lists users."""
    if user_has_role(user, Role.ADMIN, Role.AUDITOR):
        return User.objects.select_related("department", "entity", "pending_entity").order_by("username")
    return User.objects.none()


def pending_applicants(*, user: Any) -> QuerySet[User]:
    """Self-registered applicants waiting for the plan office to confirm their entity (ADR 0006), oldest
    first, each with how many active users already act for that entity (`entity_users`: a second person
    claiming an entity that has one is worth a call to the entity)."""
    if not user_has_role(user, Role.PLAN_OFFICE):
        return User.objects.none()
    return (
        User.objects.select_related("pending_entity")
        .filter(pending_entity__isnull=False, entity__isnull=True, is_active=True)
        .annotate(
            entity_users=Count("pending_entity__users", filter=Q(pending_entity__users__is_active=True))
        )
        .order_by("date_joined", "pk")
    )


def change_requests(*, user: Any) -> QuerySet[AccountChangeRequest]:
    """Account changes that need a second administrator (ADR 0007): administrators and auditors see them."""
    if not user_has_role(user, Role.ADMIN, Role.AUDITOR):
        return AccountChangeRequest.objects.none()
    return AccountChangeRequest.objects.select_related(
        "user", "department", "requested_by", "decided_by"
    ).order_by("-requested_at", "-id")
