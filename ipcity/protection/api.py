"""/api/protection: the public credit register; the plan office records and ends punishments."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from ipcity.accounts.api_auth import API_AUTH
from ipcity.core.api_auth import require_role
from ipcity.orgs.models import Entity

from . import selectors, services
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


def _errors(exc: ValidationError) -> HttpResponse:
    detail = [
        {"field": field, "message": str(message), "type": "invalid"}
        for field, messages in exc.message_dict.items()
        for message in messages
    ]
    return JsonResponse({"detail": detail}, status=422)


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
        return JsonResponse(
            {
                "detail": [
                    {"field": "entity_uscc", "message": "Unknown entity. / 未找到该主体。", "type": "invalid"}
                ]
            },
            status=422,
        )
    try:
        record = services.credit_record_create(
            actor=request.user, entity=entity, **payload.dict(exclude={"entity_uscc"})
        )
    except PermissionDenied:
        return JsonResponse({"detail": "not allowed"}, status=403)
    except ValidationError as exc:
        return _errors(exc)
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
    try:
        record = services.credit_record_end(actor=request.user, record=record, period_end=payload.period_end)
    except ValidationError as exc:
        return _errors(exc)
    return record_out(record)
