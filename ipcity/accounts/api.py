"""/api/accounts: who am I; the user list for administrators and auditors."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from ipcity.core.api_auth import API_AUTH, require_role
from ipcity.core.api_filters import filtered_or_422
from ipcity.core.pagination import BoundedLimitOffsetPagination

from . import selectors
from .choices import Role
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
