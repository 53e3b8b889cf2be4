"""/api/orgs: departments and districts (public read), entities and certifications (authenticated, scoped
by role through the selectors; writes by plan office and administrators through the services)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from ipcity.accounts.api_auth import API_AUTH
from ipcity.accounts.choices import Role
from ipcity.core.api_auth import require_role
from ipcity.core.api_filters import filtered_or_422
from ipcity.core.converters import MAX_ID
from ipcity.core.errors import NOT_FOUND_MESSAGE, Invalid, NotFound
from ipcity.core.pagination import BoundedLimitOffsetPagination

from . import selectors, services
from .choices import CertificationKind, CertificationLevel, DistrictKind, EntityKind, ErrorCode
from .filters import DepartmentFilter, DistrictFilter, EntityFilter
from .models import Certification, Department, District

router = Router(tags=["orgs"])

STRUCTURE_WRITERS = (Role.ADMIN, Role.PLAN_OFFICE)


def _check_choice(value: str | None, choices: Any, field: str) -> None:
    if value is not None and value not in choices.values:
        message = _("Choose one of: %(values)s.") % {"values": ", ".join(choices.values)}
        raise Invalid(ErrorCode.INVALID, message, fields={field: [message]})


def _patch_data(payload: Schema, nullable: tuple[str, ...] = ()) -> dict[str, Any]:
    """The fields a PATCH sets. `null` for a field that cannot be empty means "leave it unchanged" (the
    columns are NOT NULL: passing None on would be an integrity error, a 500)."""
    return {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None or k in nullable}


# --- schemas -------------------------------------------------------------------------------------


class DepartmentOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    order: int
    is_active: bool


class DepartmentIn(Schema):
    code: str = Field(..., max_length=40)
    name: str = Field(..., max_length=100)
    name_en: str = Field("", max_length=200)
    order: int = Field(0, ge=0, le=32767)
    is_active: bool = True


class DepartmentPatch(Schema):
    code: str | None = Field(None, max_length=40)
    name: str | None = Field(None, max_length=100)
    name_en: str | None = Field(None, max_length=200)
    order: int | None = Field(None, ge=0, le=32767)
    is_active: bool | None = None


class DistrictOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    kind: str
    division_code: str
    order: int


class DistrictIn(Schema):
    code: str = Field(..., max_length=40)
    name: str = Field(..., max_length=100)
    name_en: str = Field("", max_length=200)
    kind: str
    division_code: str = Field("", max_length=6)
    order: int = Field(0, ge=0, le=32767)


class DistrictPatch(Schema):
    code: str | None = Field(None, max_length=40)
    name: str | None = Field(None, max_length=100)
    name_en: str | None = Field(None, max_length=200)
    kind: str | None = None
    division_code: str | None = Field(None, max_length=6)
    order: int | None = Field(None, ge=0, le=32767)


class CertificationOut(Schema):
    id: int
    entity_id: int
    kind: str
    level: str
    year: int
    source: str


class CertificationIn(Schema):
    kind: str
    level: str
    year: int = Field(..., ge=1990, le=2100)
    source: str = Field(..., min_length=1, max_length=300)


class EntityOut(Schema):
    id: int
    uscc: str
    name: str
    kind: str
    district_id: int | None
    district: str | None
    address: str
    contact_name: str
    contact_phone: str
    is_demo: bool

    @staticmethod
    def resolve_district(obj: Any) -> str | None:
        return obj.district.name if obj.district_id else None


class EntityDetailOut(EntityOut):
    certifications: list[CertificationOut]

    @staticmethod
    def resolve_certifications(obj: Any) -> list[Any]:
        return list(obj.certifications.all())


class EntityIn(Schema):
    uscc: str = Field(..., max_length=40)
    name: str = Field(..., min_length=1, max_length=200)
    kind: str
    district_id: int | None = None
    address: str = Field("", max_length=300)
    contact_name: str = Field("", max_length=100)
    contact_phone: str = Field("", max_length=40)


class EntityPatch(Schema):
    uscc: str | None = Field(None, max_length=40)
    name: str | None = Field(None, min_length=1, max_length=200)
    kind: str | None = None
    district_id: int | None = None
    address: str | None = Field(None, max_length=300)
    contact_name: str | None = Field(None, max_length=100)
    contact_phone: str | None = Field(None, max_length=40)


class ContactPatch(Schema):
    address: str | None = Field(None, max_length=300)
    contact_name: str | None = Field(None, max_length=100)
    contact_phone: str | None = Field(None, max_length=40)


# --- departments and districts -------------------------------------------------------------------


@router.get("/departments", response=list[DepartmentOut], auth=None)
def list_departments(request: HttpRequest) -> Any:
    return filtered_or_422(DepartmentFilter(request.GET, queryset=selectors.department_list()))


@router.get("/departments/{dept_id}", response=DepartmentOut, auth=None)
def get_department(request: HttpRequest, dept_id: int) -> Any:
    return get_object_or_404(selectors.department_list(), pk=_id(dept_id))


@router.post("/departments", response={201: DepartmentOut}, auth=API_AUTH)
def create_department(request: HttpRequest, payload: DepartmentIn) -> Any:
    actor = require_role(request, *STRUCTURE_WRITERS)
    return Status(201, services.department_create(actor=actor, **payload.dict()))


@router.patch("/departments/{dept_id}", response=DepartmentOut, auth=API_AUTH)
def update_department(request: HttpRequest, dept_id: int, payload: DepartmentPatch) -> Any:
    actor = require_role(request, *STRUCTURE_WRITERS)
    dept = get_object_or_404(Department, pk=_id(dept_id))
    return services.department_update(actor=actor, department=dept, **_patch_data(payload))


@router.get("/districts", response=list[DistrictOut], auth=None)
def list_districts(request: HttpRequest) -> Any:
    return filtered_or_422(DistrictFilter(request.GET, queryset=selectors.district_list()))


@router.get("/districts/{district_id}", response=DistrictOut, auth=None)
def get_district(request: HttpRequest, district_id: int) -> Any:
    return get_object_or_404(selectors.district_list(), pk=_id(district_id))


@router.post("/districts", response={201: DistrictOut}, auth=API_AUTH)
def create_district(request: HttpRequest, payload: DistrictIn) -> Any:
    actor = require_role(request, *STRUCTURE_WRITERS)
    _check_choice(payload.kind, DistrictKind, "kind")
    return Status(201, services.district_create(actor=actor, **payload.dict()))


@router.patch("/districts/{district_id}", response=DistrictOut, auth=API_AUTH)
def update_district(request: HttpRequest, district_id: int, payload: DistrictPatch) -> Any:
    actor = require_role(request, *STRUCTURE_WRITERS)
    _check_choice(payload.kind, DistrictKind, "kind")
    district = get_object_or_404(District, pk=_id(district_id))
    return services.district_update(actor=actor, district=district, **_patch_data(payload))


# --- entities --------------------------------------------------------------------------------------


def _entity_or_404(request: HttpRequest, entity_id: int) -> Any:
    entity = selectors.entity_get(user=request.user, pk=entity_id)
    if entity is None:
        raise NotFound(ErrorCode.NOT_FOUND, NOT_FOUND_MESSAGE)
    return entity


def _id(value: int) -> int:
    """An id that cannot exist (negative, or beyond BigAutoField) is a 404, not a database overflow."""
    if not 0 < value <= MAX_ID:
        raise NotFound(ErrorCode.NOT_FOUND, NOT_FOUND_MESSAGE)
    return value


def _district(district_id: int | None) -> District | None:
    if district_id is None:
        return None
    district = District.objects.filter(pk=district_id).first() if 0 < district_id <= MAX_ID else None
    if district is None:
        message = _("Unknown district.")
        raise Invalid(ErrorCode.UNKNOWN_DISTRICT, message, fields={"district_id": [message]})
    return district


@router.get("/entities", response=list[EntityOut], auth=API_AUTH)
@paginate(BoundedLimitOffsetPagination)
def list_entities(request: HttpRequest) -> Any:
    """Plan office, administrators, auditors, departments and finance see all; an applicant only its own."""
    require_role(request, *selectors.ENTITY_READ_ALL, Role.APPLICANT)
    return filtered_or_422(EntityFilter(request.GET, queryset=selectors.entity_list(user=request.user)))


@router.get("/entities/{entity_id}", response=EntityDetailOut, auth=API_AUTH)
def get_entity(request: HttpRequest, entity_id: int) -> Any:
    return _entity_or_404(request, entity_id)


@router.post("/entities", response={201: EntityDetailOut}, auth=API_AUTH)
def create_entity(request: HttpRequest, payload: EntityIn) -> Any:
    actor = require_role(request, *selectors.ENTITY_WRITE)
    _check_choice(payload.kind, EntityKind, "kind")
    data = payload.dict()
    data["district"] = _district(data.pop("district_id"))
    entity = services.entity_create(
        actor=actor, uscc=data.pop("uscc"), name=data.pop("name"), kind=data.pop("kind"), **data
    )
    return Status(201, entity)


@router.patch("/entities/{entity_id}", response=EntityDetailOut, auth=API_AUTH)
def update_entity(request: HttpRequest, entity_id: int, payload: EntityPatch) -> Any:
    actor = require_role(request, *selectors.ENTITY_WRITE)
    entity = _entity_or_404(request, entity_id)
    _check_choice(payload.kind, EntityKind, "kind")
    data = _patch_data(payload, nullable=("district_id",))
    if "district_id" in data:
        data["district"] = _district(data.pop("district_id"))
    return services.entity_update(actor=actor, entity=entity, **data)


@router.patch("/entities/{entity_id}/contact", response=EntityDetailOut, auth=API_AUTH)
def update_entity_contact(request: HttpRequest, entity_id: int, payload: ContactPatch) -> Any:
    """An applicant edits its own entity's address and contact; plan office and administrators any entity's."""
    actor = require_role(request, *selectors.ENTITY_WRITE, Role.APPLICANT)
    entity = _entity_or_404(request, entity_id)
    data = _patch_data(payload)
    return services.entity_update_contact(actor=actor, entity=entity, **data)


@router.get("/entities/{entity_id}/certifications", response=list[CertificationOut], auth=API_AUTH)
def list_certifications(request: HttpRequest, entity_id: int) -> Any:
    entity = _entity_or_404(request, entity_id)
    return selectors.certification_list(user=request.user, entity=entity)


@router.post("/entities/{entity_id}/certifications", response={201: CertificationOut}, auth=API_AUTH)
def add_certification(request: HttpRequest, entity_id: int, payload: CertificationIn) -> Any:
    actor = require_role(request, *selectors.ENTITY_WRITE)
    entity = _entity_or_404(request, entity_id)
    _check_choice(payload.kind, CertificationKind, "kind")
    _check_choice(payload.level, CertificationLevel, "level")
    return Status(201, services.certification_add(actor=actor, entity=entity, **payload.dict()))


@router.delete("/entities/{entity_id}/certifications/{cert_id}", response={204: None}, auth=API_AUTH)
def remove_certification(request: HttpRequest, entity_id: int, cert_id: int) -> Any:
    actor = require_role(request, *selectors.ENTITY_WRITE)
    entity = _entity_or_404(request, entity_id)
    cert = Certification.objects.filter(pk=_id(cert_id), entity=entity).first()
    if cert is None:
        raise NotFound(ErrorCode.NOT_FOUND, NOT_FOUND_MESSAGE)
    services.certification_remove(actor=actor, certification=cert)
    return Status(204, None)
