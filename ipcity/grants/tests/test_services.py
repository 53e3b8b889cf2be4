"""The workflow, the hard limits, the duplicate rule, conflicts of interest, objections and the ledger,
driven through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone, translation

from ipcity.core.errors import DomainError, NotAllowed
from ipcity.grants import engine, services
from ipcity.grants.choices import ApplicationStatus as S
from ipcity.grants.models import Application, Call, LedgerEntry, SchemeYear
from ipcity.grants.selectors import application_list, ledger_consistency_problems
from ipcity.protection import services as credit

from .conftest import ENTITLEMENT, World, new_entity, pdf

pytestmark = pytest.mark.django_db

ROLES = ["applicant", "department", "plan_office", "finance", "admin", "auditor"]


def user_of(world: World, role: str) -> Any:
    return {
        "applicant": world.applicant,
        "department": world.reviewer,
        "plan_office": world.plan_office,
        "finance": world.finance,
        "admin": world.admin,
        "auditor": world.auditor,
    }[role]


def today() -> dt.date:
    return timezone.localdate()


# action: (how to reach the source state, how to act, roles allowed, resulting status)
MATRIX: dict[str, tuple[Any, Any, set[str], str]] = {
    "submit": (
        lambda w: w.draft(),
        lambda a, u: services.application_submit(actor=u, application=a),
        {"applicant"},
        S.SUBMITTED,
    ),
    "withdraw": (
        lambda w: w.submitted(),
        lambda a, u: services.application_withdraw(actor=u, application=a),
        {"applicant"},
        S.WITHDRAWN,
    ),
    "start_review": (
        lambda w: w.submitted(),
        lambda a, u: services.application_start_review(actor=u, application=a),
        {"department", "plan_office"},
        S.UNDER_REVIEW,
    ),
    "request_changes": (
        lambda w: w.under_review(),
        lambda a, u: services.application_request_changes(actor=u, application=a, message="补充合同"),
        {"department", "plan_office"},
        S.CHANGES_REQUESTED,
    ),
    "resubmit": (
        lambda w: services.application_request_changes(
            actor=w.reviewer, application=w.under_review(), message="补充合同"
        ),
        lambda a, u: services.application_resubmit(actor=u, application=a, answer="已补充"),
        {"applicant"},
        S.UNDER_REVIEW,
    ),
    "approve_content": (
        lambda w: w.under_review(),
        lambda a, u: services.application_approve_content(actor=u, application=a),
        {"department", "plan_office"},
        S.CONTENT_APPROVED,
    ),
    "approve": (
        lambda w: w.content_approved(),
        lambda a, u: services.application_approve(actor=u, application=a),
        {"finance"},
        S.APPROVED,
    ),
    "announce": (
        lambda w: w.approved(),
        lambda a, u: services.application_announce(actor=u, application=a),
        {"plan_office"},
        S.ANNOUNCED,
    ),
    "pay": (
        lambda w: w.announced(),
        lambda a, u: services.payment_record(
            actor=u, application=a, paid_on=today(), amount=a.approved_amount, voucher=f"PZ-{a.pk}"
        ),
        {"finance"},
        S.PAID,
    ),
    "reject": (
        lambda w: w.under_review(),
        lambda a, u: services.application_reject(actor=u, application=a, reason="不符合条件"),
        {"department", "plan_office"},
        S.REJECTED,
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(MATRIX))
def test_every_transition_allowed_and_refused_per_role(world: World, action: str, role: str) -> None:
    reach, act, allowed, target = MATRIX[action]
    app = reach(world)
    before = app.status
    if role in allowed:
        act(app, user_of(world, role))
        assert Application.objects.get(pk=app.pk).status == target
    else:
        with pytest.raises(NotAllowed):
            act(app, user_of(world, role))
        assert Application.objects.get(pk=app.pk).status == before


@pytest.mark.parametrize(
    ("reach", "act"),
    [
        (
            lambda w: w.under_review(),
            lambda a, w: services.application_withdraw(actor=w.applicant, application=a),
        ),
        (
            lambda w: w.draft(),
            lambda a, w: services.application_start_review(actor=w.reviewer, application=a),
        ),
        (
            lambda w: w.under_review(),
            lambda a, w: services.application_approve(actor=w.finance, application=a),
        ),
        (
            lambda w: w.content_approved(),
            lambda a, w: services.application_announce(actor=w.plan_office, application=a),
        ),
        (
            lambda w: w.approved(),
            lambda a, w: services.payment_record(
                actor=w.finance,
                application=a,
                paid_on=dt.date(2026, 1, 1),
                amount=a.approved_amount,
                voucher="X",
            ),
        ),
        (lambda w: w.submitted(), lambda a, w: services.application_submit(actor=w.applicant, application=a)),
    ],
)
def test_transitions_from_the_wrong_state_are_refused_with_a_reason(
    world: World, reach: Any, act: Any
) -> None:
    app = reach(world)
    with pytest.raises(DomainError) as info:
        act(app, world)
    assert info.value.code == "wrong_status"
    assert app.get_status_display() in info.value.message


def test_other_entity_cannot_touch_an_application(world: World) -> None:
    app = world.draft()
    with pytest.raises(NotAllowed):
        services.application_submit(actor=world.other_applicant, application=app)
    assert app not in application_list(user=world.other_applicant)


def test_department_outside_the_call_cannot_review(world: World) -> None:
    app = world.submitted()
    with pytest.raises(NotAllowed) as info:
        services.application_start_review(actor=world.outsider_dept, application=app)
    assert info.value.code == "not_reviewer"
    assert not application_list(user=world.outsider_dept).exists()


def test_submit_requires_attachments_and_valid_facts(world: World) -> None:
    app = services.application_create(
        actor=world.applicant,
        call=world.call,
        scheme_id="overseas_litigation",
        subject_ref="案1",
        entitlement_date=dt.date(2024, 6, 1),
        facts={"outcome": "won"},
    )
    with pytest.raises(DomainError) as info:
        services.application_submit(actor=world.applicant, application=app)
    assert info.value.code == "attachments_missing"
    services.attachment_add(actor=world.applicant, application=app, code="judgment", upload=pdf())
    with pytest.raises(DomainError) as info:
        services.application_submit(actor=world.applicant, application=app)
    assert info.value.code == "invalid_facts"
    assert "facts.legal_fees" in info.value.fields


def test_upload_checked_by_content(world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    app = world.draft(subject="案-upload")
    fake = SimpleUploadedFile("evil.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(DomainError) as info:
        services.attachment_add(actor=world.applicant, application=app, code="judgment", upload=fake)
    assert info.value.code == "upload"


def test_provisional_amount_and_trace_before_submitting(world: World) -> None:
    app = world.draft(fees="300000")
    assert app.status == S.DRAFT
    assert app.computed_amount == Decimal("150000.00")
    assert app.computed_trace["trace"], "the trace explains the amount"
    assert any("二(一)4" in step["clause"] for step in app.computed_trace["trace"])


# -- the duplicate rule --------------------------------------------------------------------------


def test_duplicate_live_application_refused(world: World) -> None:
    world.submitted(subject="(2024)鲁06民初7号")
    with pytest.raises(DomainError) as info:
        world.draft(subject="(2024)鲁06民初7号")
    assert info.value.code == "duplicate"
    assert "subject_ref" in info.value.fields
    # a different subject, or another entity with the same subject, is fine
    world.draft(subject="(2024)鲁06民初8号")
    world.draft(applicant=world.other_applicant, subject="(2024)鲁06民初7号")


def test_duplicate_allowed_again_after_withdrawal_or_rejection(world: World) -> None:
    first = world.submitted(subject="案-W")
    services.application_withdraw(actor=world.applicant, application=first)
    second = world.under_review(subject="案-W")
    services.application_reject(actor=world.reviewer, application=second, reason="材料不实")
    third = world.draft(subject="案-W")
    assert third.status == S.DRAFT


def test_duplicate_rule_also_when_editing(world: World) -> None:
    world.draft(subject="案-A")
    other = world.draft(subject="案-B")
    with pytest.raises(DomainError) as info:
        services.application_update(actor=world.applicant, application=other, subject_ref="案-A")
    assert info.value.code == "duplicate"


# -- conflicts of interest and separation of duties ---------------------------------------------


def test_conflict_of_interest_excludes_the_reviewer(world: World) -> None:
    app = world.submitted()
    services.conflict_declare(actor=world.reviewer2, application=app, reason="申请人为本人亲属所在企业")
    with pytest.raises(NotAllowed) as info:
        services.application_start_review(actor=world.reviewer2, application=app)
    assert info.value.code == "conflict_of_interest"
    assert app not in application_list(user=world.reviewer2)
    assert app in application_list(user=world.reviewer)
    services.application_start_review(actor=world.reviewer, application=app)


def test_conflicted_finance_cannot_approve(world: World) -> None:
    app = world.content_approved()
    services.conflict_declare(actor=world.finance, application=app, reason="曾为该企业提供咨询")
    with pytest.raises(NotAllowed):
        services.application_approve(actor=world.finance, application=app)
    approved = services.application_approve(actor=world.finance2, application=app)
    assert approved.amount_confirmed_by == world.finance2


def test_content_reviewer_cannot_confirm_the_amount(world: World) -> None:
    app = world.content_approved()
    reviewer = world.reviewer
    reviewer.role = "finance"  # the same person, later moved to the finance bureau
    reviewer.save()
    with pytest.raises(NotAllowed) as info:
        services.application_approve(actor=reviewer, application=app)
    assert info.value.code == "separation_of_duties"


def test_approval_records_two_different_people(world: World) -> None:
    app = world.approved()
    assert app.content_reviewer == world.reviewer
    assert app.amount_confirmed_by == world.finance
    assert app.content_reviewer != app.amount_confirmed_by


# -- reviewers may only lower the engine's amount, with a reason --------------------------------


def test_reviewer_cannot_raise_the_amount(world: World) -> None:
    app = world.under_review(fees="300000")
    with pytest.raises(DomainError) as info:
        services.application_approve_content(
            actor=world.reviewer, application=app, amount=Decimal("150000.01")
        )
    assert info.value.code == "amount_raised"
    with pytest.raises(DomainError) as info:
        services.application_approve_content(actor=world.reviewer, application=app, amount=Decimal("100000"))
    assert info.value.code == "reason_required"
    done = services.application_approve_content(
        actor=world.reviewer, application=app, amount=Decimal("100000"), reason="部分费用与涉外诉讼无关"
    )
    assert done.proposed_amount == Decimal("100000.00")
    assert done.reduction_reason


def test_finance_cannot_raise_above_the_proposal(world: World) -> None:
    app = world.content_approved(amount=Decimal("120000"), reason="核减")
    with pytest.raises(DomainError) as info:
        services.application_approve(actor=world.finance, application=app, amount=Decimal("120000.01"))
    assert info.value.code == "amount_raised"
    done = services.application_approve(actor=world.finance, application=app, amount=Decimal("120000"))
    assert done.approved_amount == Decimal("120000.00")


# -- hard limits, both sides of each boundary ----------------------------------------------------


def test_budget_exactly_used_up_then_refused(world: World) -> None:
    call = world.new_call(budget="300000.00")
    a = world.content_approved(call=call, subject="B1", fees="300000")  # 150,000
    b = world.content_approved(call=call, subject="B2", fees="300000")  # 150,000
    c = world.content_approved(call=call, subject="B3", fees="0.02")  # 0.01
    services.application_approve(actor=world.finance, application=a)
    services.application_approve(actor=world.finance, application=b)
    assert Call.objects.get(pk=call.pk).committed == Decimal("300000.00")
    with pytest.raises(DomainError) as info:
        services.application_approve(actor=world.finance, application=c)
    assert info.value.code == "budget_exhausted"
    assert "0.00" in info.value.message
    assert Call.objects.get(pk=call.pk).committed == Decimal("300000.00")
    assert Application.objects.get(pk=c.pk).status == S.CONTENT_APPROVED


def test_annual_cap_reached_exactly_then_refused(world: World) -> None:
    a = world.content_approved(subject="C1", fees="1600000")  # 800,000
    b = world.content_approved(subject="C2", fees="400000")  # 200,000
    c = world.content_approved(subject="C3", fees="0.02")  # 0.01
    other = world.content_approved(applicant=world.other_applicant, subject="C4", fees="400000")
    services.application_approve(actor=world.finance, application=a)
    services.application_approve(actor=world.finance, application=b)
    entry = LedgerEntry.objects.get(entity=world.entity, scheme_id="overseas_litigation", year=2024)
    assert entry.granted == Decimal("1000000.00")
    with pytest.raises(DomainError) as info:
        services.application_approve(actor=world.finance, application=c)
    assert info.value.code == "annual_cap_reached"
    # the cap is per entity: another entity is unaffected
    services.application_approve(actor=world.finance, application=other)
    assert LedgerEntry.objects.get(
        entity=world.entity, scheme_id="overseas_litigation", year=2024
    ).granted == Decimal("1000000.00")


def test_engine_sees_the_ledger_after_an_award(world: World) -> None:
    world.approved(subject="L1", fees="1600000")  # 800,000 granted this year
    later = world.draft(subject="L2", fees="1000000")  # would be 500,000 alone
    assert later.computed_amount == Decimal("200000.00")  # min(500,000, 1,000,000 - 800,000)
    assert later.computed_trace["binding_cap"] or later.computed_trace["trace"]


def test_annual_cap_one_fen_left(world: World) -> None:
    """overseas_litigation, 二(一)4: at most 1,000,000 per enterprise per year. With 999,999.99 granted,
    0.02 is refused and 0.01 passes."""
    assert engine.annual_cap("overseas_litigation", ENTITLEMENT) == Decimal("1000000.00")
    a = world.content_approved(subject="F1", fees="1000000")  # 500,000.00
    b = world.content_approved(subject="F2", fees="999999.98")  # 499,999.99
    two_fen = world.content_approved(subject="F3", fees="0.04")  # 0.02
    one_fen = world.content_approved(subject="F4", fees="0.02")  # 0.01
    assert (two_fen.proposed_amount, one_fen.proposed_amount) == (Decimal("0.02"), Decimal("0.01"))
    services.application_approve(actor=world.finance, application=a)
    services.application_approve(actor=world.finance, application=b)
    assert services.ledger_facts(entity=world.entity, scheme_id="overseas_litigation", year=2024)[
        0
    ] == Decimal("999999.99")
    with pytest.raises(DomainError) as info:
        services.application_approve(actor=world.finance, application=two_fen)
    assert info.value.code == "annual_cap_reached"
    assert "999999.99" in info.value.message and "0.01" in info.value.message  # granted, and what is left
    assert Application.objects.get(pk=two_fen.pk).status == S.CONTENT_APPROVED
    done = services.application_approve(actor=world.finance, application=one_fen)
    assert done.status == S.APPROVED and done.approved_amount == Decimal("0.01")
    entry = LedgerEntry.objects.get(entity=world.entity, scheme_id="overseas_litigation", year=2024)
    assert (entry.granted, entry.awards) == (Decimal("1000000.00"), 3)
    with pytest.raises(DomainError) as info:  # still refused now that the cap is reached exactly
        services.application_approve(actor=world.finance, application=two_fen)
    assert info.value.code == "annual_cap_reached"
    assert ledger_consistency_problems() == []


# municipal_advantage_enterprise, 二(四)1: 每年评定不超过20家 -- the plan's own yearly quota.
ADVANTAGE = "municipal_advantage_enterprise"


def advantage_call(world: World, year: int = 2024) -> Any:
    """A call whose budget is never the binding limit (21 x 100,000 fits many times over)."""
    return world.new_call(budget="100000000.00", schemes=[ADVANTAGE], year=year)


def awards(year: int = 2024) -> int:
    counter = SchemeYear.objects.filter(scheme_id=ADVANTAGE, year=year).first()
    return counter.awards if counter else 0


def approve(world: World, apps: list[Any]) -> None:
    for app in apps:
        services.application_approve(actor=world.finance, application=app)


def _same_entity_advantage(world: World, call: Any, n: int, applicant: Any, year: int = 2024) -> Any:
    return world.content_approved(
        applicant=applicant,
        call=call,
        subject=f"烟市监字〔{year}〕{500 + n}号",
        scheme=ADVANTAGE,
        facts={"designated": True, "requested_amount": "100000"},
        entitlement=dt.date(year, 6, 1),
    )


def test_the_plan_limits_advantage_enterprises_to_one_award_a_year() -> None:
    """二(四)1 counts enterprises ("每年评定不超过20家……每家企业"): one award per enterprise a year; the
    bank award 附件 三(三)3 is a yearly selection; overseas litigation is per case, with a money cap."""
    assert engine.per_entity_per_year(ADVANTAGE, ENTITLEMENT) == 1
    assert engine.per_entity_per_year("bank_pledge_reward", ENTITLEMENT) == 1
    assert engine.per_entity_per_year("overseas_litigation", ENTITLEMENT) is None


def test_second_award_to_the_same_enterprise_in_a_year_is_refused(world: World) -> None:
    """Finding 12: one enterprise took all 20 places. The second approval is refused and writes nothing;
    another enterprise still gets a place."""
    call = advantage_call(world)
    applicant = world.make_user("applicant", entity=new_entity())
    first, second = (_same_entity_advantage(world, call, n, applicant) for n in range(2))
    assert services.application_approve(actor=world.finance, application=first).status == S.APPROVED
    committed = Call.objects.get(pk=call.pk).committed
    with pytest.raises(DomainError) as info:
        services.application_approve(actor=world.finance, application=second)
    assert info.value.code == "entity_limit_reached"
    assert "已在2024年度获得该项目奖励1项：每家单位每年最多 1 项" in info.value.message
    assert Application.objects.get(pk=second.pk).status == S.CONTENT_APPROVED
    entry = LedgerEntry.objects.get(entity=applicant.entity, scheme_id=ADVANTAGE, year=2024)
    assert (entry.awards, awards(), Call.objects.get(pk=call.pk).committed) == (1, 1, committed)
    other = world.advantage(call, 1)
    assert services.application_approve(actor=world.finance, application=other).status == S.APPROVED
    assert ledger_consistency_problems() == []


def test_same_enterprise_may_have_one_award_in_each_year(world: World) -> None:
    applicant = world.make_user("applicant", entity=new_entity())
    for year in (2023, 2024):
        app = _same_entity_advantage(world, advantage_call(world, year=year), 0, applicant, year=year)
        assert services.application_approve(actor=world.finance, application=app).status == S.APPROVED


def test_revoked_award_frees_the_enterprise_place(world: World) -> None:
    call = advantage_call(world)
    applicant = world.make_user("applicant", entity=new_entity())
    first, second = (_same_entity_advantage(world, call, n, applicant) for n in range(2))
    services.application_approve(actor=world.finance, application=first)
    services.application_reject(actor=world.plan_office, application=first, reason="撤销：材料不实")
    assert services.application_approve(actor=world.finance, application=second).status == S.APPROVED


def test_applicant_is_told_at_submission_that_the_entity_has_its_award(world: World) -> None:
    call = advantage_call(world)
    applicant = world.make_user("applicant", entity=new_entity())
    services.application_approve(
        actor=world.finance, application=_same_entity_advantage(world, call, 0, applicant)
    )
    late = world.draft(
        applicant=applicant,
        call=call,
        subject="烟市监字〔2024〕599号",
        scheme=ADVANTAGE,
        facts={"designated": True, "requested_amount": "100000"},
    )
    with pytest.raises(DomainError) as info:
        services.application_submit(actor=applicant, application=late)
    assert info.value.code == "entity_limit_reached"
    assert "您的单位已在2024年度获得该项目奖励" in info.value.field_messages()["scheme_id"][0]
    with translation.override("en"):
        with pytest.raises(DomainError) as info:
            services.application_submit(actor=applicant, application=late)
    assert "already received an award under this scheme in 2024" in info.value.message
    assert Application.objects.get(pk=late.pk).status == S.DRAFT
    # a scheme without the limit: a second award to the same entity is fine
    for subject in ("(2024)鲁06民初701号", "(2024)鲁06民初702号"):
        assert world.approved(subject=subject).status == S.APPROVED


def test_the_plan_gives_advantage_enterprises_a_quota_of_twenty() -> None:
    assert engine.yearly_quota(ADVANTAGE, ENTITLEMENT) == 20
    assert engine.yearly_quota(ADVANTAGE, dt.date(2023, 6, 1)) == 20


def test_yearly_quota_twentieth_award_passes_twenty_first_refused(world: World) -> None:
    call = advantage_call(world)
    apps = [world.advantage(call, n) for n in range(21)]
    approve(world, apps[:19])
    assert awards() == 19
    twentieth = services.application_approve(actor=world.finance2, application=apps[19])
    assert twentieth.status == S.APPROVED
    assert awards() == 20
    with pytest.raises(DomainError) as info:
        services.application_approve(actor=world.finance2, application=apps[20])
    assert info.value.code == "quota_exhausted"
    assert "2024年度20个名额已用完" in info.value.message
    assert Application.objects.get(pk=apps[20].pk).status == S.CONTENT_APPROVED
    assert awards() == 20
    assert Call.objects.get(pk=call.pk).committed == Decimal("2000000.00")  # 20 x 100,000, not 21
    assert Application.objects.filter(scheme_id=ADVANTAGE, status=S.APPROVED).count() == 20
    assert ledger_consistency_problems() == []


def test_once_the_quota_is_full_new_submissions_are_told_why_in_words(world: World) -> None:
    call = advantage_call(world)
    apps = [world.advantage(call, n) for n in range(20)]
    late_applicant = world.make_user("applicant", entity=new_entity())
    facts = {"designated": True, "requested_amount": "100000"}
    late = world.draft(
        applicant=late_applicant, call=call, subject="烟市监字〔2024〕99号", scheme=ADVANTAGE, facts=facts
    )
    services.application_submit(actor=late_applicant, application=late)  # 0 of 20 used: accepted
    services.application_withdraw(actor=late_applicant, application=late)
    approve(world, apps)
    late = world.draft(
        applicant=late_applicant, call=call, subject="烟市监字〔2024〕99号", scheme=ADVANTAGE, facts=facts
    )
    with pytest.raises(DomainError) as info:
        services.application_submit(actor=late_applicant, application=late)
    assert info.value.code == "not_eligible"
    assert "本年度名额已用完" in info.value.message
    assert "quota_exhausted" not in info.value.message  # words, not the engine's code
    with translation.override("en"):
        with pytest.raises(DomainError) as info:
            services.application_submit(actor=late_applicant, application=late)
    assert "quota of awards is used up" in info.value.message
    assert Application.objects.get(pk=late.pk).status == S.DRAFT


def test_quota_place_freed_only_when_an_objection_is_upheld(world: World) -> None:
    call = advantage_call(world)
    apps = [world.advantage(call, n) for n in range(21)]
    approve(world, apps[:20])
    contested = services.application_announce(actor=world.plan_office, application=apps[7], starts_on=today())
    objection = services.objection_lodge(
        actor=None, application=contested, name="赵六", contact="13900000000", text="未达到评定条件"
    )
    # a paused award still holds its place
    with pytest.raises(DomainError) as info:
        services.application_approve(actor=world.finance, application=apps[20])
    assert info.value.code == "quota_exhausted"
    assert "2024年度20个名额已用完" in info.value.message
    services.objection_resolve(
        actor=world.plan_office, objection=objection, uphold=True, resolution="异议成立"
    )
    assert Application.objects.get(pk=contested.pk).status == S.REJECTED
    assert awards() == 19
    assert services.application_approve(actor=world.finance, application=apps[20]).status == S.APPROVED
    assert awards() == 20
    assert ledger_consistency_problems() == []


def test_dismissed_objection_frees_no_quota_place(world: World) -> None:
    call = advantage_call(world)
    apps = [world.advantage(call, n) for n in range(21)]
    approve(world, apps[:20])
    contested = services.application_announce(actor=world.plan_office, application=apps[3], starts_on=today())
    objection = services.objection_lodge(
        actor=None, application=contested, name="钱七", contact="x@y.cn", text="材料存疑"
    )
    services.objection_resolve(
        actor=world.plan_office, objection=objection, uphold=False, resolution="不成立"
    )
    with pytest.raises(DomainError) as info:
        services.application_approve(actor=world.finance, application=apps[20])
    assert info.value.code == "quota_exhausted"
    assert "2024年度20个名额已用完" in info.value.message
    assert awards() == 20


def test_awards_of_another_year_do_not_count_towards_the_quota(world: World) -> None:
    last_year = advantage_call(world, year=2023)
    old = [world.advantage(last_year, n, year=2023) for n in range(21)]
    approve(world, old[:20])
    assert (awards(2023), awards(2024)) == (20, 0)
    this_year = advantage_call(world)
    fresh = [world.advantage(this_year, n) for n in range(2)]
    # 20 awards in 2023 leave 2024 untouched ...
    approve(world, fresh)
    assert (awards(2023), awards(2024)) == (20, 2)
    # ... and 2024's awards do not reopen or further fill 2023, which stays full
    with pytest.raises(DomainError) as info:
        services.application_approve(actor=world.finance, application=old[20])
    assert info.value.code == "quota_exhausted"
    assert "2023年度20个名额已用完" in info.value.message
    assert ledger_consistency_problems() == []


def test_credit_punished_entity_cannot_be_approved(world: World) -> None:
    app = world.content_approved()
    record = credit.credit_record_create(
        actor=world.plan_office,
        entity=world.entity,
        behaviour="提交虚假材料骗取资助",
        measure="三年内不得申报财政资助项目",
        period_start=today(),
        source_document="烟市监信〔2024〕1号",
    )
    with pytest.raises(DomainError) as info:
        services.application_approve(actor=world.finance, application=app)
    assert info.value.code == "credit_punishment"
    # the punishment ending today still blocks; ended yesterday no longer does
    credit.credit_record_end(actor=world.plan_office, record=record, period_end=today())
    with pytest.raises(DomainError):
        services.application_approve(actor=world.finance, application=app)
    record.period_start = today() - dt.timedelta(days=30)
    record.save()
    credit.credit_record_end(
        actor=world.plan_office, record=record, period_end=today() - dt.timedelta(days=1)
    )
    assert services.application_approve(actor=world.finance, application=app).status == S.APPROVED


def test_only_plan_office_manages_credit_register(world: World) -> None:
    from django.core.exceptions import PermissionDenied

    for user in (world.finance, world.admin, world.applicant, world.reviewer):
        with pytest.raises(PermissionDenied):
            credit.credit_record_create(
                actor=user,
                entity=world.entity,
                behaviour="x",
                measure="y",
                period_start=today(),
                source_document="z",
            )


# -- announcement and objections -----------------------------------------------------------------


def test_announcement_period_is_working_days() -> None:
    # 2024-06-10 (Monday) was the Dragon Boat Festival: a public holiday, not a working day.
    friday = dt.date(2024, 6, 7)
    assert services.add_working_days(friday, 5) == dt.date(2024, 6, 14)  # Fri, Tue–Fri
    saturday = dt.date(2024, 6, 8)
    assert services.add_working_days(saturday, 1) == dt.date(2024, 6, 11)
    plain_friday = dt.date(2024, 5, 24)
    assert services.add_working_days(plain_friday, 5) == dt.date(2024, 5, 30)  # Fri, Mon–Thu


def test_announcement_days_configurable(world: World) -> None:
    call = world.new_call(days=10)
    app = world.approved(call=call, subject="D10")
    done = services.application_announce(actor=world.plan_office, application=app, starts_on=today())
    assert done.announced_until == services.add_working_days(today(), 10)
    assert services.add_working_days(dt.date(2024, 6, 3), 10) == dt.date(2024, 6, 17)  # 10 June: holiday


@pytest.mark.parametrize(("offset", "accepted"), [(-1, False), (0, True), (1, True)])
def test_announcement_cannot_be_back_dated(world: World, offset: int, accepted: bool) -> None:
    """A back-dated 公示 would let an award be paid the same day with no time to object (finding 5)."""
    app = world.approved(subject=f"BACK{offset}")
    start = today() + dt.timedelta(days=offset)
    if accepted:
        done = services.application_announce(actor=world.plan_office, application=app, starts_on=start)
        assert done.status == S.ANNOUNCED and done.announced_from == start
        return
    with pytest.raises(DomainError) as info:
        services.application_announce(actor=world.plan_office, application=app, starts_on=start)
    assert info.value.code == "starts_in_past" and "starts_on" in info.value.fields
    app.refresh_from_db()
    assert app.status == S.APPROVED and app.announced_from is None
    with pytest.raises(DomainError):  # the whole call at once: nothing announced either
        services.call_announce_approved(actor=world.plan_office, call=world.call, starts_on=start)
    assert not Application.objects.filter(status=S.ANNOUNCED).exists()


def test_objection_pauses_the_award_until_resolved(world: World) -> None:
    app = world.announced(starts_on=today())
    objection = services.objection_lodge(
        actor=None, application=app, name="张三", contact="13800000000", text="该案实为败诉"
    )
    assert Application.objects.get(pk=app.pk).paused
    with pytest.raises(DomainError) as info:
        services.payment_record(
            actor=world.finance, application=app, paid_on=today(), amount=app.approved_amount, voucher="PZ1"
        )
    assert info.value.code in {"paused", "announcement_not_over"}
    with pytest.raises(NotAllowed):
        services.objection_resolve(actor=world.finance, objection=objection, uphold=False, resolution="x")
    services.objection_resolve(
        actor=world.plan_office, objection=objection, uphold=False, resolution="经核实，胜诉属实"
    )
    assert not Application.objects.get(pk=app.pk).paused


def test_upheld_objection_revokes_the_award_and_returns_the_money(world: World) -> None:
    app = world.announced(starts_on=today())
    committed = Call.objects.get(pk=world.call.pk).committed
    objection = services.objection_lodge(
        actor=None, application=app, name="李四", contact="a@b.cn", text="重复申报"
    )
    services.objection_resolve(
        actor=world.plan_office, objection=objection, uphold=True, resolution="异议成立"
    )
    app.refresh_from_db()
    assert app.status == S.REJECTED
    assert Call.objects.get(pk=world.call.pk).committed == committed - Decimal("150000.00")
    assert ledger_consistency_problems() == []


def test_objection_only_during_the_announcement(world: World) -> None:
    app = world.announced(starts_on=today() - dt.timedelta(days=30))
    with pytest.raises(DomainError) as info:
        services.objection_lodge(actor=None, application=app, name="王五", contact="x", text="迟到的异议")
    assert info.value.code == "not_in_announcement"
    approved = world.approved(subject="not-yet")
    with pytest.raises(DomainError):
        services.objection_lodge(actor=None, application=approved, name="王五", contact="x", text="尚未公示")


def test_second_open_objection_keeps_the_pause(world: World) -> None:
    app = world.announced(starts_on=today())
    first = services.objection_lodge(actor=None, application=app, name="甲", contact="1", text="异议一")
    services.objection_lodge(actor=None, application=app, name="乙", contact="2", text="异议二")
    services.objection_resolve(actor=world.plan_office, objection=first, uphold=False, resolution="不成立")
    assert Application.objects.get(pk=app.pk).paused


# -- payment and the ledger ----------------------------------------------------------------------


def test_payment_rules(world: World) -> None:
    app = world.announced(starts_on=today())
    with pytest.raises(DomainError) as info:
        services.payment_record(
            actor=world.finance, application=app, paid_on=today(), amount=app.approved_amount, voucher="PZ-1"
        )
    assert info.value.code == "announcement_not_over"
    old = world.announced(subject="P2")
    with pytest.raises(DomainError) as info:
        services.payment_record(
            actor=world.finance, application=old, paid_on=today(), amount=Decimal("1"), voucher="PZ-2"
        )
    assert info.value.code == "amount_mismatch"
    services.payment_record(
        actor=world.finance, application=old, paid_on=today(), amount=old.approved_amount, voucher="PZ-2"
    )
    with pytest.raises(DomainError) as info:  # paid once
        services.payment_record(
            actor=world.finance, application=old, paid_on=today(), amount=old.approved_amount, voucher="PZ-3"
        )
    assert info.value.code == "wrong_status"
    third = world.announced(subject="P3")
    with pytest.raises(DomainError) as info:
        services.payment_record(
            actor=world.finance,
            application=third,
            paid_on=today(),
            amount=third.approved_amount,
            voucher="PZ-2",
        )
    assert info.value.code == "voucher_used"


def test_ledger_consistent_after_a_mixed_history(world: World) -> None:
    paid = world.announced(subject="M1", fees="200000")
    services.payment_record(
        actor=world.finance, application=paid, paid_on=today(), amount=paid.approved_amount, voucher="PZ-M1"
    )
    world.approved(subject="M2", fees="100000")
    revoked = world.approved(subject="M3", fees="50000")
    services.application_reject(actor=world.plan_office, application=revoked, reason="撤销")
    world.approved(applicant=world.other_applicant, subject="M4", fees="60000")
    world.under_review(subject="M5")
    assert ledger_consistency_problems() == []
    entry = LedgerEntry.objects.get(entity=world.entity, scheme_id="overseas_litigation", year=2024)
    assert entry.granted == Decimal("150000.00")  # 100,000 + 50,000
    assert entry.awards == 2
    assert entry.paid == Decimal("100000.00")
    call = Call.objects.get(pk=world.call.pk)
    assert call.committed == Decimal("180000.00")
    assert call.paid_total == Decimal("100000.00")
    assert services.ledger_facts(entity=world.entity, scheme_id="overseas_litigation", year=2024) == (
        Decimal("150000.00"),
        3,
    )


def test_ledger_check_detects_tampering(world: World) -> None:
    world.approved(subject="T1")
    LedgerEntry.objects.filter(entity=world.entity).update(granted=Decimal("1.00"))
    assert ledger_consistency_problems()


# -- calls ---------------------------------------------------------------------------------------


def test_call_needs_finance_confirmation_before_publishing(world: World, make_user: Any) -> None:
    from ipcity.orgs.models import Department

    now = timezone.now()
    call = services.call_create(
        actor=world.plan_office,
        title="t",
        year=2024,
        schemes=["madrid_trademark"],
        opens_at=now,
        closes_at=now + dt.timedelta(days=3),
        budget=Decimal("10000"),
        reviewing_departments=[Department.objects.get(name="市市场监管局")],
    )
    with pytest.raises(DomainError) as info:
        services.call_publish(actor=world.plan_office, call=call)
    assert info.value.code == "budget_not_confirmed"
    for user in (world.plan_office, world.admin, world.reviewer):
        with pytest.raises(NotAllowed):
            services.call_confirm_budget(actor=user, call=call)
    for user in (world.finance, world.admin, world.applicant):
        with pytest.raises(NotAllowed):
            services.call_create(
                actor=user,
                title="t",
                year=2024,
                schemes=["madrid_trademark"],
                opens_at=now,
                closes_at=now,
                budget=Decimal("1"),
                reviewing_departments=[],
            )


def test_call_refuses_unknown_scheme(world: World) -> None:
    from ipcity.orgs.models import Department

    now = timezone.now()
    with pytest.raises(DomainError) as info:
        services.call_create(
            actor=world.plan_office,
            title="t",
            year=2024,
            schemes=["no_such_scheme"],
            opens_at=now,
            closes_at=now + dt.timedelta(days=1),
            budget=Decimal("1"),
            reviewing_departments=[Department.objects.get(name="市市场监管局")],
        )
    assert info.value.code == "unknown_scheme"


def test_closed_call_takes_no_applications(world: World) -> None:
    services.call_close(actor=world.plan_office, call=world.call)
    world.call.refresh_from_db()
    with pytest.raises(DomainError) as info:
        world.draft()
    assert info.value.code == "call_not_open"


def test_notifications_sent_after_commit(
    world: World, django_capture_on_commit_callbacks: Any, mailoutbox: Any
) -> None:
    app = world.draft()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(actor=world.applicant, application=app)
    recipients = {r for m in mailoutbox for r in m.to}
    assert world.applicant.email in recipients
    assert world.reviewer.email in recipients
    submitted = mailoutbox[0]
    assert (
        f"申报 #{app.pk} 已提交" in submitted.subject
        and f"Application #{app.pk} was submitted" in submitted.subject
    )
    assert f"http://127.0.0.1:8000/grants/applications/{app.pk}/" in submitted.body
    with django_capture_on_commit_callbacks(execute=True):
        services.application_start_review(actor=world.reviewer, application=app)
        services.application_request_changes(actor=world.reviewer, application=app, message="请补充委托合同")
    assert any("请补充委托合同" in m.body for m in mailoutbox)


def test_every_write_is_audited(world: World) -> None:
    from ipcity.core.audit import verify_chain
    from ipcity.core.models import AuditEntry

    app = world.approved(subject="AU")
    actions = set(
        AuditEntry.objects.filter(object_id=str(app.pk), object_type="grants.application").values_list(
            "action", flat=True
        )
    )
    assert {
        "application.create",
        "application.submit",
        "application.start_review",
        "application.approve_content",
        "application.approve",
    } <= actions
    assert list(verify_chain()) == []


def test_who_may_reject_depends_on_the_stage(world: World) -> None:
    under_review = world.under_review(subject="R1")
    with pytest.raises(NotAllowed):  # finance decides only after the content review
        services.application_reject(actor=world.finance, application=under_review, reason="预算")
    content_ok = world.content_approved(subject="R2")
    assert (
        services.application_reject(actor=world.finance, application=content_ok, reason="超出预算科目").status
        == S.REJECTED
    )
    approved = world.approved(subject="R3")
    for user in (world.reviewer, world.finance, world.admin, world.applicant):
        with pytest.raises(NotAllowed):
            services.application_reject(actor=user, application=approved, reason="撤销")
    with pytest.raises(DomainError) as info:
        services.application_reject(actor=world.plan_office, application=approved, reason=" ")
    assert info.value.code == "reason_required"
    assert (
        services.application_reject(actor=world.plan_office, application=approved, reason="撤销").status
        == S.REJECTED
    )
    assert ledger_consistency_problems() == []


def test_pending_applicant_cannot_apply(world: World, make_user: Any) -> None:
    pending = world.applicant
    pending.pending_entity = pending.entity
    pending.entity = None
    with pytest.raises(NotAllowed) as info:
        world.draft(applicant=pending, subject="PENDING")
    assert info.value.code == "entity_pending"


def test_objection_audit_records_each_describe_one_object(world: World) -> None:
    """Lodging writes the objection (no before: it is new) and the award's pause, each about itself;
    dismissing the last open objection records the award resuming."""
    from ipcity.core.models import AuditEntry

    app = world.announced(starts_on=today())
    objection = services.objection_lodge(
        actor=None, application=app, name="张三", contact="13800000000", text="该案实为败诉"
    )
    lodge = AuditEntry.objects.get(action="objection.lodge", object_id=str(objection.pk))
    assert lodge.object_type == "grants.objection" and lodge.before is None and lodge.after is not None
    assert lodge.after["id"] == objection.pk and lodge.after["application_id"] == app.pk
    pause = AuditEntry.objects.get(action="application.pause", object_id=str(app.pk))
    assert pause.object_type == "grants.application" and pause.seq == lodge.seq + 1
    assert pause.before == {"paused": False} and pause.after == {"paused": True, "objection": objection.pk}

    services.objection_resolve(
        actor=world.plan_office, objection=objection, uphold=False, resolution="经核实，胜诉属实"
    )
    resume = AuditEntry.objects.get(action="application.resume", object_id=str(app.pk))
    assert resume.before == {"paused": True} and resume.after == {"paused": False, "objection": objection.pk}


def test_only_a_demo_award_is_moved_back_in_time(world: World) -> None:
    """application_demo_backdate_announcement: the demo data set's one way to an award announced weeks ago;
    refused for real data and for an award that is not announced, nothing written (ADR 0018)."""
    from django.core.exceptions import ValidationError

    from ipcity.core.models import AuditEntry

    start = today() - dt.timedelta(days=21)
    real = services.application_announce(
        actor=world.plan_office, application=world.approved(subject="REAL1"), starts_on=today()
    )
    entries = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        services.application_demo_backdate_announcement(actor="demo", application=real, start=start)
    real.refresh_from_db()
    assert real.announced_from == today() and AuditEntry.objects.count() == entries

    approved = world.approved(subject="DEMO1")
    Application.objects.filter(pk=approved.pk).update(is_demo=True)  # test setup: a demo record
    approved.refresh_from_db()
    with pytest.raises(ValidationError):
        services.application_demo_backdate_announcement(actor="demo", application=approved, start=start)
    announced = services.application_announce(
        actor=world.plan_office, application=approved, starts_on=today()
    )
    moved = services.application_demo_backdate_announcement(actor="demo", application=announced, start=start)
    assert moved.announced_from == start
    assert moved.announced_until == services.add_working_days(start, moved.call.announcement_days)
    entry = AuditEntry.objects.latest("seq")
    assert (entry.action, entry.actor_repr) == ("application.demo_backdate", "demo")
    assert entry.before is not None and entry.after is not None
    assert (
        entry.before["announced_from"] == today().isoformat()
        and entry.after["announced_from"] == start.isoformat()
    )
