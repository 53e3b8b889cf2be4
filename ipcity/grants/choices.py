"""Statuses of calls, applications and objections, and the one table of allowed transitions (STYLE rule 3).

An application moves:

    draft → submitted → under_review ⇄ changes_requested
          under_review → content_approved (reviewing department) → approved (finance; amount fixed)
          approved → announced (公示) → paid (finance)
    draft/submitted → withdrawn (applicant, before review)
    under_review/content_approved/approved/announced → rejected (with a reason)

Who may make each move is in `TRANSITIONS[action].roles` (asked through `APPLICATION_WORKFLOW`,
docs/adr/0017); object-level rules (own entity, reviewing
department, conflict of interest, separation of duties, hard limits) are enforced by the services.
"""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from ipcity.core.errors import Conflict
from ipcity.core.workflow import Transition, Workflow


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    CONTENT_APPROVED = "content_approved", _("Content approved, awaiting amount confirmation")
    APPROVED = "approved", _("Approved")
    ANNOUNCED = "announced", _("Announced")
    PAID = "paid", _("Paid")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Action(models.TextChoices):
    SUBMIT = "submit", _("Submit")
    WITHDRAW = "withdraw", _("Withdraw")
    START_REVIEW = "start_review", _("Start review")
    REQUEST_CHANGES = "request_changes", _("Request changes")
    RESUBMIT = "resubmit", _("Answer the change request")
    APPROVE_CONTENT = "approve_content", _("Approve content")
    APPROVE = "approve", _("Confirm amount and approve")
    ANNOUNCE = "announce", _("Announce")
    PAY = "pay", _("Record payment")
    REJECT = "reject", _("Reject")


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DISMISSED = "dismissed", _("Dismissed (award stands)")
    UPHELD = "upheld", _("Upheld (award revoked)")


S = ApplicationStatus
C = CallStatus


def _not_paused(application: Any, user: Any) -> None:
    """Payment waits while an objection holds the award (objection_lodge sets `paused`)."""
    if application.paused:
        raise Conflict(
            ErrorCode.PAUSED,
            _("An objection is open: the award is paused until the plan office resolves it."),
        )


# The application's transitions table (docs/adr/0017): action → from-states → to-state → roles (→ guard).
TRANSITIONS: dict[str, Transition] = {
    Action.SUBMIT: Transition.of({S.DRAFT}, S.SUBMITTED, {"applicant"}),
    Action.WITHDRAW: Transition.of({S.DRAFT, S.SUBMITTED}, S.WITHDRAWN, {"applicant"}),
    Action.START_REVIEW: Transition.of({S.SUBMITTED}, S.UNDER_REVIEW, {"department", "plan_office"}),
    Action.REQUEST_CHANGES: Transition.of(
        {S.UNDER_REVIEW}, S.CHANGES_REQUESTED, {"department", "plan_office"}
    ),
    Action.RESUBMIT: Transition.of({S.CHANGES_REQUESTED}, S.UNDER_REVIEW, {"applicant"}),
    Action.APPROVE_CONTENT: Transition.of(
        {S.UNDER_REVIEW}, S.CONTENT_APPROVED, {"department", "plan_office"}
    ),
    Action.APPROVE: Transition.of({S.CONTENT_APPROVED}, S.APPROVED, {"finance"}),
    Action.ANNOUNCE: Transition.of({S.APPROVED}, S.ANNOUNCED, {"plan_office"}),
    Action.PAY: Transition.of({S.ANNOUNCED}, S.PAID, {"finance"}, _not_paused),
    Action.REJECT: Transition.of(
        {S.UNDER_REVIEW, S.CONTENT_APPROVED, S.APPROVED, S.ANNOUNCED},
        S.REJECTED,
        {"department", "plan_office", "finance"},
    ),
}
APPLICATION_WORKFLOW = Workflow(
    "grants.application",
    TRANSITIONS,
    status_message=_("This cannot be done while the application is “%(status)s”."),
)


class CallAction(models.TextChoices):
    CONFIRM_BUDGET = "confirm_budget", _("Confirm the budget line")
    PUBLISH = "publish", _("Publish")
    CLOSE = "close", _("Close")
    ANNOUNCE = "announce", _("Announce all approved awards")


# A call's transitions table. Confirming the budget line (finance) and announcing the approved awards
# (plan office) do not move the call's status, so they are not rows here: their services check the role.
CALL_TRANSITIONS: dict[str, Transition] = {
    CallAction.PUBLISH: Transition.of(
        {C.DRAFT}, C.PUBLISHED, {"plan_office"}, status_message=_("Only a draft call can be published.")
    ),
    CallAction.CLOSE: Transition.of(
        {C.PUBLISHED}, C.CLOSED, {"plan_office"}, status_message=_("Only a published call can be closed.")
    ),
}
CALL_WORKFLOW = Workflow("grants.call", CALL_TRANSITIONS)

# Applications that still hold their (entity, scheme, subject) — the duplicate rule applies among these.
LIVE_STATUSES = frozenset(
    {
        S.DRAFT,
        S.SUBMITTED,
        S.UNDER_REVIEW,
        S.CHANGES_REQUESTED,
        S.CONTENT_APPROVED,
        S.APPROVED,
        S.ANNOUNCED,
        S.PAID,
    }
)
# Applications whose amount is committed against the budget, the quota and the entity's annual cap.
AWARDED_STATUSES = frozenset({S.APPROVED, S.ANNOUNCED, S.PAID})
# The applicant may edit facts and attachments only here.
EDITABLE_STATUSES = frozenset({S.DRAFT, S.CHANGES_REQUESTED})
# Review actions (excluded by a conflict-of-interest declaration).
REVIEW_ACTIONS = frozenset(
    {Action.START_REVIEW, Action.REQUEST_CHANGES, Action.APPROVE_CONTENT, Action.APPROVE, Action.REJECT}
)


class AuditAction(models.TextChoices):
    """The actions this app writes to the audit trail (registered in apps.py; ADR 0013)."""

    CALL_CREATE = "call.create", _("Call created")
    CALL_CONFIRM_BUDGET = "call.confirm_budget", _("Call budget confirmed")
    CALL_PUBLISH = "call.publish", _("Call published")
    CALL_CLOSE = "call.close", _("Call closed")
    APPLICATION_CREATE = "application.create", _("Application created")
    APPLICATION_UPDATE = "application.update", _("Application updated")
    ATTACHMENT_ADD = "attachment.add", _("Attachment added to an application")
    APPLICATION_SUBMIT = "application.submit", _("Application submitted")
    APPLICATION_WITHDRAW = "application.withdraw", _("Application withdrawn")
    APPLICATION_RESUBMIT = "application.resubmit", _("Application resubmitted")
    APPLICATION_DECLARE_CONFLICT = "application.declare_conflict", _("Conflict of interest declared")
    APPLICATION_START_REVIEW = "application.start_review", _("Review of an application started")
    APPLICATION_REQUEST_CHANGES = "application.request_changes", _("Changes requested on an application")
    APPLICATION_APPROVE_CONTENT = "application.approve_content", _("Application content approved")
    APPLICATION_APPROVE = "application.approve", _("Award approved")
    APPLICATION_REJECT = "application.reject", _("Application rejected")
    APPLICATION_ANNOUNCE = "application.announce", _("Award announced")
    APPLICATION_PAUSE = "application.pause", _("Award paused by an objection")
    APPLICATION_RESUME = "application.resume", _("Award resumed after objections were dismissed")
    APPLICATION_PAY = "application.pay", _("Award paid")
    APPLICATION_DEMO_BACKDATE = "application.demo_backdate", _("Demo data: announcement backdated")
    OBJECTION_LODGE = "objection.lodge", _("Objection lodged")
    OBJECTION_RESOLVE = "objection.resolve", _("Objection resolved")
    PAYMENT_RECORD = "payment.record", _("Payment recorded")


class ErrorCode(models.TextChoices):
    """The machine codes of the grants refusals (ipcity.core.errors; the API's `code`, ADR 0016)."""

    ALREADY_RESOLVED = "already_resolved"
    AMOUNT_MISMATCH = "amount_mismatch"
    AMOUNT_NOT_POSITIVE = "amount_not_positive"
    AMOUNT_RAISED = "amount_raised"
    ANNOUNCEMENT_NOT_OVER = "announcement_not_over"
    ANNUAL_CAP_REACHED = "annual_cap_reached"
    ANSWER_REQUIRED = "answer_required"
    ATTACHMENT_KIND = "attachment_kind"
    ATTACHMENTS_MISSING = "attachments_missing"
    BUDGET_EXHAUSTED = "budget_exhausted"
    BUDGET_NOT_CONFIRMED = "budget_not_confirmed"
    CALL_NOT_OPEN = "call_not_open"
    CONFLICT_OF_INTEREST = "conflict_of_interest"
    CREDIT_PUNISHMENT = "credit_punishment"
    DUPLICATE = "duplicate"
    ENTITY_LIMIT_REACHED = "entity_limit_reached"
    ENTITY_PENDING = "entity_pending"
    FUTURE_DATE = "future_date"
    INVALID = "invalid"
    INVALID_FACTS = "invalid_facts"
    NO_REVIEWERS = "no_reviewers"
    NOT_EDITABLE = "not_editable"
    NOT_ELIGIBLE = "not_eligible"
    NOT_FOUND = "not_found"
    NOT_IN_ANNOUNCEMENT = "not_in_announcement"
    NOT_OWNER = "not_owner"
    NOT_REVIEWER = "not_reviewer"
    PAUSED = "paused"
    QUOTA_EXHAUSTED = "quota_exhausted"
    REASON_REQUIRED = "reason_required"
    ROLE = "role"
    SCHEME_NOT_IN_CALL = "scheme_not_in_call"
    SEPARATION_OF_DUTIES = "separation_of_duties"
    STARTS_IN_PAST = "starts_in_past"
    UNKNOWN_ACTION = "unknown_action"
    UNKNOWN_SCHEME = "unknown_scheme"
    UPLOAD = "upload"
    VOUCHER_REQUIRED = "voucher_required"
    VOUCHER_USED = "voucher_used"
    WRONG_STATUS = "wrong_status"
