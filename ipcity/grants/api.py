"""/api/grants: calls, applications, review actions, announcements, objections, payments, ledger.

Same permissions as the pages: every read goes through a selector that takes the user, every write
through a service. A service's refusal (ipcity.core.errors) is answered by config/api.py: 403 (role /
relation), 404, 409 (state, limits) with a machine `code` and a human `detail`; bad fields as 422.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from ipcity.accounts.api_auth import API_AUTH
from ipcity.core.api_auth import PUBLIC_WRITE
from ipcity.core.downloads import stored_file_response
from ipcity.core.errors import NOT_ALLOWED_MESSAGE, NOT_FOUND_MESSAGE, Invalid, NotAllowed, NotFound
from ipcity.core.money import InvalidMoney, parse_money
from ipcity.core.throttle import limit_for, throttle_hit, throttled_api
from ipcity.orgs.models import Department

from . import engine, selectors, services
from .choices import APPLICATION_WORKFLOW, Action, ErrorCode
from .filters import ApplicationFilter, CallFilter
from .models import Application, Call, Objection

router = Router(tags=["grants"])


# -- schemas -------------------------------------------------------------------------------------


class CallIn(Schema):
    title: str
    title_en: str = ""
    year: int
    schemes: list[str]
    opens_at: dt.datetime
    closes_at: dt.datetime
    budget: str
    reviewing_departments: list[str]  # department codes
    required_attachments: list[dict[str, str]] = []
    rules_zh: str = ""
    rules_en: str = ""
    budget_line: str = ""
    announcement_days: int = 5


class ApplicationIn(Schema):
    call: int
    scheme_id: str
    subject_ref: str
    entitlement_date: dt.date
    facts: dict[str, Any] = {}
    title: str = ""


class ApplicationPatch(Schema):
    subject_ref: str | None = None
    entitlement_date: dt.date | None = None
    facts: dict[str, Any] | None = None
    title: str | None = None


class ActionIn(Schema):
    message: str = ""
    reason: str = ""
    answer: str = ""
    amount: str | None = None
    starts_on: dt.date | None = None


class PaymentIn(Schema):
    paid_on: dt.date
    amount: str
    voucher: str


class ObjectionIn(Schema):
    name: str
    contact: str
    text: str


class ResolveIn(Schema):
    uphold: bool
    resolution: str


class PreviewIn(Schema):
    scheme_id: str
    entitlement_date: dt.date
    facts: dict[str, Any] = {}


# -- response schemas (the JSON each operation answers; money as strings, dates as ISO strings) ----


class SchemeRefOut(Schema):
    id: str
    title_zh: str
    title_en: str


class CallOut(Schema):
    id: int
    title: str
    title_en: str
    year: int
    schemes: list[SchemeRefOut]
    opens_at: str
    closes_at: str
    status: str
    rules_zh: str
    rules_en: str
    required_attachments: list[dict[str, Any]]
    reviewing_departments: list[str]
    budget: str | None
    committed: str | None
    paid: str | None
    remaining: str | None
    budget_line: str
    budget_confirmed: bool
    announcement_days: int
    is_demo: bool


class CallListOut(Schema):
    items: list[CallOut]


class AnnouncedOut(Schema):
    announced: list[int]


class ReasonMessageOut(Schema):
    code: str
    message_zh: str
    message_en: str


class PreviewOut(Schema):
    """The engine's result (ipcity.incentives: Result.to_dict) for facts not yet saved."""

    scheme: str
    date: str
    eligible: bool
    amount: str | None
    currency: str
    reasons: list[str]
    reason_messages: list[ReasonMessageOut]
    binding_cap: str | None
    trace: list[dict[str, Any]]
    parameters: dict[str, str | None]


class EntityRefOut(Schema):
    id: int
    name: str
    uscc: str


class AttachmentOut(Schema):
    id: int
    code: str
    name: str


class ObjectionBriefOut(Schema):
    id: int
    status: str
    text: str
    resolution: str


class PaymentBriefOut(Schema):
    paid_on: str
    amount: str | None
    voucher: str


class ApplicationOut(Schema):
    id: int
    call: int
    entity: EntityRefOut
    scheme_id: str
    subject_ref: str
    title: str
    entitlement_date: str
    status: str
    status_display: str
    computed_amount: str | None
    proposed_amount: str | None
    approved_amount: str | None
    paused: bool
    announced_from: str | None
    announced_until: str | None
    submitted_at: str | None
    is_demo: bool


class ApplicationDetailOut(ApplicationOut):
    facts: dict[str, Any]
    computation: dict[str, Any]
    change_request: str
    change_answer: str
    reduction_reason: str
    decision_reason: str
    content_reviewer: str | None
    amount_confirmed_by: str | None
    attachments: list[AttachmentOut]
    objections: list[ObjectionBriefOut]
    payment: PaymentBriefOut | None


class ApplicationPageOut(Schema):
    count: int
    items: list[ApplicationOut]


class ConflictOut(Schema):
    id: int
    application: int
    excluded: bool


class PaymentOut(Schema):
    id: int
    application: int
    paid_on: str
    amount: str | None
    voucher: str


class PublicAwardOut(Schema):
    id: int
    entity: str
    district: str | None
    scheme_id: str
    scheme_title_zh: str
    scheme_title_en: str
    amount: str | None
    status: str
    announced_from: str | None
    announced_until: str | None
    paused: bool
    is_demo: bool


class PublicAwardPageOut(Schema):
    count: int
    items: list[PublicAwardOut]


class SchemeTotalOut(Schema):
    scheme_id: str
    count: int
    amount: str | None


class DistrictTotalOut(Schema):
    entity__district__name: str | None
    count: int
    amount: str | None


class TotalsOut(Schema):
    per_scheme: list[SchemeTotalOut]
    per_district: list[DistrictTotalOut]


class ObjectionOut(Schema):
    id: int
    application: int
    status: str


class ResolutionOut(Schema):
    id: int
    status: str
    application_status: str


class LedgerRowOut(Schema):
    entity: str
    scheme_id: str
    year: int
    granted: str | None
    awards: int
    paid: str | None


class LedgerOut(Schema):
    items: list[LedgerRowOut]


class BudgetRowOut(Schema):
    call: int
    title: str
    budget: str | None
    committed: str | None
    paid: str | None
    remaining: str | None


class BudgetOut(Schema):
    items: list[BudgetRowOut]


BINARY = {"type": "string", "format": "binary"}
DOWNLOAD = {
    "responses": {
        200: {
            "description": "The stored file, as uploaded (PDF, PNG, JPEG, XLSX, DOCX). / 附件原文件。",
            "content": {
                t: {"schema": BINARY}
                for t in (
                    "application/pdf",
                    "image/png",
                    "image/jpeg",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    "application/octet-stream",
                )
            },
        }
    }
}


# -- helpers -------------------------------------------------------------------------------------


def _money(value: Any, field: str) -> Decimal:
    try:
        return parse_money(value)
    except InvalidMoney:
        message = _("Enter an amount in yuan with at most 2 decimal places.")
        raise Invalid(ErrorCode.INVALID, message, fields={field: [message]}) from None


def _d(value: Decimal | None) -> str | None:
    return None if value is None else format(Decimal(value).quantize(Decimal("0.01")), "f")


def call_out(call: Call) -> dict[str, Any]:
    return {
        "id": call.pk,
        "title": call.title,
        "title_en": call.title_en,
        "year": call.year,
        "schemes": [
            {"id": s, "title_zh": engine.scheme_title(s), "title_en": engine.scheme_title(s, "en")}
            for s in call.schemes
        ],
        "opens_at": call.opens_at.isoformat(),
        "closes_at": call.closes_at.isoformat(),
        "status": call.status,
        "rules_zh": call.rules_zh,
        "rules_en": call.rules_en,
        "required_attachments": call.required_attachments,
        "reviewing_departments": [d.name for d in call.reviewing_departments.all()],
        "budget": _d(call.budget),
        "committed": _d(call.committed),
        "paid": _d(call.paid_total),
        "remaining": _d(call.remaining),
        "budget_line": call.budget_line,
        "budget_confirmed": call.budget_confirmed_at is not None,
        "announcement_days": call.announcement_days,
        "is_demo": call.is_demo,
    }


def application_out(app: Application, *, full: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": app.pk,
        "call": app.call_id,
        "entity": {"id": app.entity_id, "name": app.entity.name, "uscc": app.entity.uscc},
        "scheme_id": app.scheme_id,
        "subject_ref": app.subject_ref,
        "title": app.title,
        "entitlement_date": app.entitlement_date.isoformat(),
        "status": app.status,
        "status_display": str(app.get_status_display()),
        "computed_amount": _d(app.computed_amount),
        "proposed_amount": _d(app.proposed_amount),
        "approved_amount": _d(app.approved_amount),
        "paused": app.paused,
        "announced_from": app.announced_from.isoformat() if app.announced_from else None,
        "announced_until": app.announced_until.isoformat() if app.announced_until else None,
        "submitted_at": app.submitted_at.isoformat() if app.submitted_at else None,
        "is_demo": app.is_demo,
    }
    if full:
        data.update(
            {
                "facts": app.facts,
                "computation": app.computed_trace,
                "change_request": app.change_request,
                "change_answer": app.change_answer,
                "reduction_reason": app.reduction_reason,
                "decision_reason": app.decision_reason,
                "content_reviewer": str(app.content_reviewer) if app.content_reviewer else None,
                "amount_confirmed_by": str(app.amount_confirmed_by) if app.amount_confirmed_by else None,
                "attachments": [
                    {"id": a.pk, "code": a.code, "name": a.original_name} for a in app.attachments.all()
                ],
                "objections": [
                    {"id": o.pk, "status": o.status, "text": o.text, "resolution": o.resolution}
                    for o in app.objections.all()
                ],
                "payment": (
                    {
                        "paid_on": app.payment.paid_on.isoformat(),
                        "amount": _d(app.payment.amount),
                        "voucher": app.payment.voucher,
                    }
                    if hasattr(app, "payment")
                    else None
                ),
            }
        )
    return data


def public_award_out(app: Application) -> dict[str, Any]:
    return {
        "id": app.pk,
        "entity": app.entity.name,
        "district": app.entity.district.name if app.entity.district else None,
        "scheme_id": app.scheme_id,
        "scheme_title_zh": engine.scheme_title(app.scheme_id),
        "scheme_title_en": engine.scheme_title(app.scheme_id, "en"),
        "amount": _d(app.approved_amount),
        "status": app.status,
        "announced_from": app.announced_from.isoformat() if app.announced_from else None,
        "announced_until": app.announced_until.isoformat() if app.announced_until else None,
        "paused": app.paused,
        "is_demo": app.is_demo,
    }


def _page(qs: Any, limit: int, offset: int) -> tuple[int, list[Any]]:
    limit = max(1, min(limit, 200))
    offset = max(0, offset)
    total = qs.count()
    if offset >= total:  # also keeps an offset beyond a 64-bit integer away from the database (a 500)
        return total, []
    return total, list(qs[offset : offset + limit])


# -- calls ---------------------------------------------------------------------------------------


@router.get(
    "/calls", response=CallListOut, auth=None, summary="Calls for applications (public: published ones)"
)
def list_calls(request: HttpRequest, status: str = "", year: int | None = None) -> Any:
    params = {k: v for k, v in {"status": status, "year": year}.items() if v not in ("", None)}
    qs = CallFilter(params, queryset=selectors.call_list(user=request.user)).qs
    return {"items": [call_out(c) for c in qs]}


@router.get("/calls/{call_id}", response=CallOut, auth=None, summary="One call")
def get_call(request: HttpRequest, call_id: int) -> Any:
    return call_out(selectors.call_get(user=request.user, pk=call_id))


@router.post("/calls", response={201: CallOut}, auth=API_AUTH, summary="Open a call (plan office)")
def create_call(request: HttpRequest, payload: CallIn) -> Any:
    def do() -> Call:
        budget = _money(payload.budget, "budget")
        depts = list(Department.objects.filter(code__in=payload.reviewing_departments))
        if len(depts) != len(set(payload.reviewing_departments)):
            message = _("Unknown department code.")
            raise Invalid(ErrorCode.INVALID, message, fields={"reviewing_departments": [message]})
        return services.call_create(
            actor=request.user,
            budget=budget,
            reviewing_departments=depts,
            **payload.dict(exclude={"budget", "reviewing_departments"}),
        )

    return call_out(do())


@router.post(
    "/calls/{call_id}/confirm-budget",
    response=CallOut,
    auth=API_AUTH,
    summary="Confirm the budget line (finance)",
)
def confirm_budget(request: HttpRequest, call_id: int, payload: ActionIn) -> Any:
    call = selectors.call_get(user=request.user, pk=call_id)
    return call_out(services.call_confirm_budget(actor=request.user, call=call, budget_line=payload.reason))


@router.post(
    "/calls/{call_id}/publish", response=CallOut, auth=API_AUTH, summary="Publish a call (plan office)"
)
def publish_call(request: HttpRequest, call_id: int) -> Any:
    call = selectors.call_get(user=request.user, pk=call_id)
    return call_out(services.call_publish(actor=request.user, call=call))


@router.post("/calls/{call_id}/close", response=CallOut, auth=API_AUTH, summary="Close a call (plan office)")
def close_call(request: HttpRequest, call_id: int) -> Any:
    call = selectors.call_get(user=request.user, pk=call_id)
    return call_out(services.call_close(actor=request.user, call=call))


@router.post(
    "/calls/{call_id}/announce",
    response=AnnouncedOut,
    auth=API_AUTH,
    summary="Announce every approved award of a call",
)
def announce_call(request: HttpRequest, call_id: int, payload: ActionIn) -> Any:
    call = selectors.call_get(user=request.user, pk=call_id)
    apps = services.call_announce_approved(actor=request.user, call=call, starts_on=payload.starts_on)
    return {"announced": [a.pk for a in apps]}


# -- applications --------------------------------------------------------------------------------


@router.post(
    "/preview",
    response=PreviewOut,
    auth=API_AUTH,
    summary="Provisional amount with its trace, without saving",
)
def preview(request: HttpRequest, payload: PreviewIn) -> Any:
    user: Any = request.user

    def do() -> dict[str, Any]:
        if getattr(user, "role", "") != "applicant":
            raise NotAllowed(ErrorCode.ROLE, NOT_ALLOWED_MESSAGE)
        return services.application_preview(
            entity=user.entity,
            scheme_id=payload.scheme_id,
            entitlement_date=payload.entitlement_date,
            facts=payload.facts,
            year=payload.entitlement_date.year,
        )

    return do()


@router.get(
    "/applications",
    response=ApplicationPageOut,
    auth=API_AUTH,
    summary="Applications the user may see (filters: call, status, scheme_id, year, q)",
)
def list_applications(
    request: HttpRequest,
    call: int | None = None,
    status: str = "",
    scheme_id: str = "",
    year: int | None = None,
    q: str = "",
    limit: int = 50,
    offset: int = 0,
) -> Any:
    params = {
        k: v
        for k, v in {"call": call, "status": status, "scheme_id": scheme_id, "year": year, "q": q}.items()
        if v not in ("", None)
    }
    filt = ApplicationFilter(params, queryset=selectors.application_list(user=request.user))
    if not filt.is_valid():
        fields = {name: [str(errors[0])] for name, errors in filt.errors.items()}
        raise Invalid(ErrorCode.INVALID, " ".join(m for ms in fields.values() for m in ms), fields=fields)
    total, rows = _page(filt.qs, limit, offset)
    return {"count": total, "items": [application_out(a) for a in rows]}


@router.get("/queue", response=ApplicationPageOut, auth=API_AUTH, summary="What waits for the user's action")
def queue(request: HttpRequest, limit: int = 50, offset: int = 0) -> Any:
    total, rows = _page(selectors.review_queue(user=request.user), limit, offset)
    return {"count": total, "items": [application_out(a) for a in rows]}


@router.get(
    "/applications/{app_id}",
    response=ApplicationDetailOut,
    auth=API_AUTH,
    summary="One application with its computation",
)
def get_application(request: HttpRequest, app_id: int) -> Any:
    return application_out(selectors.application_get(user=request.user, pk=app_id), full=True)


@router.post(
    "/applications", response={201: ApplicationDetailOut}, auth=API_AUTH, summary="Create a draft (applicant)"
)
def create_application(request: HttpRequest, payload: ApplicationIn) -> Any:
    call = selectors.call_get(user=request.user, pk=payload.call)
    a = services.application_create(actor=request.user, call=call, **payload.dict(exclude={"call"}))
    return application_out(a, full=True)


@router.patch(
    "/applications/{app_id}",
    response=ApplicationDetailOut,
    auth=API_AUTH,
    summary="Edit a draft or answer changes (applicant)",
)
def update_application(request: HttpRequest, app_id: int, payload: ApplicationPatch) -> Any:
    app = selectors.application_get(user=request.user, pk=app_id)
    a = services.application_update(actor=request.user, application=app, **payload.dict(exclude_unset=True))
    return application_out(a, full=True)


@router.post(
    "/applications/{app_id}/attachments",
    response={201: AttachmentOut},
    auth=API_AUTH,
    summary="Upload an attachment (PDF, PNG, JPEG, XLSX, DOCX)",
)
def upload_attachment(request: HttpRequest, app_id: int, code: Form[str], file: File[UploadedFile]) -> Any:
    app = selectors.application_get(user=request.user, pk=app_id)
    a = services.attachment_add(actor=request.user, application=app, code=code, upload=file)
    return {"id": a.pk, "code": a.code, "name": a.original_name}


@router.get(
    "/attachments/{attachment_id}",
    auth=API_AUTH,
    summary="Download an attachment",
    openapi_extra=DOWNLOAD,
)
def download_attachment(request: HttpRequest, attachment_id: int) -> HttpResponseBase:
    attachment = selectors.attachment_get(user=request.user, pk=attachment_id)
    return stored_file_response(attachment.file.name, filename=attachment.original_name)


# Keyed by action name; the path segment is derived from it (`approve_content` → `approve-content`).
# Payment has its own operation (/payment) with its own payload.
ACTIONS: dict[str, Callable[[Any, Application, ActionIn], Any]] = {
    Action.SUBMIT: lambda u, a, p: services.application_submit(actor=u, application=a),
    Action.WITHDRAW: lambda u, a, p: services.application_withdraw(actor=u, application=a, reason=p.reason),
    Action.START_REVIEW: lambda u, a, p: services.application_start_review(actor=u, application=a),
    Action.REQUEST_CHANGES: lambda u, a, p: services.application_request_changes(
        actor=u, application=a, message=p.message
    ),
    Action.RESUBMIT: lambda u, a, p: services.application_resubmit(actor=u, application=a, answer=p.answer),
    Action.APPROVE_CONTENT: lambda u, a, p: services.application_approve_content(
        actor=u, application=a, amount=_money(p.amount, "amount") if p.amount else None, reason=p.reason
    ),
    Action.APPROVE: lambda u, a, p: services.application_approve(
        actor=u, application=a, amount=_money(p.amount, "amount") if p.amount else None, reason=p.reason
    ),
    Action.ANNOUNCE: lambda u, a, p: services.application_announce(
        actor=u, application=a, starts_on=p.starts_on
    ),
    Action.REJECT: lambda u, a, p: services.application_reject(actor=u, application=a, reason=p.reason),
}


@router.post(
    "/applications/{app_id}/conflict",
    response={201: ConflictOut},
    auth=API_AUTH,
    summary="Declare a conflict of interest (reviewer)",
)
def declare_conflict(request: HttpRequest, app_id: int, payload: ActionIn) -> Any:
    app = selectors.application_get(user=request.user, pk=app_id)
    c = services.conflict_declare(actor=request.user, application=app, reason=payload.reason)
    return {"id": c.pk, "application": app.pk, "excluded": True}


@router.post(
    "/applications/{app_id}/payment",
    response={201: PaymentOut},
    auth=API_AUTH,
    summary="Record the payment (finance)",
)
def record_payment(request: HttpRequest, app_id: int, payload: PaymentIn) -> Any:
    app = selectors.application_get(user=request.user, pk=app_id)
    p = services.payment_record(
        actor=request.user,
        application=app,
        paid_on=payload.paid_on,
        amount=_money(payload.amount, "amount"),
        voucher=payload.voucher,
    )
    return {
        "id": p.pk,
        "application": app.pk,
        "paid_on": p.paid_on.isoformat(),
        "amount": _d(p.amount),
        "voucher": p.voucher,
    }


@router.post(
    "/applications/{app_id}/{action}",
    response=ApplicationDetailOut,
    auth=API_AUTH,
    summary="Workflow action: submit, withdraw, start-review, request-changes, resubmit, approve-content, approve, announce, reject",
)
def act(request: HttpRequest, app_id: int, action: str, payload: ActionIn) -> Any:
    name = APPLICATION_WORKFLOW.action_for_segment(action)
    if name is None or name not in ACTIONS:
        raise NotFound(ErrorCode.UNKNOWN_ACTION, _("Unknown action."))
    app = selectors.application_get(user=request.user, pk=app_id)
    a = ACTIONS[name](request.user, app, payload)
    return application_out(a, full=True)


# -- public: announcements, objections, totals ---------------------------------------------------


@router.get(
    "/announcements", response=PublicAwardPageOut, auth=None, summary="Announced and paid awards (public)"
)
def announcements(request: HttpRequest, limit: int = 50, offset: int = 0) -> Any:
    total, rows = _page(selectors.public_awards(), limit, offset)
    return {"count": total, "items": [public_award_out(a) for a in rows]}


@router.get("/totals", response=TotalsOut, auth=None, summary="Totals per scheme and per district (public)")
def totals(request: HttpRequest) -> Any:
    data = selectors.public_totals()
    for rows in data.values():
        for row in rows:
            row["amount"] = _d(row["amount"])
    return data


@router.post(
    "/announcements/{app_id}/objections",
    response={201: ObjectionOut},
    auth=PUBLIC_WRITE,
    summary="Lodge an objection (anyone)",
)
def lodge_objection(request: HttpRequest, app_id: int, payload: ObjectionIn) -> Any:
    if not throttle_hit(request, "objection", limit_for("THROTTLE_OBJECTIONS_PER_HOUR")):
        return throttled_api()  # the page and the API share one count per address
    app = selectors.public_award_get(pk=app_id)
    o = services.objection_lodge(
        actor=request.user, application=app, name=payload.name, contact=payload.contact, text=payload.text
    )
    return {"id": o.pk, "application": app.pk, "status": o.status}


@router.post(
    "/objections/{objection_id}/resolve",
    response=ResolutionOut,
    auth=API_AUTH,
    summary="Resolve an objection (plan office)",
)
def resolve_objection(request: HttpRequest, objection_id: int, payload: ResolveIn) -> Any:
    objection = Objection.objects.filter(pk=objection_id).first()
    visible = selectors.application_list(user=request.user)
    if objection is None or not visible.filter(pk=objection.application_id).exists():
        raise NotFound(ErrorCode.NOT_FOUND, NOT_FOUND_MESSAGE)
    o = services.objection_resolve(
        actor=request.user, objection=objection, uphold=payload.uphold, resolution=payload.resolution
    )
    return {
        "id": o.pk,
        "status": o.status,
        "application_status": Application.objects.get(pk=o.application_id).status,
    }


# -- ledger and budget ---------------------------------------------------------------------------


@router.get("/ledger", response=LedgerOut, auth=API_AUTH, summary="Award ledger per entity, scheme and year")
def ledger(request: HttpRequest, year: int | None = None) -> Any:
    qs = selectors.ledger_list(user=request.user)
    if year:
        qs = qs.filter(year=year)
    return {
        "items": [
            {
                "entity": e.entity.name,
                "scheme_id": e.scheme_id,
                "year": e.year,
                "granted": _d(e.granted),
                "awards": e.awards,
                "paid": _d(e.paid),
            }
            for e in qs[:1000]
        ]
    }


@router.get(
    "/budget",
    response=BudgetOut,
    auth=API_AUTH,
    summary="Budget use per call (plan office, finance, auditor)",
)
def budget(request: HttpRequest) -> Any:
    rows = selectors.budget_use(user=request.user)
    if not rows and getattr(request.user, "role", "") not in ("plan_office", "finance", "auditor"):
        raise NotAllowed(ErrorCode.ROLE, NOT_ALLOWED_MESSAGE)
    return {
        "items": [
            {
                "call": r["call"].pk,
                "title": r["call"].title,
                **{k: _d(r[k]) for k in ("budget", "committed", "paid", "remaining")},
            }
            for r in rows
        ]
    }
