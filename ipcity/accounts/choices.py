from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from ipcity.core.errors import NotAllowed
from ipcity.core.workflow import Transition, Workflow


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


class ChangeAction(models.TextChoices):
    CONFIRM = "confirm", _("Confirm")
    REJECT = "reject", _("Reject")


def _second_person(change: Any, actor: Any) -> None:
    """A second administrator confirms: neither the one who filed the request nor the account's owner."""
    if getattr(actor, "pk", None) == change.requested_by_id:
        raise NotAllowed(
            ErrorCode.REQUESTER,
            _("The administrator who filed a request cannot confirm it: a second administrator must."),
        )
    if getattr(actor, "pk", None) == change.user_id:
        raise NotAllowed(ErrorCode.OWN_ACCOUNT, _("Nobody may confirm a change to their own account."))


def _not_own_account(change: Any, actor: Any) -> None:
    """Any administrator but the account's owner rejects (the requester may so withdraw the request)."""
    if getattr(actor, "pk", None) == change.user_id:
        raise NotAllowed(ErrorCode.OWN_ACCOUNT, _("Nobody may decide a change to their own account."))


# The change request's transitions table (docs/adr/0017): action → from-states → to-state → roles → guard.
CHANGE_TRANSITIONS: dict[str, Transition] = {
    ChangeAction.CONFIRM: Transition.of(
        {ChangeStatus.PENDING}, ChangeStatus.CONFIRMED, {Role.ADMIN}, _second_person
    ),
    ChangeAction.REJECT: Transition.of(
        {ChangeStatus.PENDING}, ChangeStatus.REJECTED, {Role.ADMIN}, _not_own_account
    ),
}
CHANGE_WORKFLOW = Workflow(
    "accounts.change_request",
    CHANGE_TRANSITIONS,
    status_message=_("This request has already been decided."),
)


class AuditAction(models.TextChoices):
    """The actions this app writes to the audit trail (registered in apps.py; ADR 0013)."""

    USER_CREATE = "user.create", _("User account created")
    USER_UPDATE = "user.update", _("User account updated")
    USER_ACTIVATE = "user.activate", _("User account activated")
    USER_DEACTIVATE = "user.deactivate", _("User account deactivated")
    USER_RESET_PASSWORD = "user.reset_password", _("Password reset by an administrator")
    USER_CHANGE_PASSWORD = "user.change_password", _("Password changed by its owner")
    USER_REGISTER = "user.register", _("Applicant self-registered")
    USER_CONFIRM_ENTITY = "user.confirm_entity", _("Registration's entity link confirmed")
    USER_REJECT_ENTITY = "user.reject_entity", _("Registration's entity link rejected")
    API_TOKEN_CREATE = "api_token.create", _("API token issued")
    API_TOKEN_REVOKE = "api_token.revoke", _("API token revoked")
    API_TOKEN_REVOKE_ALL = "api_token.revoke_all", _("All of a user's API tokens revoked")
    ACCOUNT_CHANGE_REQUEST = "account_change.request", _("Account change requested")
    ACCOUNT_CHANGE_CONFIRM = "account_change.confirm", _("Account change confirmed")
    ACCOUNT_CHANGE_REJECT = "account_change.reject", _("Account change rejected")
    AUTH_LOGIN = "auth.login", _("Login")
    AUTH_LOGOUT = "auth.logout", _("Logout")
    AUTH_LOGIN_FAILED = "auth.login_failed", _("Failed login")
    AUTH_LOCKOUT = "auth.lockout", _("Login locked out")


class ErrorCode(models.TextChoices):
    """The machine codes of the accounts refusals (ipcity.core.errors; the API's `code`, ADR 0016)."""

    INVALID = "invalid"
    NOT_FOUND = "not_found"
    ROLE = "role"
    REQUESTER = "requester"
    OWN_ACCOUNT = "own_account"
