from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PLAN_OFFICE = "plan_office", _("Plan office")
    DEPARTMENT = "department", _("Department")
    FINANCE = "finance", _("Finance bureau")
    APPLICANT = "applicant", _("Applicant")
    AUDITOR = "auditor", _("Auditor")
    ADMIN = "admin", _("Administrator")


# Roles whose user must belong to a department / an entity.
DEPARTMENT_ROLES = {Role.PLAN_OFFICE, Role.DEPARTMENT, Role.FINANCE}
ENTITY_ROLES = {Role.APPLICANT}

# Separation of duties (docs/adr/0007-separation-of-duties.md): no administrator alone may grant, take away or
# act for these roles — the money roles, the audit role and the administrator role itself. Changing a role to
# or from one of them, resetting the password of, or activating such an account is a *change request* that a
# second administrator confirms.
MONEY_ROLES = {Role.PLAN_OFFICE, Role.FINANCE}
SECOND_PERSON_ROLES = {Role.PLAN_OFFICE, Role.FINANCE, Role.AUDITOR, Role.ADMIN}


class ChangeKind(models.TextChoices):
    ROLE = "role", _("Role change")
    PASSWORD = "password", _("Password reset")  # noqa: S105 - a kind of request, not a password
    ACTIVATE = "activate", _("Activation")
    DEACTIVATE = "deactivate", _("Deactivation")


class ChangeStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting a second administrator")
    CONFIRMED = "confirmed", _("Confirmed and applied")
    REJECTED = "rejected", _("Rejected or withdrawn")


# action -> (allowed sources, target)
CHANGE_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "confirm": (frozenset({ChangeStatus.PENDING}), ChangeStatus.CONFIRMED),
    "reject": (frozenset({ChangeStatus.PENDING}), ChangeStatus.REJECTED),
}
