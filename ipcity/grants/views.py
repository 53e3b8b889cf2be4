"""Pages. Views parse input, call a service or a selector, and render (STYLE rule 1)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ipcity.core.downloads import stored_file_response
from ipcity.core.errors import DomainError, add_to_form, message_text
from ipcity.core.permissions import role_required
from ipcity.core.throttle import limit_for, throttle_hit, throttled_page
from ipcity.core.workflow import path_segment

from . import engine, exports, selectors, services
from .choices import APPLICATION_WORKFLOW, CALL_WORKFLOW, Action, CallAction
from .filters import ApplicationFilter, CallFilter
from .forms import (
    ApplicationForm,
    AttachmentForm,
    CallForm,
    ObjectionForm,
    PaymentForm,
    ReasonForm,
    ResolveForm,
)
from .models import Objection


def _en() -> bool:
    return (get_language() or "zh").startswith("en")


def _scheme_info(scheme_id: str) -> dict[str, Any]:
    scheme = engine.scheme(scheme_id)
    en = _en()
    if scheme is None:
        return {"id": scheme_id, "title": scheme_id}
    return {
        "id": scheme_id,
        "title": scheme.title_en if en else scheme.title_zh,
        "clause": scheme.clause,
        "summary": scheme.summary_en if en else scheme.summary_zh,
        "who": getattr(scheme, "who_en" if en else "who_zh", ""),
        "how_much": getattr(scheme, "how_much_en" if en else "how_much_zh", ""),
        "subject": (scheme.subject or {}).get("label_en" if en else "label_zh", ""),
    }


# -- lists ---------------------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Everyone's own list: applicants their applications, reviewers their queue, finance payments."""
    user = request.user
    if getattr(user, "role", "") == "admin":
        raise PermissionDenied
    filt = ApplicationFilter(
        request.GET or None, queryset=selectors.application_list(user=user).order_by("-id")
    )
    page = Paginator(filt.qs, 25).get_page(request.GET.get("page"))
    queue = selectors.review_queue(user=user).order_by("-id")[:25]
    return render(
        request,
        "grants/home.html",
        {
            "filter": filt,
            "page": page,
            "queue": queue,
            "calls": selectors.call_list(user=user).exclude(status="closed")[:10],
            "budget_rows": selectors.budget_use(user=user),
            "ledger": selectors.ledger_list(user=user)[:50]
            if getattr(user, "role", "") == "applicant"
            else [],
            "querystring": _querystring(request),
        },
    )


def _querystring(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def call_list(request: HttpRequest) -> HttpResponse:
    filt = CallFilter(request.GET or None, queryset=selectors.call_list(user=request.user))
    return render(request, "grants/call_list.html", {"filter": filt, "calls": filt.qs})


def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    call = selectors.call_get(user=request.user, pk=pk)
    return render(
        request,
        "grants/call_detail.html",
        {
            "call": call,
            "schemes": [_scheme_info(s) for s in call.schemes],
            "is_open": call.is_open(timezone.now()),
            "call_actions": CALL_WORKFLOW.actions_for(call, request.user),
            "attachments": [
                a.get("label_en" if _en() else "label_zh") or a["code"] for a in call.attachment_items
            ],
        },
    )


@role_required("plan_office")
def call_create(request: HttpRequest) -> HttpResponse:
    form = CallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            call = services.call_create(actor=request.user, **data)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(
                request, _("The call was created. Finance must confirm its budget before it is published.")
            )
            return redirect("grants:call_detail", pk=call.pk)
    return render(request, "grants/call_form.html", {"form": form})


@require_POST
@login_required
def call_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    call = selectors.call_get(user=request.user, pk=pk)
    # The call page's URL segments are path segments of the action names (`confirm-budget`).
    actions = {
        path_segment(CallAction.CONFIRM_BUDGET): lambda: services.call_confirm_budget(
            actor=request.user, call=call, budget_line=request.POST.get("budget_line", "")
        ),
        path_segment(CallAction.PUBLISH): lambda: services.call_publish(actor=request.user, call=call),
        path_segment(CallAction.CLOSE): lambda: services.call_close(actor=request.user, call=call),
        path_segment(CallAction.ANNOUNCE): lambda: services.call_announce_approved(
            actor=request.user, call=call
        ),
    }
    if action not in actions:
        raise Http404
    try:
        actions[action]()
        messages.success(request, _("Done."))
    except DomainError as exc:
        messages.error(request, message_text(exc))
    return redirect("grants:call_detail", pk=call.pk)


# -- applying ------------------------------------------------------------------------------------


@role_required("applicant")
def apply(request: HttpRequest, pk: int, scheme_id: str) -> HttpResponse:
    call = selectors.call_get(user=request.user, pk=pk)
    if scheme_id not in call.schemes:
        raise Http404
    if request.user.entity_id is None:  # type: ignore[union-attr]
        # Say so before the form is filled in; the service refuses too (ADR 0006).
        return render(
            request,
            "grants/apply.html",
            {"call": call, "scheme": _scheme_info(scheme_id), "entity_pending": True},
        )
    form = ApplicationForm(request.POST or None, scheme_id=scheme_id)
    if request.method == "POST" and form.is_valid():
        try:
            app = services.application_create(
                actor=request.user,
                call=call,
                scheme_id=scheme_id,
                subject_ref=form.cleaned_data["subject_ref"],
                entitlement_date=form.cleaned_data["entitlement_date"],
                facts=form.facts(),
                title=form.cleaned_data["title"],
            )
        except DomainError as exc:
            _refusal_on_form(form, exc)
        else:
            messages.success(
                request, _("Draft saved. Check the provisional amount, add the attachments and submit.")
            )
            return redirect("grants:application_detail", pk=app.pk)
    return render(
        request, "grants/apply.html", {"call": call, "scheme": _scheme_info(scheme_id), "form": form}
    )


def _refusal_on_form(form: ApplicationForm, exc: DomainError) -> None:
    """A service's refusal on the application form: per field where the engine names one, else on top."""
    add_to_form(form, exc, {key: form.field_for(key) for key in exc.fields})


@role_required("applicant")
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    app = selectors.application_get(user=request.user, pk=pk)
    form = ApplicationForm(
        request.POST or None, scheme_id=app.scheme_id, initial=ApplicationForm.initial_from(app)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.application_update(
                actor=request.user,
                application=app,
                facts=form.facts(),
                subject_ref=form.cleaned_data["subject_ref"],
                entitlement_date=form.cleaned_data["entitlement_date"],
                title=form.cleaned_data["title"],
            )
        except DomainError as exc:
            _refusal_on_form(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("grants:application_detail", pk=app.pk)
    return render(
        request,
        "grants/apply.html",
        {"call": app.call, "scheme": _scheme_info(app.scheme_id), "form": form, "application": app},
    )


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    app = selectors.application_get(user=request.user, pk=pk)
    user: Any = request.user
    trace = app.computed_trace or {}
    en = _en()
    steps = [
        {
            "clause": s.get("clause"),
            "formula": s.get("formula_en" if en else "formula_zh") or s.get("formula"),
            "value": s.get("value"),
        }
        for s in trace.get("trace", [])
    ]
    conflicted = app.conflicts.filter(reviewer=user).exists()
    labels = {
        spec.name: (spec.label_en if en else spec.label_zh) or spec.name
        for spec in engine.applicant_facts(app.scheme_id)
    }
    facts = [(labels.get(name, name), value) for name, value in (app.facts or {}).items()]
    return render(
        request,
        "grants/application_detail.html",
        {
            "app": app,
            "scheme": _scheme_info(app.scheme_id),
            "steps": steps,
            "facts": facts,
            "trace": trace,
            "engine_errors": trace.get("errors", []),
            "en": en,
            "attachment_form": AttachmentForm(call=app.call)
            if app.is_editable and user.role == "applicant"
            else None,
            "reason_form": ReasonForm(),
            "payment_form": PaymentForm(
                initial={"amount": app.approved_amount, "paid_on": timezone.localdate()}
            ),
            "resolve_form": ResolveForm(),
            "conflicted": conflicted,
            # The buttons are the workflow's actions for this user (none once they declared a conflict).
            "can": dict.fromkeys([] if conflicted else APPLICATION_WORKFLOW.actions_for(app, user), True),
            "is_reviewer": user.role in ("department", "plan_office", "finance"),
            "objections": app.objections.all(),
            "payment": getattr(app, "payment", None),
        },
    )


@require_POST
@login_required
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    app = selectors.application_get(user=request.user, pk=pk)
    form = AttachmentForm(request.POST, request.FILES, call=app.call)
    if form.is_valid():
        try:
            services.attachment_add(
                actor=request.user,
                application=app,
                code=form.cleaned_data["code"],
                upload=form.cleaned_data["file"],
            )
            messages.success(request, _("The file was attached."))
        except DomainError as exc:
            messages.error(request, message_text(exc))
    else:
        messages.error(request, "; ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("grants:application_detail", pk=app.pk)


@require_POST
@login_required
def application_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    app = selectors.application_get(user=request.user, pk=pk)
    user: Any = request.user
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("grants:application_detail", pk=pk)
    reason = form.cleaned_data["reason"] or ""
    amount = form.cleaned_data["amount"]
    # The page's URL segment is the action's name (`approve_content`); the API's is its path_segment.
    actions: dict[str, Any] = {
        Action.SUBMIT: lambda: services.application_submit(actor=user, application=app),
        Action.WITHDRAW: lambda: services.application_withdraw(actor=user, application=app, reason=reason),
        Action.START_REVIEW: lambda: services.application_start_review(actor=user, application=app),
        Action.REQUEST_CHANGES: lambda: services.application_request_changes(
            actor=user, application=app, message=reason
        ),
        Action.RESUBMIT: lambda: services.application_resubmit(actor=user, application=app, answer=reason),
        Action.APPROVE_CONTENT: lambda: services.application_approve_content(
            actor=user, application=app, amount=amount, reason=reason
        ),
        Action.APPROVE: lambda: services.application_approve(
            actor=user, application=app, amount=amount, reason=reason
        ),
        Action.ANNOUNCE: lambda: services.application_announce(actor=user, application=app),
        Action.REJECT: lambda: services.application_reject(actor=user, application=app, reason=reason),
        "conflict": lambda: services.conflict_declare(actor=user, application=app, reason=reason),
    }
    if action not in actions:
        raise Http404
    try:
        actions[action]()
        messages.success(request, _("Done."))
    except DomainError as exc:
        messages.error(request, message_text(exc))
    if action == "conflict":
        return redirect("grants:home")
    return redirect("grants:application_detail", pk=pk)


@login_required
def attachment_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """An attachment, for whoever may see its application (selectors decide); docs/adr/0008."""
    attachment = selectors.attachment_get(user=request.user, pk=pk)
    return stored_file_response(attachment.file.name, filename=attachment.original_name)


@require_POST
@role_required("finance")
def payment_create(request: HttpRequest, pk: int) -> HttpResponse:
    app = selectors.application_get(user=request.user, pk=pk)
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            services.payment_record(actor=request.user, application=app, **form.cleaned_data)
            messages.success(request, _("The payment was recorded."))
        except DomainError as exc:
            messages.error(request, message_text(exc))
    else:
        messages.error(request, "; ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("grants:application_detail", pk=pk)


@require_POST
@role_required("plan_office")
def objection_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    objection = Objection.objects.filter(pk=pk).first()
    if objection is None:
        raise Http404
    app = selectors.application_get(user=request.user, pk=objection.application_id)
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            services.objection_resolve(actor=request.user, objection=objection, **form.cleaned_data)
            messages.success(request, _("The objection was resolved."))
        except DomainError as exc:
            messages.error(request, message_text(exc))
    else:
        messages.error(request, "; ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("grants:application_detail", pk=app.pk)


# -- public --------------------------------------------------------------------------------------


def announcements(request: HttpRequest) -> HttpResponse:
    awards = Paginator(selectors.public_awards(), 50).get_page(request.GET.get("page"))
    totals = selectors.public_totals()
    for row in totals["per_scheme"]:
        row["title"] = engine.scheme_title(row["scheme_id"], "en" if _en() else "zh")
    return render(
        request,
        "grants/announcements.html",
        {"awards": awards, "totals": totals, "today": timezone.localdate(), "en": _en()},
    )


def objection_create(request: HttpRequest, pk: int) -> HttpResponse:
    app = selectors.public_award_get(pk=pk)
    if request.method == "POST" and not throttle_hit(
        request, "objection", limit_for("THROTTLE_OBJECTIONS_PER_HOUR")
    ):
        return throttled_page(request)
    form = ObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.objection_lodge(actor=request.user, application=app, **form.cleaned_data)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(
                request,
                _("Your objection was recorded. The award is paused until the plan office resolves it."),
            )
            return redirect("grants:announcements")
    return render(
        request,
        "grants/objection_form.html",
        {"app": app, "form": form, "scheme": _scheme_info(app.scheme_id)},
    )


# -- exports -------------------------------------------------------------------------------------


@role_required("plan_office", "finance", "auditor")
def export(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    call = selectors.call_get(user=request.user, pk=pk)
    filt = ApplicationFilter(
        request.GET or None, queryset=selectors.application_list(user=request.user).filter(call=call)
    )
    if what == "applications":
        return exports.applications_xlsx(call, filt.qs)
    if what == "awards":
        return exports.awards_xlsx(call, filt.qs)
    raise Http404
