"""/api/accounts: who am I; the user list for administrators and auditors; the plan office's queue of
self-registered applicants."""

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from ipcity.core.api_auth import require_role
from ipcity.core.api_filters import filtered_or_422
from ipcity.core.converters import MAX_ID
from ipcity.core.errors import NOT_FOUND_MESSAGE, NotFound
from ipcity.core.pagination import BoundedLimitOffsetPagination

from . import selectors, services
from .api_auth import API_AUTH
from .choices import ErrorCode, Role
from .filters import UserFilter

router = Router(tags=["accounts"])


class Ref(Schema):
    id: int
    name: str


class EntityRef(Ref):
    uscc: str


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    email: str
    role: str
    role_label: str
    department: Ref | None
    entity: EntityRef | None
    pending_entity: EntityRef | None

    @staticmethod
    def resolve_role_label(obj: Any) -> str:
        return str(obj.get_role_display())


@router.get("/me", response=MeOut, auth=API_AUTH)
def me(request: HttpRequest) -> Any:
    """The signed-in user (bearer token or session): role, department or entity."""
    return request.user


class UserOut(Schema):
    id: int
    username: str
    display_name: str
    email: str
    role: str
    is_active: bool
    department_id: int | None
    entity_id: int | None
    pending_entity_id: int | None


@router.get("/users", response=list[UserOut], auth=API_AUTH)
@paginate(BoundedLimitOffsetPagination)
def list_users(request: HttpRequest) -> Any:
    """Administrators and auditors: every account, filtered like the /accounts/users/ page."""
    require_role(request, Role.ADMIN, Role.AUDITOR)
    return filtered_or_422(UserFilter(request.GET, queryset=selectors.user_list(user=request.user)))


# --- plan office: confirm self-registered applicants (ADR 0006) ----------------------------------


class PendingOut(Schema):
    id: int
    username: str
    display_name: str
    email: str
    date_joined: datetime.datetime
    pending_entity: EntityRef
    entity_users: int
    has_licence: bool

    @staticmethod
    def resolve_has_licence(obj: Any) -> bool:
        return bool(obj.registration_licence)


class DecisionIn(Schema):
    reason: str = Field("", max_length=500)


class DecisionOut(Schema):
    id: int
    is_active: bool
    entity_id: int | None


@router.get("/pending", response=list[PendingOut], auth=API_AUTH)
@paginate(BoundedLimitOffsetPagination)
def list_pending(request: HttpRequest) -> Any:
    """The plan office: self-registered applicants waiting for confirmation, oldest first."""
    require_role(request, Role.PLAN_OFFICE)
    return selectors.pending_applicants(user=request.user)


def _decide(request: HttpRequest, user_id: int, decide: Any) -> Any:
    require_role(request, Role.PLAN_OFFICE)
    target = None
    if 0 < user_id <= MAX_ID:  # a typed id beyond the database's integers is simply not found
        target = selectors.pending_applicants(user=request.user).filter(pk=user_id).first()
    if target is None:
        raise NotFound(ErrorCode.NOT_FOUND, NOT_FOUND_MESSAGE)
    user = decide(target)
    return {"id": user.pk, "is_active": user.is_active, "entity_id": user.entity_id}


@router.post("/pending/{user_id}/confirm", response=DecisionOut, auth=API_AUTH)
def confirm_pending(request: HttpRequest, user_id: int, payload: DecisionIn) -> Any:
    """The plan office confirms the applicant's link to the entity; `reason` says what was checked."""
    return _decide(
        request,
        user_id,
        lambda u: services.user_confirm_entity(actor=request.user, user=u, reason=payload.reason),
    )


@router.post("/pending/{user_id}/reject", response=DecisionOut, auth=API_AUTH)
def reject_pending(request: HttpRequest, user_id: int, payload: DecisionIn) -> Any:
    """The plan office refuses (a reason is required): the account is deactivated."""
    return _decide(
        request,
        user_id,
        lambda u: services.user_reject_entity(actor=request.user, user=u, reason=payload.reason),
    )
