"""/api/protection: the public credit register; the plan office records and ends punishments."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema

from ipcity.accounts.api_auth import API_AUTH
from ipcity.core.api_auth import require_role
from ipcity.core.errors import Invalid
from ipcity.orgs.models import Entity

from . import selectors, services
from .choices import ErrorCode
from .models import CreditRecord

router = Router(tags=["protection"])


class CreditRecordIn(Schema):
    entity_uscc: str
    behaviour: str
    measure: str
    period_start: dt.date
    period_end: dt.date | None = None
    source_document: str


class EndIn(Schema):
    period_end: dt.date


class CreditRecordOut(Schema):
    id: int
    entity: str
    uscc: str
    behaviour: str
    measure: str
    period_start: str  # ISO date
    period_end: str | None
    source_document: str
    is_demo: bool


class CreditRecordListOut(Schema):
    items: list[CreditRecordOut]


def record_out(record: CreditRecord) -> dict[str, Any]:
    return {
        "id": record.pk,
        "entity": record.entity.name,
        "uscc": record.entity.uscc,
        "behaviour": record.behaviour,
        "measure": record.measure,
        "period_start": record.period_start.isoformat(),
        "period_end": record.period_end.isoformat() if record.period_end else None,
        "source_document": record.source_document,
        "is_demo": record.is_demo,
    }


@router.get(
    "/credit-records", response=CreditRecordListOut, auth=None, summary="The credit register (public)"
)
def list_records(request: HttpRequest, in_force_on: dt.date | None = None) -> Any:
    qs = selectors.credit_record_list(user=request.user)
    if in_force_on:
        qs = qs & selectors.credit_records_in_force(on=in_force_on)
    return {"items": [record_out(r) for r in qs[:1000]]}


@router.post(
    "/credit-records",
    response={201: CreditRecordOut},
    auth=API_AUTH,
    summary="Record a credit punishment (plan office)",
)
def create_record(request: HttpRequest, payload: CreditRecordIn) -> Any:
    require_role(request, "plan_office")
    entity = Entity.objects.filter(uscc=payload.entity_uscc.strip().upper()).first()
    if entity is None:
        message = _("Unknown entity.")
        raise Invalid(ErrorCode.UNKNOWN_ENTITY, message, fields={"entity_uscc": [message]})
    record = services.credit_record_create(
        actor=request.user, entity=entity, **payload.dict(exclude={"entity_uscc"})
    )
    return record_out(record)


@router.post(
    "/credit-records/{record_id}/end",
    response=CreditRecordOut,
    auth=API_AUTH,
    summary="End a punishment (plan office)",
)
def end_record(request: HttpRequest, record_id: int, payload: EndIn) -> Any:
    require_role(request, "plan_office")
    record = get_object_or_404(CreditRecord, pk=record_id)
    record = services.credit_record_end(actor=request.user, record=record, period_end=payload.period_end)
    return record_out(record)
