"""Writes for users and API tokens: each in one transaction, validated, audited (STYLE rules 1 and 4).

Passwords never reach the audit trail: snapshots leave out the password hash.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ipcity.core.audit import audit_record, snapshot
from ipcity.core.errors import DomainError
from ipcity.core.permissions import user_has_role
from ipcity.core.uploads import JPEG, PDF, PNG, check_upload
from ipcity.orgs.models import Department, Entity

from .choices import (
    CHANGE_WORKFLOW,
    DEPARTMENT_ROLES,
    ENTITY_ROLES,
    SECOND_PERSON_ROLES,
    AuditAction,
    ChangeAction,
    ChangeKind,
    ChangeStatus,
    Role,
)
from .models import AccountChangeRequest, ApiToken, PasswordHistory, User, default_token_expiry

USER_AUDIT_FIELDS = [
    "username",
    "email",
    "display_name",
    "role",
    "department",
    "entity",
    "pending_entity",
    "is_active",
    "is_staff",
    "is_superuser",
]


def user_snapshot(user: User) -> dict[str, Any]:
    return snapshot(user, USER_AUDIT_FIELDS)


def _check_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    password: str,
    role: str,
    email: str = "",
    display_name: str = "",
    department: Department | None = None,
    entity: Entity | None = None,
) -> User:
    """An administrator creates a user. Staff roles belong to a department, applicants to an entity."""
    if User.objects.filter(username__iexact=username.strip()).exists():
        raise ValidationError({"username": _("This username is already taken.")})
    user = User(
        username=username.strip(),
        email=email.strip(),
        display_name=display_name.strip(),
        role=role,
        department=department if role in DEPARTMENT_ROLES else None,
        entity=entity if role in ENTITY_ROLES else None,
        # No one gets Django's superuser flag: permissions come from the role (admin cannot approve money).
        is_staff=False,
        is_superuser=False,
    )
    # A role no administrator may grant alone: the account starts inactive, a second administrator activates it.
    held = _is_person(actor) and role in SECOND_PERSON_ROLES
    if held:
        user.is_active = False
    user.full_clean(exclude=["password"])
    _check_password(password, user)
    user.set_password(password)
    user.save()
    audit_record(actor=actor, action=AuditAction.USER_CREATE, obj=user, after=user_snapshot(user))
    if held:
        account_change_request(actor=actor, user=user, kind=ChangeKind.ACTIVATE)
    return user


@transaction.atomic
def user_update(*, actor: Any, user: User, **data: Any) -> User:
    allowed = {"email", "display_name", "role", "department", "entity"}
    unknown = set(data) - allowed
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    user = User.objects.select_for_update().get(pk=user.pk)
    _check_direct_role_change(actor, user, data)
    before = user_snapshot(user)
    for name, value in data.items():
        setattr(user, name, value)
    if user.role not in DEPARTMENT_ROLES:
        user.department = None
    if user.role not in ENTITY_ROLES:
        user.entity = None
        user.pending_entity = None
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(
        actor=actor, action=AuditAction.USER_UPDATE, obj=user, before=before, after=user_snapshot(user)
    )
    return user


@transaction.atomic
def user_set_active(*, actor: Any, user: User, active: bool) -> User:
    if actor is not None and getattr(actor, "pk", None) == user.pk and not active:
        raise ValidationError(_("You cannot deactivate your own account."))
    user = User.objects.select_for_update().get(pk=user.pk)
    _check_direct(actor, user, ChangeKind.ACTIVATE if active else ChangeKind.DEACTIVATE)
    before = user_snapshot(user)
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        api_tokens_revoke_all(actor=actor, user=user, reason="deactivation")
    audit_record(
        actor=actor,
        action=AuditAction.USER_ACTIVATE if active else AuditAction.USER_DEACTIVATE,
        obj=user,
        before=before,
        after=user_snapshot(user),
    )
    return user


@transaction.atomic
def user_reset_password(*, actor: Any, user: User, password: str) -> User:
    """An administrator sets a new password (to be handed over out of band). The hash is not audited."""
    user = User.objects.select_for_update().get(pk=user.pk)
    _check_direct(actor, user, ChangeKind.PASSWORD, field="password")
    _check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(
        actor=actor, action=AuditAction.USER_RESET_PASSWORD, obj=user, after={"password": "(changed)"}
    )
    api_tokens_revoke_all(actor=actor, user=user, reason="password_reset")
    return user


@transaction.atomic
def user_change_password(*, actor: Any, user: User, password: str) -> User:
    """The user changes their own password (the old one checked by the form). Their API tokens die with
    the old password; their other sessions end through Django's session hash."""
    user = User.objects.select_for_update().get(pk=user.pk)
    _check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(
        actor=actor, action=AuditAction.USER_CHANGE_PASSWORD, obj=user, after={"password": "(changed)"}
    )
    api_tokens_revoke_all(actor=actor, user=user, reason="password_change")
    return user


# Names nobody registers, refused with the same words as a taken name (ADR 0006: no enumeration).
RESERVED_USERNAMES = frozenset(
    {
        "admin",
        "administrator",
        "root",
        "system",
        "ipcity",
        "support",
        "security",
        "registration",
        "webmaster",
        "postmaster",
        "noreply",
        "plan_office",
        "auditor",
    }
)


def username_unavailable(username: str) -> bool:
    name = username.strip()
    return name.lower() in RESERVED_USERNAMES or User.objects.filter(username__iexact=name).exists()


@transaction.atomic
def user_register(
    *,
    username: str,
    password: str,
    email: str,
    display_name: str,
    uscc: str,
    entity_name: str = "",
    entity_kind: str = "",
    district: Any = None,
    contact_phone: str = "",
    licence: UploadedFile | None = None,
) -> User:
    """Applicant self-registration (docs/adr/0006-applicant-registration.md).

    The user is always created with the entity *pending* (`pending_entity`, `entity` empty): they can log
    in but act for nobody until the plan office confirms the link (`user_confirm_entity`), having checked
    the business licence they may upload here. If the code names no registered entity, the entity is
    created from the details given; an existing entity's data is never changed.
    """
    from ipcity.orgs.services import entity_create, normalise_uscc

    code = normalise_uscc(uscc)
    if username_unavailable(username):
        # The same words for a taken and a reserved name; the view throttles attempts per address.
        raise ValidationError({"username": _("This username is not available. Choose another one.")})
    if licence is not None:
        try:
            check_upload(licence, (PDF, PNG, JPEG))
        except ValidationError as exc:
            raise ValidationError({"licence": exc.messages}) from exc
    existing = Entity.objects.filter(uscc=code).first()
    if existing is None:
        errors: dict[str, list[str]] = {}
        if not entity_name.strip():
            errors["entity_name"] = [_("Enter the entity's name.")]
        if not entity_kind:
            errors["entity_kind"] = [_("Choose the entity's kind.")]
        if errors:
            raise ValidationError(errors)
    user = User(
        username=username.strip(),
        email=email.strip(),
        display_name=display_name.strip(),
        role=Role.APPLICANT,
        pending_entity=existing or Entity(pk=0),  # placeholder until the entity exists
    )
    # Validate the user before anything is written.
    user.full_clean(exclude=["password", "entity", "pending_entity", "registration_licence"])
    _check_password(password, user)
    actor_name = f"registration:{user.username}"
    if existing is None:
        existing = entity_create(
            actor=actor_name,
            uscc=code,
            name=entity_name,
            kind=entity_kind,
            district=district,
            contact_name=display_name.strip(),
            contact_phone=contact_phone.strip(),
        )
    user.pending_entity = existing
    user.set_password(password)
    if licence is not None:
        suffix = PurePath(licence.name or "").suffix.lower()
        user.registration_licence.save(f"licence-{code}{suffix}", licence, save=False)
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(
        actor=actor_name,
        action=AuditAction.USER_REGISTER,
        obj=user,
        after={**user_snapshot(user), "licence": bool(user.registration_licence)},
    )
    return user


def _require_plan_office(actor: Any) -> None:
    if not user_has_role(actor, Role.PLAN_OFFICE):
        raise PermissionDenied(_("Only the plan office confirms self-registered applicants."))


def _locked_pending(user: User) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.pending_entity_id is None or not user.is_active:
        raise ValidationError(_("This user has no entity link awaiting confirmation."))
    return user


@transaction.atomic
def user_confirm_entity(*, actor: Any, user: User, reason: str = "") -> User:
    """The plan office confirms a self-registered applicant's link to the entity (after checking the
    business licence or with the entity). `reason` says what was checked; it goes to the audit trail."""
    _require_plan_office(actor)
    user = _locked_pending(user)
    before = user_snapshot(user)
    user.entity_id = user.pending_entity_id
    user.pending_entity = None
    user.full_clean(exclude=["password"])
    user.save(update_fields=["entity", "pending_entity"])
    audit_record(
        actor=actor,
        action=AuditAction.USER_CONFIRM_ENTITY,
        obj=user,
        before=before,
        after={**user_snapshot(user), "reason": reason.strip()},
    )
    return user


@transaction.atomic
def user_reject_entity(*, actor: Any, user: User, reason: str) -> User:
    """The plan office refuses the link, saying why: the account is deactivated (it has no entity to act
    for) and its API tokens revoked. An entity the registration created stays in the registry, where the
    plan office can correct it."""
    _require_plan_office(actor)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the registration is refused.")})
    user = _locked_pending(user)
    before = user_snapshot(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    api_tokens_revoke_all(actor=actor, user=user, reason="registration_refused")
    audit_record(
        actor=actor,
        action=AuditAction.USER_REJECT_ENTITY,
        obj=user,
        before=before,
        after={**user_snapshot(user), "reason": reason.strip()},
    )
    return user


@transaction.atomic
def api_token_create(*, actor: Any, user: User, name: str) -> tuple[ApiToken, str]:
    """A new personal token; returns the row and the raw token, which is shown once and never stored.
    A deactivated account gets none (deactivating an account deletes its tokens)."""
    user = User.objects.select_for_update().get(pk=user.pk)  # not deactivated meanwhile
    if not user.is_active:
        raise ValidationError({"user": _("This account is deactivated; it cannot have an API token.")})
    raw = ApiToken.new_raw()
    token = ApiToken(
        user=user,
        name=(name or "").strip(),
        digest=ApiToken.digest_of(raw),
        expires_at=default_token_expiry(),
    )
    token.full_clean()
    token.save()
    audit_record(
        actor=actor,
        action=AuditAction.API_TOKEN_CREATE,
        obj=token,
        after={"user": user.pk, "name": token.name, "expires_at": token.expires_at.isoformat()},
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: Any, token: ApiToken) -> None:
    pk, repr_, user_id = token.pk, str(token), token.user_id
    token.delete()
    audit_record(
        actor=actor,
        action=AuditAction.API_TOKEN_REVOKE,
        object_type="accounts.apitoken",
        object_id=pk,
        object_repr=repr_,
        before={"user": user_id},
    )


# --- separation of duties: changes a second administrator must confirm (docs/adr/0007) ----------------------
# Each direct service above refuses, for a person acting, what one administrator may not do alone; the
# functions below file such a change as an AccountChangeRequest and apply it once a second administrator
# confirms. Commands run by the operator on the server (actor None or a string) are outside this rule.


def _is_person(actor: Any) -> bool:
    return actor is not None and bool(getattr(actor, "is_authenticated", False))


def _refuse_self(actor: Any, user: User, field: str = "__all__") -> None:
    if _is_person(actor) and actor.pk == user.pk:
        raise ValidationError(
            {field: _("Nobody may change the role, status or password of their own account here.")}
        )


def _role_change_of(user: User, data: dict[str, Any]) -> tuple[str, Department | None] | None:
    """The (role, department) that `data` would give the user, or None when neither changes."""
    role = data.get("role", user.role)
    department = data.get("department", user.department) if role in DEPARTMENT_ROLES else None
    department_id = department.pk if department is not None else None
    if role == user.role and department_id == user.department_id:
        return None
    return role, department


def second_person_needed(
    *, user: User, kind: str, role: str = "", department: Department | None = None
) -> bool:
    """Whether a change to `user` needs a second administrator (a pure question; nothing is written)."""
    if kind == ChangeKind.ROLE:
        change = _role_change_of(user, {"role": role or user.role, "department": department})
        if change is None:
            return False
        return user.role in SECOND_PERSON_ROLES or change[0] in SECOND_PERSON_ROLES
    if kind in (ChangeKind.PASSWORD, ChangeKind.ACTIVATE):
        return user.role in SECOND_PERSON_ROLES
    if kind == ChangeKind.DEACTIVATE:
        return user.role == Role.AUDITOR
    return False


def _second_person_message() -> str:
    return _(
        "A second administrator must confirm this change (plan office, finance, auditor and administrator "
        "accounts): submit it as a change request."
    )


def _check_direct(actor: Any, user: User, kind: str, field: str = "__all__") -> None:
    """Refuse a direct change that a person may not make (own account) or may not make alone."""
    if not _is_person(actor):
        return
    _refuse_self(actor, user, field)
    if second_person_needed(user=user, kind=kind):
        raise ValidationError({field: _second_person_message()})


def _check_direct_role_change(actor: Any, user: User, data: dict[str, Any]) -> None:
    if not _is_person(actor) or ("role" not in data and "department" not in data):
        return
    change = _role_change_of(user, data)
    if change is None:
        return
    _refuse_self(actor, user, "role")
    if second_person_needed(user=user, kind=ChangeKind.ROLE, role=change[0], department=change[1]):
        raise ValidationError({"role": _second_person_message()})


def _require_admin(actor: Any) -> None:
    if not (_is_person(actor) and actor.is_active and getattr(actor, "role", "") == Role.ADMIN):
        raise PermissionDenied(_("Only an administrator can do this."))


def change_request_snapshot(change: AccountChangeRequest) -> dict[str, Any]:
    # The password hash is left out on purpose.
    return snapshot(
        change,
        ["user", "kind", "role", "department", "status", "requested_by", "decided_by", "decided_at"],
    )


@transaction.atomic
def account_change_request(
    *,
    actor: Any,
    user: User,
    kind: str,
    role: str = "",
    department: Department | None = None,
    password: str = "",
) -> AccountChangeRequest:
    """One administrator files a change that a second one must confirm. Nothing changes on the account yet."""
    _require_admin(actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    field = {ChangeKind.ROLE: "role", ChangeKind.PASSWORD: "password"}.get(ChangeKind(kind), "__all__")
    _refuse_self(actor, user, field)
    if not second_person_needed(user=user, kind=kind, role=role, department=department):
        raise ValidationError(
            {field: _("This change does not need a second administrator: make it directly.")}
        )
    if AccountChangeRequest.objects.filter(user=user, kind=kind, status=ChangeStatus.PENDING).exists():
        raise ValidationError({field: _("A request of this kind is already waiting for this account.")})
    change = AccountChangeRequest(user=user, kind=kind, requested_by=actor)
    if kind == ChangeKind.ROLE:
        change.role = role
        change.department = department if role in DEPARTMENT_ROLES else None
        # Check now that the result is a valid account, so that the confirmation cannot fail on it.
        trial = User.objects.get(pk=user.pk)
        _apply_role(trial, change)
        trial.full_clean(exclude=["password"])
    elif kind == ChangeKind.PASSWORD:
        _check_password(password, user)
        change.password_hash = make_password(password)
    elif kind == ChangeKind.ACTIVATE and user.is_active:
        raise ValidationError(_("This account is already active."))
    elif kind == ChangeKind.DEACTIVATE and not user.is_active:
        raise ValidationError(_("This account is already inactive."))
    change.full_clean()
    change.save()
    audit_record(
        actor=actor,
        action=AuditAction.ACCOUNT_CHANGE_REQUEST,
        obj=change,
        after=change_request_snapshot(change),
    )
    return change


def _apply_role(user: User, change: AccountChangeRequest) -> None:
    user.role = change.role
    user.department = change.department if change.role in DEPARTMENT_ROLES else None
    if change.role not in ENTITY_ROLES:
        user.entity = None
        user.pending_entity = None


def _decide(action: str, change: AccountChangeRequest, actor: Any) -> str:
    """The workflow decides (docs/adr/0017); its refusal reaches the pages as this app's ValidationError."""
    try:
        return CHANGE_WORKFLOW.check(action, change, actor)
    except DomainError as exc:
        raise ValidationError(exc.message, code=exc.code) from None


def _locked_change(change: AccountChangeRequest) -> AccountChangeRequest:
    return AccountChangeRequest.objects.select_for_update().get(pk=change.pk)


@transaction.atomic
def account_change_confirm(*, actor: Any, change: AccountChangeRequest) -> AccountChangeRequest:
    """A second administrator confirms: the change is applied to the account, both in one transaction."""
    _require_admin(actor)
    change = _locked_change(change)
    target = _decide(ChangeAction.CONFIRM, change, actor)
    user = User.objects.select_for_update().get(pk=change.user_id)
    before_user = user_snapshot(user)
    before = change_request_snapshot(change)
    action = {
        ChangeKind.ROLE: AuditAction.USER_UPDATE,
        ChangeKind.PASSWORD: AuditAction.USER_RESET_PASSWORD,
        ChangeKind.ACTIVATE: AuditAction.USER_ACTIVATE,
        ChangeKind.DEACTIVATE: AuditAction.USER_DEACTIVATE,
    }[ChangeKind(change.kind)]
    if change.kind == ChangeKind.ROLE:
        _apply_role(user, change)
    elif change.kind == ChangeKind.PASSWORD:
        user.password = change.password_hash  # a hash: Django's password_changed hook does not run
    elif change.kind == ChangeKind.ACTIVATE:
        user.is_active = True
    else:
        user.is_active = False
    user.full_clean(exclude=["password"])
    user.save()
    if change.kind == ChangeKind.PASSWORD:
        password_history_record(user=user)
    if change.kind == ChangeKind.DEACTIVATE:
        user.api_tokens.all().delete()
    change.status = target
    change.decided_by = actor
    change.decided_at = timezone.now()
    change.password_hash = ""  # applied: the request no longer needs it
    change.save(update_fields=["status", "decided_by", "decided_at", "password_hash"])
    audit_record(
        actor=actor,
        action=AuditAction.ACCOUNT_CHANGE_CONFIRM,
        obj=change,
        before=before,
        after=change_request_snapshot(change),
    )
    after_user: dict[str, Any] = (
        {"password": "(changed)"} if change.kind == ChangeKind.PASSWORD else user_snapshot(user)
    )
    after_user["change_request"] = change.pk
    audit_record(
        actor=actor,
        action=action,
        obj=user,
        before=None if change.kind == ChangeKind.PASSWORD else before_user,
        after=after_user,
    )
    return change


@transaction.atomic
def account_change_reject(*, actor: Any, change: AccountChangeRequest) -> AccountChangeRequest:
    """Any administrator but the account's owner rejects a pending request (the requester withdraws it)."""
    _require_admin(actor)
    change = _locked_change(change)
    target = _decide(ChangeAction.REJECT, change, actor)
    before = change_request_snapshot(change)
    change.status = target
    change.decided_by = actor
    change.decided_at = timezone.now()
    change.password_hash = ""
    change.save(update_fields=["status", "decided_by", "decided_at", "password_hash"])
    audit_record(
        actor=actor,
        action=AuditAction.ACCOUNT_CHANGE_REJECT,
        obj=change,
        before=before,
        after=change_request_snapshot(change),
    )
    return change


@transaction.atomic
def user_edit(*, actor: Any, user: User, **data: Any) -> AccountChangeRequest | None:
    """The administrators' edit form: the plain fields are changed at once; a role change that needs a second
    administrator becomes a change request (returned), in the same transaction."""
    current = User.objects.get(pk=user.pk)
    change = _role_change_of(current, data) if "role" in data else None
    if change is None or not second_person_needed(
        user=current, kind=ChangeKind.ROLE, role=change[0], department=change[1]
    ):
        user_update(actor=actor, user=user, **data)
        return None
    _refuse_self(actor, current, "role")
    plain = {k: v for k, v in data.items() if k in ("email", "display_name")}
    if plain:
        user_update(actor=actor, user=user, **plain)
    return account_change_request(
        actor=actor, user=user, kind=ChangeKind.ROLE, role=change[0], department=change[1]
    )


# --- password history and the login trail (issue 8, finding 9; docs/adr/0004) ------------------------------


@transaction.atomic
def password_history_record(*, user: User, keep: int = 5) -> None:
    """Remember the user's current password hash; keep only the newest `keep`. Called through Django's
    password_changed hook (accounts.validators.PasswordHistoryValidator) and when a confirmed reset is applied.
    Not audited on its own: the change that set the password is."""
    if not user.password or not user.has_usable_password():
        return
    latest = PasswordHistory.objects.filter(user_id=user.pk).order_by("-created_at", "-id").first()
    if latest is None or latest.password != user.password:
        PasswordHistory.objects.create(user_id=user.pk, password=user.password)
    stale = PasswordHistory.objects.filter(user_id=user.pk).order_by("-created_at", "-id")[keep:]
    PasswordHistory.objects.filter(pk__in=list(stale.values_list("pk", flat=True))).delete()


def _client(request: Any) -> dict[str, Any]:
    from .client_ip import client_ip

    if request is None:
        return {"ip": ""}
    return {"ip": client_ip(request), "user_agent": request.META.get("HTTP_USER_AGENT", "")[:200]}


@transaction.atomic
def auth_login_record(*, user: User, request: Any) -> None:
    """A successful login, as the auditor sees it (action `auth.login`)."""
    audit_record(actor=user, action=AuditAction.AUTH_LOGIN, obj=user, after=_client(request))


@transaction.atomic
def auth_logout_record(*, user: User | None, request: Any) -> None:
    """A logout (`auth.logout`); nothing when nobody was logged in."""
    if user is None or not getattr(user, "pk", None):
        return
    audit_record(actor=user, action=AuditAction.AUTH_LOGOUT, obj=user, after=_client(request))


def _attempted(username: Any) -> tuple[str, User | None]:
    name = str(username or "")[:150]
    found = User.objects.filter(username__iexact=name).first() if name else None
    return name, found


@transaction.atomic
def auth_login_failed_record(*, username: Any, request: Any) -> None:
    """A failed login (`auth.login_failed`): the user name typed and the address, never the password. The actor
    is unknown (`anonymous`): whoever typed it is not shown to be the account's owner."""
    name, found = _attempted(username)
    after = {"username": name, **_client(request)}
    after["locked_out"] = bool(getattr(request, "axes_locked_out", False))
    audit_record(
        actor="anonymous",
        action=AuditAction.AUTH_LOGIN_FAILED,
        object_type="accounts.user",
        object_id=found.pk if found else "",
        object_repr=name,
        after=after,
    )


@transaction.atomic
def auth_lockout_record(*, username: Any, ip_address: str, request: Any) -> None:
    """Login throttling locked a user name/address pair or an address (`auth.lockout`)."""
    name, found = _attempted(username)
    after = {"username": name, **_client(request)}
    after["ip"] = ip_address or after["ip"]
    audit_record(
        actor="anonymous",
        action=AuditAction.AUTH_LOCKOUT,
        object_type="accounts.user",
        object_id=found.pk if found else "",
        object_repr=name,
        after=after,
    )


@transaction.atomic
def api_tokens_revoke_all(*, actor: Any, user: User, reason: str) -> int:
    """Delete every API token of `user` (password changed or reset, account deactivated or refused) and
    record it, with the tokens' names, as one audit entry. Returns how many were revoked."""
    tokens = list(user.api_tokens.order_by("pk").values_list("pk", "name"))
    if not tokens:
        return 0
    ApiToken.objects.filter(pk__in=[pk for pk, _name in tokens]).delete()
    audit_record(
        actor=actor,
        action=AuditAction.API_TOKEN_REVOKE_ALL,
        obj=user,
        before={"tokens": [{"id": pk, "name": name} for pk, name in tokens]},
        after={"tokens": [], "reason": reason},
    )
    return len(tokens)
