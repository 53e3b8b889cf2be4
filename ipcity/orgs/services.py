"""Writes for departments, districts, entities and certifications. Each runs in one transaction,
validates with full_clean() and appends its audit record (STYLE rules 1 and 4)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ipcity.core.audit import audit_record, snapshot
from ipcity.core.identifiers import uscc as uscc_id

from .choices import AuditAction
from .models import Certification, Department, District, Entity

ENTITY_FIELDS = ("name", "kind", "district", "address", "contact_name", "contact_phone")
CONTACT_FIELDS = ("address", "contact_name", "contact_phone")
DEPARTMENT_FIELDS = ("code", "name", "name_en", "order", "is_active")
DISTRICT_FIELDS = ("code", "name", "name_en", "kind", "division_code", "order")


def normalise_uscc(value: str) -> str:
    """Normalised code, or ValidationError on field `uscc` with a translated reason."""
    from .models import validate_uscc

    code = uscc_id.normalise(value or "")
    try:
        validate_uscc(code)
    except ValidationError as exc:
        raise ValidationError({"uscc": exc.messages}) from exc
    return code


def _apply(instance: Any, fields: tuple[str, ...], data: dict[str, Any]) -> None:
    unknown = set(data) - set(fields)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    for name, value in data.items():
        setattr(instance, name, value)


@transaction.atomic
def entity_create(*, actor: Any, uscc: str, name: str, kind: str, **data: Any) -> Entity:
    code = normalise_uscc(uscc)
    if Entity.objects.filter(uscc=code).exists():
        raise ValidationError({"uscc": _("An entity with this unified social credit code already exists.")})
    entity = Entity(uscc=code, name=(name or "").strip(), kind=kind)
    _apply(entity, ENTITY_FIELDS + ("is_demo",), data)
    entity.full_clean()
    entity.save()
    audit_record(actor=actor, action=AuditAction.ENTITY_CREATE, obj=entity, after=snapshot(entity))
    return entity


@transaction.atomic
def entity_update(*, actor: Any, entity: Entity, uscc: str | None = None, **data: Any) -> Entity:
    entity = Entity.objects.select_for_update().get(pk=entity.pk)
    before = snapshot(entity)
    if uscc is not None:
        code = normalise_uscc(uscc)
        if Entity.objects.filter(uscc=code).exclude(pk=entity.pk).exists():
            raise ValidationError(
                {"uscc": _("An entity with this unified social credit code already exists.")}
            )
        entity.uscc = code
    _apply(entity, ENTITY_FIELDS, data)
    entity.full_clean()
    entity.save()
    after = snapshot(entity)
    if after != before:
        audit_record(actor=actor, action=AuditAction.ENTITY_UPDATE, obj=entity, before=before, after=after)
    return entity


@transaction.atomic
def entity_update_contact(*, actor: Any, entity: Entity, **data: Any) -> Entity:
    """What an applicant may change about its own entity: address and contact person/phone."""
    entity = Entity.objects.select_for_update().get(pk=entity.pk)
    before = snapshot(entity, list(CONTACT_FIELDS))
    _apply(entity, CONTACT_FIELDS, data)
    entity.full_clean()
    entity.save()
    after = snapshot(entity, list(CONTACT_FIELDS))
    if after != before:
        audit_record(
            actor=actor, action=AuditAction.ENTITY_UPDATE_CONTACT, obj=entity, before=before, after=after
        )
    return entity


@transaction.atomic
def certification_add(
    *, actor: Any, entity: Entity, kind: str, level: str, year: int, source: str
) -> Certification:
    cert = Certification(entity=entity, kind=kind, level=level, year=year, source=(source or "").strip())
    cert.full_clean()
    cert.save()
    audit_record(actor=actor, action=AuditAction.CERTIFICATION_ADD, obj=cert, after=snapshot(cert))
    return cert


@transaction.atomic
def certification_remove(*, actor: Any, certification: Certification) -> None:
    before = snapshot(certification)
    repr_ = str(certification)
    pk = certification.pk
    certification.delete()
    audit_record(
        actor=actor,
        action=AuditAction.CERTIFICATION_REMOVE,
        object_type="orgs.certification",
        object_id=pk,
        object_repr=repr_,
        before=before,
    )


@transaction.atomic
def department_create(*, actor: Any, code: str, name: str, **data: Any) -> Department:
    dept = Department(code=code, name=name)
    _apply(dept, DEPARTMENT_FIELDS, data)
    dept.full_clean()
    dept.save()
    audit_record(actor=actor, action=AuditAction.DEPARTMENT_CREATE, obj=dept, after=snapshot(dept))
    return dept


@transaction.atomic
def department_update(*, actor: Any, department: Department, **data: Any) -> Department:
    dept = Department.objects.select_for_update().get(pk=department.pk)
    before = snapshot(dept)
    _apply(dept, DEPARTMENT_FIELDS, data)
    dept.full_clean()
    dept.save()
    audit_record(
        actor=actor, action=AuditAction.DEPARTMENT_UPDATE, obj=dept, before=before, after=snapshot(dept)
    )
    return dept


@transaction.atomic
def district_create(*, actor: Any, code: str, name: str, kind: str, **data: Any) -> District:
    district = District(code=code, name=name, kind=kind)
    _apply(district, DISTRICT_FIELDS, data)
    district.full_clean()
    district.save()
    audit_record(actor=actor, action=AuditAction.DISTRICT_CREATE, obj=district, after=snapshot(district))
    return district


@transaction.atomic
def district_update(*, actor: Any, district: District, **data: Any) -> District:
    row = District.objects.select_for_update().get(pk=district.pk)
    before = snapshot(row)
    _apply(row, DISTRICT_FIELDS, data)
    row.full_clean()
    row.save()
    audit_record(actor=actor, action=AuditAction.DISTRICT_UPDATE, obj=row, before=before, after=snapshot(row))
    return row
