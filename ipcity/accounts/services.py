"""Writes for users and API tokens: each in one transaction, validated, audited (STYLE rules 1 and 4).

Passwords never reach the audit trail: snapshots leave out the password hash.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from ipcity.core.audit import audit_record, snapshot
from ipcity.core.permissions import user_has_role
from ipcity.core.uploads import JPEG, PDF, PNG, check_upload
from ipcity.orgs.models import Department, Entity

from .choices import DEPARTMENT_ROLES, ENTITY_ROLES, Role
from .models import ApiToken, User, default_token_expiry

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
    user.full_clean(exclude=["password"])
    _check_password(password, user)
    user.set_password(password)
    user.save()
    audit_record(actor=actor, action="user.create", obj=user, after=user_snapshot(user))
    return user


@transaction.atomic
def user_update(*, actor: Any, user: User, **data: Any) -> User:
    allowed = {"email", "display_name", "role", "department", "entity"}
    unknown = set(data) - allowed
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    user = User.objects.select_for_update().get(pk=user.pk)
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
    audit_record(actor=actor, action="user.update", obj=user, before=before, after=user_snapshot(user))
    return user


@transaction.atomic
def user_set_active(*, actor: Any, user: User, active: bool) -> User:
    if actor is not None and getattr(actor, "pk", None) == user.pk and not active:
        raise ValidationError(_("You cannot deactivate your own account."))
    user = User.objects.select_for_update().get(pk=user.pk)
    before = user_snapshot(user)
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        api_tokens_revoke_all(actor=actor, user=user, reason="deactivation")
    audit_record(
        actor=actor,
        action="user.activate" if active else "user.deactivate",
        obj=user,
        before=before,
        after=user_snapshot(user),
    )
    return user


@transaction.atomic
def user_reset_password(*, actor: Any, user: User, password: str) -> User:
    """An administrator sets a new password (to be handed over out of band). The hash is not audited."""
    user = User.objects.select_for_update().get(pk=user.pk)
    _check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=actor, action="user.reset_password", obj=user, after={"password": "(changed)"})
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
    audit_record(actor=actor, action="user.change_password", obj=user, after={"password": "(changed)"})
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
        action="user.register",
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
        action="user.confirm_entity",
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
        action="user.reject_entity",
        obj=user,
        before=before,
        after={**user_snapshot(user), "reason": reason.strip()},
    )
    return user


@transaction.atomic
def api_token_create(*, actor: Any, user: User, name: str) -> tuple[ApiToken, str]:
    """A new personal token; returns the row and the raw token, which is shown once and never stored."""
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
        action="api_token.create",
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
        action="api_token.revoke",
        object_type="accounts.apitoken",
        object_id=pk,
        object_repr=repr_,
        before={"user": user_id},
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
        action="api_token.revoke_all",
        obj=user,
        before={"tokens": [{"id": pk, "name": name} for pk, name in tokens]},
        after={"tokens": [], "reason": reason},
    )
    return len(tokens)
