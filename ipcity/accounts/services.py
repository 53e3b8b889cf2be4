"""Writes for users and API tokens: each in one transaction, validated, audited (STYLE rules 1 and 4).

Passwords never reach the audit trail: snapshots leave out the password hash.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ipcity.core.audit import audit_record, snapshot
from ipcity.orgs.models import Department, Entity

from .choices import DEPARTMENT_ROLES, ENTITY_ROLES, Role
from .models import ApiToken, User

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
        user.api_tokens.all().delete()
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
    return user


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
) -> User:
    """Applicant self-registration (docs/adr/0006-applicant-registration.md).

    - The code names an entity already registered: the user is created with that entity *pending*; the plan
      office confirms the link before the user can act for the entity.
    - Otherwise the entity is created from the details given and the user is linked at once (it is the entity's
      first user; the plan office can review and correct the entity).
    """
    from ipcity.orgs.services import entity_create, normalise_uscc

    code = normalise_uscc(uscc)
    if User.objects.filter(username__iexact=username.strip()).exists():
        raise ValidationError({"username": _("This username is already taken.")})
    existing = Entity.objects.filter(uscc=code).first()
    user = User(
        username=username.strip(),
        email=email.strip(),
        display_name=display_name.strip(),
        role=Role.APPLICANT,
        pending_entity=existing,
    )
    if existing is None:
        errors: dict[str, list[str]] = {}
        if not entity_name.strip():
            errors["entity_name"] = [_("Enter the entity's name.")]
        if not entity_kind:
            errors["entity_kind"] = [_("Choose the entity's kind.")]
        if errors:
            raise ValidationError(errors)
    # Validate the user before anything is written.
    placeholder = Entity(pk=0) if existing is None else None
    if placeholder is not None:
        user.entity = placeholder
    user.full_clean(exclude=["password", "entity", "pending_entity"])
    _check_password(password, user)
    actor_name = f"registration:{user.username}"
    if existing is None:
        entity = entity_create(
            actor=actor_name,
            uscc=code,
            name=entity_name,
            kind=entity_kind,
            district=district,
            contact_name=display_name.strip(),
            contact_phone=contact_phone.strip(),
        )
        user.entity = entity
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(
        actor=actor_name,
        action="user.register",
        obj=user,
        after=user_snapshot(user),
    )
    return user


@transaction.atomic
def user_confirm_entity(*, actor: Any, user: User) -> User:
    """The plan office confirms a self-registered applicant's link to an existing entity."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.pending_entity_id is None:
        raise ValidationError(_("This user has no entity link awaiting confirmation."))
    before = user_snapshot(user)
    user.entity_id = user.pending_entity_id
    user.pending_entity = None
    user.full_clean(exclude=["password"])
    user.save(update_fields=["entity", "pending_entity"])
    audit_record(
        actor=actor, action="user.confirm_entity", obj=user, before=before, after=user_snapshot(user)
    )
    return user


@transaction.atomic
def user_reject_entity(*, actor: Any, user: User) -> User:
    """The plan office refuses the link: the account is deactivated (it has no entity to act for)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.pending_entity_id is None:
        raise ValidationError(_("This user has no entity link awaiting confirmation."))
    before = user_snapshot(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit_record(actor=actor, action="user.reject_entity", obj=user, before=before, after=user_snapshot(user))
    return user


@transaction.atomic
def api_token_create(*, actor: Any, user: User, name: str) -> tuple[ApiToken, str]:
    """A new personal token; returns the row and the raw token, which is shown once and never stored.
    A deactivated account gets none (deactivating an account deletes its tokens)."""
    user = User.objects.select_for_update().get(pk=user.pk)  # not deactivated meanwhile
    if not user.is_active:
        raise ValidationError({"user": _("This account is deactivated; it cannot have an API token.")})
    raw = ApiToken.new_raw()
    token = ApiToken(user=user, name=(name or "").strip(), digest=ApiToken.digest_of(raw))
    token.full_clean()
    token.save()
    audit_record(
        actor=actor, action="api_token.create", obj=token, after={"user": user.pk, "name": token.name}
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
