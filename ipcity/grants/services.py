"""Every write of the grants workflow (STYLE rule 1). Each service asks the workflow
(choices.APPLICATION_WORKFLOW / CALL_WORKFLOW, docs/adr/0017) whether the actor may, checks the object-level
rules, refuses anything else with a coded reason, and writes its audit record in the same transaction.

Hard limits (STYLE rule 8) are checked and written at approval under row locks taken in one fixed
order — application → call → scheme-year counter → entity ledger — so concurrent approvals serialise
on the rows they share and can never overspend a budget, a quota or an annual cap (docs/adr/0400).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ipcity.core.audit import audit_record, snapshot
from ipcity.core.errors import Conflict, Invalid, NotAllowed, full_clean
from ipcity.core.money import round_fen
from ipcity.core.uploads import EVIDENCE_KINDS, check_upload
from ipcity.core.workdays import add_working_days
from ipcity.core.workflow import Workflow
from ipcity.protection.selectors import credit_blocked

from . import engine
from .choices import (
    APPLICATION_WORKFLOW,
    AWARDED_STATUSES,
    CALL_WORKFLOW,
    LIVE_STATUSES,
    Action,
    ApplicationStatus,
    AuditAction,
    CallAction,
    ErrorCode,
    ObjectionStatus,
)
from .models import (
    Application,
    Attachment,
    Call,
    ConflictDeclaration,
    LedgerEntry,
    Objection,
    Payment,
    SchemeYear,
)

S = ApplicationStatus


# ---------------------------------------------------------------------------------------------------
# helpers


def _today() -> dt.date:
    return timezone.localdate()


def _require_role(actor: Any, *roles: str) -> None:
    if not (actor is not None and getattr(actor, "is_active", False) and getattr(actor, "role", "") in roles):
        raise NotAllowed(ErrorCode.ROLE, _("This action is not allowed for your role."))


def _decide(workflow: Workflow, action: str, obj: Any, actor: Any) -> str:
    """The workflow decides (docs/adr/0017): the to-state, or NotAllowed / Conflict in core's error shape."""
    return workflow.check(action, obj, actor)


def _check_transition(application: Application, action: str, actor: Any) -> str:
    return _decide(APPLICATION_WORKFLOW, action, application, actor)


def _lock(application: Application) -> Application:
    return Application.objects.select_for_update().select_related("call", "entity").get(pk=application.pk)


def _notify(application_id: int, event: str) -> None:
    from .tasks import notify_application

    transaction.on_commit(lambda: notify_application.delay(application_id, event))


def _is_conflicted(application: Application, actor: Any) -> bool:
    return ConflictDeclaration.objects.filter(application=application, reviewer=actor).exists()


def _check_reviewer(application: Application, actor: Any) -> None:
    """Content review belongs to a user of one of the call's reviewing departments, not conflicted."""
    if _is_conflicted(application, actor):
        raise NotAllowed(
            ErrorCode.CONFLICT_OF_INTEREST,
            _("You declared a conflict of interest with this application and are excluded from it."),
        )
    if actor.role in ("department", "plan_office"):
        if not application.call.reviewing_departments.filter(pk=actor.department_id).exists():
            raise NotAllowed(
                ErrorCode.NOT_REVIEWER, _("Only the call's reviewing departments review this application.")
            )


def _check_applicant(application: Application, actor: Any) -> None:
    if actor.role != "applicant" or actor.entity_id != application.entity_id:
        raise NotAllowed(ErrorCode.NOT_OWNER, _("Only your own entity's applications can be changed."))


def ledger_facts(*, entity: Any, scheme_id: str, year: int) -> tuple[Decimal, int]:
    """(granted to this entity under this scheme this year, awards under this scheme this year)."""
    entry = LedgerEntry.objects.filter(entity=entity, scheme_id=scheme_id, year=year).first()
    counter = SchemeYear.objects.filter(scheme_id=scheme_id, year=year).first()
    return (entry.granted if entry else Decimal("0.00"), counter.awards if counter else 0)


def _compute(
    application: Application, *, strict: bool, known: tuple[Decimal, int, bool] | None = None
) -> Any:
    """Run the engine; store the amount and trace. With strict, bad facts are refused per field.

    `known` = (granted, awards, blocked) when the caller already holds the locked ledger rows."""
    fact_error, unknown_scheme = engine.engine_errors()
    if known is None:
        granted, awards = ledger_facts(
            entity=application.entity, scheme_id=application.scheme_id, year=application.call.year
        )
        blocked = credit_blocked(entity=application.entity, on=_today())
    else:
        granted, awards, blocked = known
    try:
        result = engine.calculate(
            application.scheme_id,
            on=application.entitlement_date,
            facts=application.facts,
            credit_blocked=blocked,
            granted_this_year=granted,
            awards_this_year=awards,
        )
    except unknown_scheme:
        raise Conflict(ErrorCode.UNKNOWN_SCHEME, _("This scheme does not exist.")) from None
    except fact_error as exc:
        if strict:
            errors: dict[str, list[str]] = {}
            lang_en = (translation_language() or "zh").startswith("en")
            for err in engine.fact_errors(exc):
                errors.setdefault(str(err["field"]), []).append(
                    err["message_en"] if lang_en else err["message_zh"]
                )
            raise Invalid(
                ErrorCode.INVALID_FACTS, _("Some facts are missing or invalid."), fields=errors
            ) from None
        application.computed_amount = None
        application.computed_trace = {"errors": engine.fact_errors(exc)}
        return None
    application.computed_amount = round_fen(Decimal(result.amount))
    application.computed_trace = result.to_dict()
    return result


def translation_language() -> str | None:
    from django.utils.translation import get_language

    return get_language()


def _check_duplicate(application: Application) -> None:
    clash = (
        Application.objects.filter(
            entity_id=application.entity_id,
            scheme_id=application.scheme_id,
            subject_ref=application.subject_ref,
            status__in=LIVE_STATUSES,
        )
        .exclude(pk=application.pk)
        .first()
    )
    if clash is not None:
        raise Invalid(
            ErrorCode.DUPLICATE,
            _(
                "Your entity already has a live application (#%(id)s) for this scheme and the same "
                "%(subject)s. Withdraw it or wait for its decision."
            )
            % {"id": clash.pk, "subject": application.subject_ref},
            fields={"subject_ref": [_("Already used by live application #%(id)s.") % {"id": clash.pk}]},
        )


def _save_application(application: Application) -> None:
    _check_duplicate(application)
    full_clean(application, validate_constraints=False)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:  # the partial unique index caught a concurrent duplicate
        raise Conflict(
            ErrorCode.DUPLICATE,
            _("Your entity already has a live application for this scheme and this subject."),
        ) from None


def _locked_counters(application: Application) -> tuple[Call, SchemeYear, LedgerEntry]:
    """Lock, in the fixed order call → scheme-year → ledger, the rows an award changes."""
    call = Call.objects.select_for_update().get(pk=application.call_id)
    key: dict[str, Any] = {"scheme_id": application.scheme_id, "year": call.year}
    SchemeYear.objects.get_or_create(**key)
    counter = SchemeYear.objects.select_for_update().get(**key)
    LedgerEntry.objects.get_or_create(entity_id=application.entity_id, **key)
    entry = LedgerEntry.objects.select_for_update().get(entity_id=application.entity_id, **key)
    return call, counter, entry


def application_preview(
    *, entity: Any, scheme_id: str, entitlement_date: dt.date, facts: dict[str, Any], year: int
) -> dict[str, Any]:
    """The provisional amount and its trace for facts not yet saved (writes nothing)."""
    if engine.scheme(scheme_id) is None:
        raise Invalid(
            ErrorCode.UNKNOWN_SCHEME,
            _("This scheme does not exist."),
            fields={"scheme_id": [_("This scheme does not exist.")]},
        )
    from .models import Call as _Call

    probe = Application(
        call=_Call(year=year),
        entity=entity,
        scheme_id=scheme_id,
        entitlement_date=entitlement_date,
        facts=facts,
    )
    result = _compute(probe, strict=True)
    return dict(
        probe.computed_trace, amount=format(probe.computed_amount, "f") if result is not None else None
    )


# ---------------------------------------------------------------------------------------------------
# calls


@transaction.atomic
def call_create(
    *,
    actor: Any,
    title: str,
    year: int,
    schemes: list[str],
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    budget: Decimal,
    reviewing_departments: list[Any],
    required_attachments: list[dict[str, str]] | None = None,
    rules_zh: str = "",
    rules_en: str = "",
    title_en: str = "",
    budget_line: str = "",
    announcement_days: int = 5,
    is_demo: bool = False,
) -> Call:
    _require_role(actor, "plan_office")
    unknown = [s for s in schemes if engine.scheme(s) is None]
    if unknown:
        raise Invalid(
            ErrorCode.UNKNOWN_SCHEME,
            _("Unknown scheme: %(ids)s.") % {"ids": ", ".join(unknown)},
            fields={"schemes": [_("Unknown scheme: %(ids)s.") % {"ids": ", ".join(unknown)}]},
        )
    if not reviewing_departments:
        raise Invalid(
            ErrorCode.NO_REVIEWERS,
            _("Name at least one reviewing department."),
            fields={"reviewing_departments": [_("Name at least one reviewing department.")]},
        )
    call = Call(
        title=title,
        title_en=title_en,
        year=year,
        schemes=list(schemes),
        opens_at=opens_at,
        closes_at=closes_at,
        budget=budget,
        budget_line=budget_line,
        required_attachments=required_attachments or [],
        rules_zh=rules_zh,
        rules_en=rules_en,
        announcement_days=announcement_days,
        created_by=actor,
        is_demo=is_demo,
    )
    full_clean(call)
    call.save()
    call.reviewing_departments.set(reviewing_departments)
    audit_record(actor=actor, action=AuditAction.CALL_CREATE, obj=call, after=snapshot(call))
    return call


@transaction.atomic
def call_confirm_budget(*, actor: Any, call: Call, budget_line: str = "") -> Call:
    """Finance confirms the budget line that funds the call (required before publishing)."""
    _require_role(actor, "finance")
    call = Call.objects.select_for_update().get(pk=call.pk)
    before = snapshot(call)
    call.budget_confirmed_by = actor
    call.budget_confirmed_at = timezone.now()
    if budget_line:
        call.budget_line = budget_line
    full_clean(call)
    call.save()
    audit_record(
        actor=actor, action=AuditAction.CALL_CONFIRM_BUDGET, obj=call, before=before, after=snapshot(call)
    )
    return call


@transaction.atomic
def call_publish(*, actor: Any, call: Call) -> Call:
    call = Call.objects.select_for_update().get(pk=call.pk)
    target = _decide(CALL_WORKFLOW, CallAction.PUBLISH, call, actor)
    if call.budget_confirmed_at is None:
        raise Conflict(
            ErrorCode.BUDGET_NOT_CONFIRMED, _("The finance bureau has not confirmed the budget line yet.")
        )
    before = snapshot(call)
    call.status = target
    call.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action=AuditAction.CALL_PUBLISH, obj=call, before=before, after=snapshot(call))
    return call


@transaction.atomic
def call_close(*, actor: Any, call: Call) -> Call:
    call = Call.objects.select_for_update().get(pk=call.pk)
    target = _decide(CALL_WORKFLOW, CallAction.CLOSE, call, actor)
    before = snapshot(call)
    call.status = target
    call.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action=AuditAction.CALL_CLOSE, obj=call, before=before, after=snapshot(call))
    return call


# ---------------------------------------------------------------------------------------------------
# applying


def _check_call_open(call: Call) -> None:
    if not call.is_open(timezone.now()):
        raise Conflict(ErrorCode.CALL_NOT_OPEN, _("This call is not open for applications."))


@transaction.atomic
def application_create(
    *,
    actor: Any,
    call: Call,
    scheme_id: str,
    subject_ref: str,
    entitlement_date: dt.date,
    facts: dict[str, Any],
    title: str = "",
    is_demo: bool = False,
) -> Application:
    """A draft application of the actor's entity. The provisional amount is computed if facts allow."""
    _require_role(actor, "applicant")
    if actor.entity_id is None:
        raise NotAllowed(
            ErrorCode.ENTITY_PENDING,
            _("The plan office has not yet confirmed that you belong to your entity."),
        )
    _check_call_open(call)
    if scheme_id not in call.schemes:
        raise Invalid(
            ErrorCode.SCHEME_NOT_IN_CALL,
            _("This call does not include that scheme."),
            fields={"scheme_id": [_("This call does not include that scheme.")]},
        )
    application = Application(
        call=call,
        entity=actor.entity,
        scheme_id=scheme_id,
        subject_ref=subject_ref.strip(),
        entitlement_date=entitlement_date,
        facts=facts,
        title=title,
        created_by=actor,
        is_demo=is_demo,
    )
    _compute(application, strict=False)
    _save_application(application)
    audit_record(
        actor=actor, action=AuditAction.APPLICATION_CREATE, obj=application, after=snapshot(application)
    )
    return application


@transaction.atomic
def application_update(
    *,
    actor: Any,
    application: Application,
    facts: dict[str, Any] | None = None,
    subject_ref: str | None = None,
    entitlement_date: dt.date | None = None,
    title: str | None = None,
) -> Application:
    application = _lock(application)
    _check_applicant(application, actor)
    if not application.is_editable:
        raise Conflict(
            ErrorCode.NOT_EDITABLE,
            _("The application can only be changed as a draft or when changes are requested."),
        )
    before = snapshot(application)
    if facts is not None:
        application.facts = facts
    if subject_ref is not None:
        application.subject_ref = subject_ref.strip()
    if entitlement_date is not None:
        application.entitlement_date = entitlement_date
    if title is not None:
        application.title = title
    _compute(application, strict=False)
    _save_application(application)
    audit_record(
        actor=actor,
        action=AuditAction.APPLICATION_UPDATE,
        obj=application,
        before=before,
        after=snapshot(application),
    )
    return application


@transaction.atomic
def attachment_add(*, actor: Any, application: Application, code: str, upload: UploadedFile) -> Attachment:
    application = _lock(application)
    _check_applicant(application, actor)
    if not application.is_editable:
        raise Conflict(
            ErrorCode.NOT_EDITABLE,
            _("Attachments can only be added to a draft or when changes are requested."),
        )
    codes = {a["code"] for a in application.call.attachment_items} | {"other"}
    if code not in codes:
        raise Invalid(
            ErrorCode.ATTACHMENT_KIND,
            _("Unknown attachment kind."),
            fields={"code": [_("Unknown attachment kind.")]},
        )
    try:
        check_upload(upload, EVIDENCE_KINDS)
    except ValidationError as exc:
        raise Invalid(
            ErrorCode.UPLOAD, "; ".join(exc.messages), fields={"file": list(exc.messages)}
        ) from None
    attachment = Attachment(
        application=application,
        code=code,
        file=upload,
        original_name=(upload.name or "")[:200],
        uploaded_by=actor,
    )
    attachment.save()
    audit_record(actor=actor, action=AuditAction.ATTACHMENT_ADD, obj=attachment, after=snapshot(attachment))
    return attachment


def _check_attachments(application: Application) -> None:
    present = set(application.attachments.values_list("code", flat=True))
    missing = [a for a in application.call.attachment_items if a["code"] not in present]
    if missing:
        en = (translation_language() or "zh").startswith("en")
        names = ", ".join(a.get("label_en" if en else "label_zh") or a["code"] for a in missing)
        raise Invalid(
            ErrorCode.ATTACHMENTS_MISSING,
            _("Required attachments are missing: %(names)s.") % {"names": names},
            fields={"attachments": [_("Required attachments are missing: %(names)s.") % {"names": names}]},
        )


def _reasons_text(result: Any) -> str:
    """The engine's reasons in words (the user's language), not as codes such as `quota_exhausted`."""
    en = (translation_language() or "zh").startswith("en")
    messages = result.to_dict()["reason_messages"]
    return ("; " if en else "；").join(m["message_en"] if en else m["message_zh"] for m in messages)


def _check_entity_limit(application: Application) -> None:
    """Tell the applicant, before review, that their entity already has this year's award(s) under a
    scheme limited per entity (the limit itself is enforced at approval, under the ledger's row lock)."""
    limit = engine.per_entity_per_year(application.scheme_id, application.entitlement_date)
    if limit is None:
        return
    entry = LedgerEntry.objects.filter(
        entity_id=application.entity_id, scheme_id=application.scheme_id, year=application.call.year
    ).first()
    if entry is not None and entry.awards >= limit:
        message = _(
            "Your entity already received an award under this scheme in %(year)s: at most %(limit)s per "
            "entity a year."
        ) % {"year": application.call.year, "limit": limit}
        raise Invalid(ErrorCode.ENTITY_LIMIT_REACHED, message, fields={"scheme_id": [message]})


def _check_eligible(application: Application, result: Any) -> None:
    if result is not None and not result.eligible:
        raise Conflict(
            ErrorCode.NOT_ELIGIBLE,
            _("The incentive engine finds the application not eligible: %(reasons)s.")
            % {"reasons": _reasons_text(result)},
        )


@transaction.atomic
def application_submit(*, actor: Any, application: Application) -> Application:
    application = _lock(application)
    target = _check_transition(application, Action.SUBMIT, actor)
    _check_applicant(application, actor)
    _check_call_open(application.call)
    _check_attachments(application)
    _check_entity_limit(application)
    before = snapshot(application)
    result = _compute(application, strict=True)
    _check_eligible(application, result)
    application.status = target
    application.submitted_at = timezone.now()
    _save_application(application)
    audit_record(
        actor=actor,
        action=AuditAction.APPLICATION_SUBMIT,
        obj=application,
        before=before,
        after=snapshot(application),
    )
    _notify(application.pk, "submitted")
    return application


@transaction.atomic
def application_withdraw(*, actor: Any, application: Application, reason: str = "") -> Application:
    application = _lock(application)
    target = _check_transition(application, Action.WITHDRAW, actor)
    _check_applicant(application, actor)
    before = snapshot(application)
    application.status = target
    application.decision_reason = reason
    application.save()
    audit_record(
        actor=actor,
        action=AuditAction.APPLICATION_WITHDRAW,
        obj=application,
        before=before,
        after=snapshot(application),
    )
    return application


@transaction.atomic
def application_resubmit(*, actor: Any, application: Application, answer: str) -> Application:
    """The applicant answers a change request; the application returns to review."""
    application = _lock(application)
    target = _check_transition(application, Action.RESUBMIT, actor)
    _check_applicant(application, actor)
    if not answer.strip():
        raise Invalid(
            ErrorCode.ANSWER_REQUIRED,
            _("Answer the change request."),
            fields={"answer": [_("This field is required.")]},
        )
    _check_attachments(application)
    _check_entity_limit(application)
    before = snapshot(application)
    result = _compute(application, strict=True)
    _check_eligible(application, result)
    application.status = target
    application.change_answer = answer.strip()
    _save_application(application)
    audit_record(
        actor=actor,
        action=AuditAction.APPLICATION_RESUBMIT,
        obj=application,
        before=before,
        after=snapshot(application),
    )
    _notify(application.pk, "resubmitted")
    return application


# ---------------------------------------------------------------------------------------------------
# review


@transaction.atomic
def conflict_declare(*, actor: Any, application: Application, reason: str) -> ConflictDeclaration:
    """A reviewer declares a conflict of interest and is excluded from the application from then on."""
    _require_role(actor, "department", "plan_office", "finance")
    if not reason.strip():
        raise Invalid(
            ErrorCode.REASON_REQUIRED,
            _("Say what the conflict is."),
            fields={"reason": [_("This field is required.")]},
        )
    application = _lock(application)
    declaration, created = ConflictDeclaration.objects.get_or_create(
        application=application, reviewer=actor, defaults={"reason": reason.strip()}
    )
    if created:
        audit_record(
            actor=actor,
            action=AuditAction.APPLICATION_DECLARE_CONFLICT,
            obj=declaration,
            after=snapshot(declaration),
        )
    return declaration


@transaction.atomic
def application_start_review(*, actor: Any, application: Application) -> Application:
    application = _lock(application)
    target = _check_transition(application, Action.START_REVIEW, actor)
    _check_reviewer(application, actor)
    before = snapshot(application)
    application.status = target
    application.save()
    audit_record(
        actor=actor,
        action=AuditAction.APPLICATION_START_REVIEW,
        obj=application,
        before=before,
        after=snapshot(application),
    )
    return application


@transaction.atomic
def application_request_changes(*, actor: Any, application: Application, message: str) -> Application:
    application = _lock(application)
    target = _check_transition(application, Action.REQUEST_CHANGES, actor)
    _check_reviewer(application, actor)
    if not message.strip():
        raise Invalid(
            ErrorCode.REASON_REQUIRED,
            _("Say what must change."),
            fields={"message": [_("This field is required.")]},
        )
    before = snapshot(application)
    application.status = target
    application.change_request = message.strip()
    application.save()
    audit_record(
        actor=actor,
        action=AuditAction.APPLICATION_REQUEST_CHANGES,
        obj=application,
        before=before,
        after=snapshot(application),
    )
    _notify(application.pk, "changes_requested")
    return application


def _check_lowering(amount: Decimal | None, ceiling: Decimal, reason: str, *, what: str) -> Decimal:
    if amount is None:
        return round_fen(ceiling)
    amount = round_fen(Decimal(amount))
    if amount <= 0:
        raise Invalid(
            ErrorCode.AMOUNT_NOT_POSITIVE,
            _("The amount must be positive."),
            fields={"amount": [_("The amount must be positive.")]},
        )
    if amount > ceiling:
        message = _("The amount cannot be raised above the %(what)s of %(ceiling)s yuan.") % {
            "what": what,
            "ceiling": ceiling,
        }
        raise Invalid(ErrorCode.AMOUNT_RAISED, message, fields={"amount": [message]})
    if amount < ceiling and not reason.strip():
        message = _("Give a reason for lowering the amount.")
        raise Invalid(ErrorCode.REASON_REQUIRED, message, fields={"reason": [message]})
    return amount


@transaction.atomic
def application_approve_content(
    *, actor: Any, application: Application, amount: Decimal | None = None, reason: str = ""
) -> Application:
    """The reviewing department approves the content and proposes an amount no higher than the engine's."""
    application = _lock(application)
    target = _check_transition(application, Action.APPROVE_CONTENT, actor)
    _check_reviewer(application, actor)
    before = snapshot(application)
    result = _compute(application, strict=True)
    _check_eligible(application, result)
    ceiling = application.computed_amount or Decimal("0.00")
    proposed = _check_lowering(amount, ceiling, reason, what=_("computed amount"))
    application.status = target
    application.proposed_amount = proposed
    application.reduction_reason = reason.strip() if proposed < ceiling else ""
    application.content_reviewer = actor
    application.content_reviewed_at = timezone.now()
    application.save()
    audit_record(
        actor=actor,
        action=AuditAction.APPLICATION_APPROVE_CONTENT,
        obj=application,
        before=before,
        after=snapshot(application),
    )
    return application


@transaction.atomic
def application_approve(
    *, actor: Any, application: Application, amount: Decimal | None = None, reason: str = ""
) -> Application:
    """Finance confirms the amount and approves: the hard limits are checked and written here, locked."""
    application = _lock(application)
    target = _check_transition(application, Action.APPROVE, actor)
    if _is_conflicted(application, actor):
        raise NotAllowed(
            ErrorCode.CONFLICT_OF_INTEREST,
            _("You declared a conflict of interest with this application and are excluded from it."),
        )
    if application.content_reviewer_id == actor.pk:
        raise NotAllowed(
            ErrorCode.SEPARATION_OF_DUTIES,
            _("The content reviewer cannot also confirm the amount (separation of duties)."),
        )
    ceiling = application.proposed_amount or Decimal("0.00")
    approved = _check_lowering(amount, ceiling, reason, what=_("amount proposed by the reviewers"))
    before = snapshot(application)

    call, counter, entry = _locked_counters(application)
    today = _today()
    if credit_blocked(entity=application.entity, on=today):
        raise Conflict(
            ErrorCode.CREDIT_PUNISHMENT,
            _("%(entity)s is under credit punishment (see the credit register) and cannot be approved.")
            % {"entity": application.entity.name},
        )
    quota = engine.yearly_quota(application.scheme_id, application.entitlement_date)
    if quota is not None and counter.awards >= quota:
        raise Conflict(
            ErrorCode.QUOTA_EXHAUSTED,
            _("The yearly quota of %(quota)s awards for this scheme in %(year)s is used up.")
            % {"quota": quota, "year": call.year},
        )
    per_entity = engine.per_entity_per_year(application.scheme_id, application.entitlement_date)
    if per_entity is not None and entry.awards >= per_entity:
        raise Conflict(
            ErrorCode.ENTITY_LIMIT_REACHED,
            _(
                "%(entity)s already received %(count)s award(s) under this scheme in %(year)s: at most "
                "%(limit)s per entity a year."
            )
            % {
                "entity": application.entity.name,
                "count": entry.awards,
                "year": call.year,
                "limit": per_entity,
            },
        )
    cap = engine.annual_cap(application.scheme_id, application.entitlement_date)
    if cap is not None and entry.granted + approved > cap:
        raise Conflict(
            ErrorCode.ANNUAL_CAP_REACHED,
            _(
                "This would exceed the entity's annual cap of %(cap)s yuan for this scheme: %(granted)s yuan "
                "already granted in %(year)s, %(left)s yuan left."
            )
            % {
                "cap": cap,
                "granted": entry.granted,
                "year": call.year,
                "left": max(cap - entry.granted, Decimal(0)),
            },
        )
    if call.committed + approved > call.budget:
        raise Conflict(
            ErrorCode.BUDGET_EXHAUSTED,
            _("The call's budget cannot cover this award: %(left)s yuan left, %(amount)s yuan needed.")
            % {"left": call.budget - call.committed, "amount": approved},
        )
    # The engine, given the platform's current ledger, must still allow at least this amount.
    result = _compute(application, strict=True, known=(entry.granted, counter.awards, False))
    if result is not None and not result.eligible:
        raise Conflict(
            (result.reasons or ["not_eligible"])[0],
            _("The incentive engine finds the application not eligible: %(reasons)s.")
            % {"reasons": _reasons_text(result)},
        )
    if application.computed_amount is not None and approved > application.computed_amount:
        raise Conflict(
            ErrorCode.AMOUNT_RAISED,
            _("The amount is above what the engine allows now (%(amount)s yuan).")
            % {"amount": application.computed_amount},
        )
    # Conditional UPDATE: a second guard that holds even if a caller forgot the lock.
    updated = Call.objects.filter(pk=call.pk, committed__lte=F("budget") - approved).update(
        committed=F("committed") + approved
    )
    if updated != 1:
        raise Conflict(ErrorCode.BUDGET_EXHAUSTED, _("The call's budget cannot cover this award."))
    SchemeYear.objects.filter(pk=counter.pk).update(awards=F("awards") + 1, granted=F("granted") + approved)
    entry_rows = LedgerEntry.objects.filter(pk=entry.pk)
    if per_entity is not None:  # conditional UPDATE: the per-entity limit's second guard
        entry_rows = entry_rows.filter(awards__lt=per_entity)
    if entry_rows.update(awards=F("awards") + 1, granted=F("granted") + approved) != 1:
        raise Conflict(
            ErrorCode.ENTITY_LIMIT_REACHED,
            _("The entity already has its awards under this scheme this year."),
        )

    application.status = target
    application.approved_amount = approved
    if approved < ceiling:
        application.decision_reason = reason.strip()
    application.amount_confirmed_by = actor
    application.approved_at = timezone.now()
    application.save()
    audit_record(
        actor=actor,
        action=AuditAction.APPLICATION_APPROVE,
        obj=application,
        before=before,
        after=snapshot(application),
    )
    _notify(application.pk, "approved")
    return application


def _release(application: Application) -> None:
    """Give back what an award had committed (before payment only)."""
    amount = application.approved_amount or Decimal("0.00")
    call, counter, entry = _locked_counters(application)
    Call.objects.filter(pk=call.pk).update(committed=F("committed") - amount)
    SchemeYear.objects.filter(pk=counter.pk).update(awards=F("awards") - 1, granted=F("granted") - amount)
    LedgerEntry.objects.filter(pk=entry.pk).update(awards=F("awards") - 1, granted=F("granted") - amount)


@transaction.atomic
def application_reject(*, actor: Any, application: Application, reason: str) -> Application:
    """Reject with a reason: reviewers during review, finance before approval, the plan office after."""
    application = _lock(application)
    target = _check_transition(application, Action.REJECT, actor)
    if not reason.strip():
        raise Invalid(
            ErrorCode.REASON_REQUIRED,
            _("Give the reason for the rejection."),
            fields={"reason": [_("This field is required.")]},
        )
    status = application.status
    if status == S.UNDER_REVIEW or (status == S.CONTENT_APPROVED and actor.role != "finance"):
        if actor.role == "finance":
            raise NotAllowed(ErrorCode.ROLE, _("Finance decides only after the content review."))
        _check_reviewer(application, actor)
    elif status == S.CONTENT_APPROVED:
        if _is_conflicted(application, actor):
            raise NotAllowed(
                ErrorCode.CONFLICT_OF_INTEREST,
                _("You declared a conflict of interest with this application and are excluded from it."),
            )
    elif actor.role != "plan_office":
        raise NotAllowed(ErrorCode.ROLE, _("Only the plan office can revoke an approved award."))
    before = snapshot(application)
    if status in AWARDED_STATUSES:
        _release(application)
    application.status = target
    application.decision_reason = reason.strip()
    application.paused = False
    application.save()
    audit_record(
        actor=actor,
        action=AuditAction.APPLICATION_REJECT,
        obj=application,
        before=before,
        after=snapshot(application),
    )
    _notify(application.pk, "rejected")
    return application


# ---------------------------------------------------------------------------------------------------
# announcement, objections, payment


def _check_announcement_start(starts_on: dt.date | None) -> dt.date:
    """The 公示 starts today or later (the local date in Asia/Shanghai): a back-dated period would let an
    award be paid the same day with no time left to object."""
    today = _today()
    if starts_on is None:
        return today
    if starts_on < today:
        message = _("The announcement period cannot start before today (%(day)s).") % {"day": today}
        raise Invalid(ErrorCode.STARTS_IN_PAST, message, fields={"starts_on": [message]})
    return starts_on


@transaction.atomic
def application_announce(
    *, actor: Any, application: Application, starts_on: dt.date | None = None
) -> Application:
    application = _lock(application)
    target = _check_transition(application, Action.ANNOUNCE, actor)
    start = _check_announcement_start(starts_on)
    before = snapshot(application)
    application.status = target
    application.announced_from = start
    application.announced_until = add_working_days(start, application.call.announcement_days)
    application.save()
    audit_record(
        actor=actor,
        action=AuditAction.APPLICATION_ANNOUNCE,
        obj=application,
        before=before,
        after=snapshot(application),
    )
    _notify(application.pk, "announced")
    return application


@transaction.atomic
def application_demo_backdate_announcement(
    *, actor: Any, application: Application, start: dt.date
) -> Application:
    """Move a **demo** award's announcement period back so that it starts on `start` (demo data only).

    `application_announce` starts a 公示 today or later, as a real award must. The demo data set needs an
    award whose period ended weeks ago (so it can be paid); this is the one sanctioned way to make it,
    refused for any application not marked `is_demo`, and audited as `application.demo_backdate` with the
    period before and after (docs/adr/0018-demo-through-services.md)."""
    application = _lock(application)
    if not application.is_demo:
        raise ValidationError(_("Only demo data may be moved back in time."))
    if application.status != S.ANNOUNCED:
        raise ValidationError(_("Only an announced award has an announcement period to move."))
    fields = ["announced_from", "announced_until"]
    before = snapshot(application, fields)
    application.announced_from = start
    application.announced_until = add_working_days(start, application.call.announcement_days)
    application.save(update_fields=fields)
    audit_record(
        actor=actor,
        action=AuditAction.APPLICATION_DEMO_BACKDATE,
        obj=application,
        before=before,
        after=snapshot(application, fields),
    )
    return application


def call_announce_approved(*, actor: Any, call: Call, starts_on: dt.date | None = None) -> list[Application]:
    """Announce every approved award of a call at once (one transaction each)."""
    _require_role(actor, "plan_office")
    _check_announcement_start(starts_on)
    ids = list(Application.objects.filter(call=call, status=S.APPROVED).values_list("pk", flat=True))
    return [
        application_announce(actor=actor, application=Application(pk=pk), starts_on=starts_on) for pk in ids
    ]


@transaction.atomic
def objection_lodge(*, actor: Any, application: Application, name: str, contact: str, text: str) -> Objection:
    """Anyone (signed in or not) objects to an announced award during its period: the award pauses."""
    application = _lock(application)
    today = _today()
    if application.status != S.ANNOUNCED or not (
        application.announced_from
        and application.announced_from <= today <= (application.announced_until or today)
    ):
        raise Conflict(
            ErrorCode.NOT_IN_ANNOUNCEMENT, _("Objections are accepted only during the announcement period.")
        )
    objection = Objection(
        application=application, name=name.strip(), contact=contact.strip(), text=text.strip()
    )
    full_clean(objection)
    objection.save()
    was_paused = application.paused
    application.paused = True
    application.save(update_fields=["paused", "updated_at"])
    who = actor if getattr(actor, "is_authenticated", False) else "public"
    # Two records, each about one object: the new objection, and the award it pauses.
    audit_record(actor=who, action=AuditAction.OBJECTION_LODGE, obj=objection, after=snapshot(objection))
    audit_record(
        actor=who,
        action=AuditAction.APPLICATION_PAUSE,
        obj=application,
        before={"paused": was_paused},
        after={"paused": True, "objection": objection.pk},
    )
    _notify(application.pk, "objection")
    return objection


@transaction.atomic
def objection_resolve(*, actor: Any, objection: Objection, uphold: bool, resolution: str) -> Objection:
    """The plan office dismisses (the award resumes once no objection is open) or upholds (the award is
    revoked and its money returns to the budget)."""
    _require_role(actor, "plan_office")
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.status != ObjectionStatus.OPEN:
        raise Conflict(ErrorCode.ALREADY_RESOLVED, _("This objection has already been resolved."))
    if not resolution.strip():
        raise Invalid(
            ErrorCode.REASON_REQUIRED,
            _("Explain the resolution."),
            fields={"resolution": [_("This field is required.")]},
        )
    before = snapshot(objection)
    objection.status = ObjectionStatus.UPHELD if uphold else ObjectionStatus.DISMISSED
    objection.resolution = resolution.strip()
    objection.resolved_by = actor
    objection.resolved_at = timezone.now()
    objection.save()
    audit_record(
        actor=actor,
        action=AuditAction.OBJECTION_RESOLVE,
        obj=objection,
        before=before,
        after=snapshot(objection),
    )
    application = _lock(objection.application)
    if uphold:
        if application.status in (S.APPROVED, S.ANNOUNCED):
            application_reject(
                actor=actor,
                application=application,
                reason=_("Objection #%(id)s upheld: %(text)s")
                % {"id": objection.pk, "text": resolution.strip()},
            )
    elif not application.objections.filter(status=ObjectionStatus.OPEN).exists():
        application.paused = False
        application.save(update_fields=["paused", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.APPLICATION_RESUME,
            obj=application,
            before={"paused": True},
            after={"paused": False, "objection": objection.pk},
        )
        _notify(application.pk, "objection_dismissed")
    return objection


@transaction.atomic
def payment_record(
    *, actor: Any, application: Application, paid_on: dt.date, amount: Decimal, voucher: str
) -> Payment:
    """Finance records the one disbursement of an award after its announcement period ends (not while an
    objection holds it: the workflow's guard on PAY)."""
    application = _lock(application)
    target = _check_transition(application, Action.PAY, actor)
    if _is_conflicted(application, actor):
        raise NotAllowed(
            ErrorCode.CONFLICT_OF_INTEREST,
            _("You declared a conflict of interest with this application and are excluded from it."),
        )
    if application.announced_until is None or paid_on <= application.announced_until:
        raise Invalid(
            ErrorCode.ANNOUNCEMENT_NOT_OVER,
            _("The announcement period runs until %(day)s; pay after it ends.")
            % {"day": application.announced_until},
            fields={"paid_on": [_("Must be after the announcement period.")]},
        )
    if paid_on > _today():
        raise Invalid(
            ErrorCode.FUTURE_DATE,
            _("The payment date cannot be in the future."),
            fields={"paid_on": [_("Cannot be in the future.")]},
        )
    amount = round_fen(Decimal(amount))
    if amount != application.approved_amount:
        message = _("The payment must be the approved amount of %(amount)s yuan.") % {
            "amount": application.approved_amount
        }
        raise Invalid(ErrorCode.AMOUNT_MISMATCH, message, fields={"amount": [message]})
    if not voucher.strip():
        raise Invalid(
            ErrorCode.VOUCHER_REQUIRED,
            _("Enter the voucher number."),
            fields={"voucher": [_("This field is required.")]},
        )
    if Payment.objects.filter(voucher=voucher.strip()).exists():
        message = _("This voucher number is already recorded.")
        raise Invalid(ErrorCode.VOUCHER_USED, message, fields={"voucher": [message]})
    payment = Payment(
        application=application, paid_on=paid_on, amount=amount, voucher=voucher.strip(), recorded_by=actor
    )
    full_clean(payment)
    payment.save()
    _call, _counter, entry = _locked_counters(application)
    Call.objects.filter(pk=application.call_id).update(paid_total=F("paid_total") + amount)
    LedgerEntry.objects.filter(pk=entry.pk).update(paid=F("paid") + amount)
    before = snapshot(application)
    application.status = target
    application.save()
    audit_record(actor=actor, action=AuditAction.PAYMENT_RECORD, obj=payment, after=snapshot(payment))
    audit_record(
        actor=actor,
        action=AuditAction.APPLICATION_PAY,
        obj=application,
        before=before,
        after=snapshot(application),
    )
    _notify(application.pk, "paid")
    return payment
