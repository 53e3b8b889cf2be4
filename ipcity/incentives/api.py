"""/api/incentives: the public, read-only calculator and catalogue (no login needed).

Bodies are parsed here rather than by pydantic so that every bad field gets its own bilingual message
in the 422 shape of config/api.py (plus message_zh / message_en), and nothing a user types gives a 500.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.translation import get_language
from ninja import Field, Router, Schema

from ipcity.core.api_auth import PUBLIC_WRITE

from .catalogue import (
    calculate_payload,
    error_detail,
    get_catalogue,
    not_found,
    read_batch_upload,
    simulate_payload,
)
from .engine.errors import fact_error

router = Router(tags=["incentives"])


# -- response schemas: the JSON the engine answers (ipcity.incentives.engine: to_dict), amounts as strings --


class ClauseOut(Schema):
    clause: str
    text_zh: str


class InForceOut(Schema):
    from_: str = Field(alias="from")
    until: str


class SubjectOut(Schema):
    label_zh: str
    label_en: str


class ChoiceOut(Schema):
    value: str
    label_zh: str
    label_en: str


class FactOut(Schema):
    name: str
    type: str
    required: bool
    default: str | bool | int | None
    label_zh: str
    label_en: str
    help_zh: str
    help_en: str
    choices: list[ChoiceOut] | None = None  # only for a choice fact
    item_facts: list[FactOut] | None = None  # only for a fact of type "items"


class ConditionOut(Schema):
    fact: str
    reason: str
    clause: str
    text_zh: str
    text_en: str


class ParameterValueOut(Schema):
    from_: str = Field(alias="from")
    until: str | None
    value: str | None


class ParameterOut(Schema):
    name: str
    unit: str
    reference: str
    label_zh: str
    label_en: str
    decision_zh: str
    decision_en: str
    values: list[ParameterValueOut]


class SchemeDecisionOut(Schema):
    clauses: str
    zh: str
    en: str


class ParametersOnOut(Schema):
    date: str
    values: dict[str, str | None]


class SchemeOut(Schema):
    id: str
    title_zh: str
    title_en: str
    clause: str
    clauses: list[ClauseOut]
    summary_zh: str
    summary_en: str
    who_zh: str
    who_en: str
    how_much_zh: str
    how_much_en: str
    in_force: InForceOut
    subject: SubjectOut
    per_item: bool
    annual_cap_per_entity: bool
    yearly_quota: bool
    facts: list[FactOut]
    conditions: list[ConditionOut]
    parameters: list[ParameterOut]
    decisions: list[SchemeDecisionOut]
    parameters_on: ParametersOnOut | None = None  # the values in force on the reference date


class SchemeListOut(Schema):
    count: int
    schemes: list[SchemeOut]


class ReasonMessageOut(Schema):
    code: str
    message_zh: str
    message_en: str


class TraceStepOut(Schema):
    step: str
    clause: str
    formula: str
    formula_zh: str
    formula_en: str
    value: str


class CalculationOut(Schema):
    scheme: str
    date: str
    eligible: bool
    amount: str
    currency: str
    reasons: list[str]
    reason_messages: list[ReasonMessageOut]
    binding_cap: str | None
    trace: list[TraceStepOut]
    parameters: dict[str, str | None]


class ReformOut(Schema):
    scheme: str
    parameter: str
    value: str | None
    from_: str | None = Field(alias="from")
    until: str | None


class SimulationTotalOut(Schema):
    baseline: str
    reform: str
    difference: str
    eligible_baseline: int
    eligible_reform: int


class SimulationSchemeOut(Schema):
    applications: int
    eligible_baseline: int
    eligible_reform: int
    baseline: str
    reform: str
    difference: str


class ChangedRowOut(Schema):
    row: int
    id: Any
    scheme: str
    baseline: str
    reform: str


class RowErrorsOut(Schema):
    row: int
    errors: list[dict[str, Any]]


class SimulationOut(Schema):
    applications: int
    evaluated: int
    reform: list[ReformOut]
    currency: str
    total: SimulationTotalOut
    per_scheme: dict[str, SimulationSchemeOut]
    changed: list[ChangedRowOut]
    errors: list[RowErrorsOut]
    error_count: int


MAX_UPLOAD_BYTES = 20 * 1024 * 1024

CALCULATE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["scheme", "date"],
                    "properties": {
                        "scheme": {"type": "string", "example": "madrid_trademark"},
                        "date": {"type": "string", "format": "date", "example": "2023-06-30"},
                        "facts": {"type": "object", "example": {"items": [{"requested_amount": "25000"}]}},
                        "overrides": {"type": "object", "example": {"cap_per_item": "30000"}},
                        "trace": {"type": "boolean", "default": True},
                    },
                }
            }
        },
    }
}

SIMULATE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "applications": {"type": "array", "items": {"type": "object"}},
                        "reform": {
                            "type": "array",
                            "items": {"type": "object"},
                            "example": [
                                {"scheme": "madrid_trademark", "parameter": "cap_per_item", "value": "30000"}
                            ],
                        },
                    },
                }
            },
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "reform": {"type": "string", "description": "JSON list of changes"},
                    },
                }
            },
        },
    }
}


def _language(request: HttpRequest) -> str:
    return get_language() or "zh-hans"


def _json(status: int, body: dict[str, Any]) -> JsonResponse:
    """The body as built (unescaped Chinese); its schema is the operation's `response` (checked by
    ipcity/core/tests/test_openapi_complete.py)."""
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _body(request: HttpRequest) -> tuple[Any, JsonResponse | None]:
    try:
        return json.loads(request.body or b"null"), None
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None, _json(
            422,
            error_detail(
                [fact_error("body", "invalid_json", "请求体不是有效的 JSON", "the body is not valid JSON")],
                _language(request),
            ),
        )


@router.get(
    "/schemes",
    response=SchemeListOut,
    by_alias=True,
    auth=None,
    summary="All incentive schemes with their clauses and dated parameters",
)
def schemes_list(request: HttpRequest) -> JsonResponse:
    today = timezone.localdate()
    schemes = [s.to_dict(s.reference_date(today)) for s in get_catalogue().schemes.values()]
    return _json(200, {"count": len(schemes), "schemes": schemes})


@router.get(
    "/schemes/{scheme_id}",
    response=SchemeOut,
    by_alias=True,
    auth=None,
    summary="One scheme: facts, conditions, parameters, clause text",
)
def schemes_detail(request: HttpRequest, scheme_id: str) -> JsonResponse:
    catalogue = get_catalogue()
    if scheme_id not in catalogue.schemes:
        return _json(404, not_found(scheme_id))
    raw_on = request.GET.get("date")
    on = catalogue.schemes[scheme_id].reference_date(timezone.localdate())
    if raw_on:
        try:
            on = dt.date.fromisoformat(raw_on)
        except ValueError:
            return _json(
                422,
                error_detail(
                    [
                        fact_error(
                            "date", "not_a_date", "须为日期，格式 YYYY-MM-DD", "must be a date YYYY-MM-DD"
                        )
                    ],
                    _language(request),
                ),
            )
    return _json(200, catalogue.schemes[scheme_id].to_dict(on))


@router.post(
    "/calculate",
    response=CalculationOut,
    auth=PUBLIC_WRITE,
    summary="Compute an incentive with its explained trace",
    openapi_extra=CALCULATE_BODY,
)
def calculate(request: HttpRequest) -> JsonResponse:
    payload, error = _body(request)
    if error is not None:
        return error
    status, body = calculate_payload(payload, _language(request))
    return _json(status, body)


@router.post(
    "/simulate",
    response=SimulationOut,
    by_alias=True,
    auth=PUBLIC_WRITE,
    summary="Simulate a batch under the current rules and a reform",
    openapi_extra=SIMULATE_BODY,
)
def simulate(request: HttpRequest) -> JsonResponse:
    language = _language(request)
    if request.content_type == "multipart/form-data":
        upload = request.FILES.get("file")
        if upload is None:
            return _json(
                422, error_detail([fact_error("file", "missing", "请上传文件", "upload a file")], language)
            )
        if upload.size is None or upload.size > MAX_UPLOAD_BYTES:
            return _json(
                422,
                error_detail(
                    [
                        fact_error(
                            "file", "too_large", "文件过大（上限 20MB）", "the file is too large (20 MB max)"
                        )
                    ],
                    language,
                ),
            )
        applications, problem = read_batch_upload(upload.read(), upload.name or "", language)
        if applications is None:
            return _json(422, problem)
        raw_reform = request.POST.get("reform") or "[]"
        try:
            reform = json.loads(raw_reform)
        except (ValueError, RecursionError):
            return _json(
                422,
                error_detail(
                    [
                        fact_error(
                            "reform", "invalid_json", "改动须为 JSON 列表", "reform must be a JSON list"
                        )
                    ],
                    language,
                ),
            )
    else:
        payload, error = _body(request)
        if error is not None:
            return error
        if not isinstance(payload, dict):
            return _json(
                422,
                error_detail(
                    [
                        fact_error(
                            "body", "not_an_object", "请求体须为 JSON 对象", "the body must be a JSON object"
                        )
                    ],
                    language,
                ),
            )
        applications, reform = payload.get("applications"), payload.get("reform")
    status, body = simulate_payload(applications, reform, language)
    return _json(status, body)
