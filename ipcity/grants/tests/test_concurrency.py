"""On PostgreSQL: many finance officers approve at the same moment. Budget, quota and annual cap must
hold exactly, and every refused approval must carry a clear reason (STYLE rule 8, docs/adr/0400)."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from ipcity.core.errors import DomainError
from ipcity.grants import engine, services
from ipcity.grants.choices import ApplicationStatus
from ipcity.grants.models import Application, Call, LedgerEntry, SchemeYear
from ipcity.grants.selectors import ledger_consistency_problems

from .conftest import World, new_entity

pytestmark = [pytest.mark.postgres]


def approve_all_at_once(
    apps: list[Application], approvers: list[Any]
) -> tuple[list[int], list[tuple[str, str]]]:
    barrier = threading.Barrier(len(apps))
    approved: list[int] = []
    refused: list[tuple[str, str]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(app: Application, approver: Any) -> None:
        try:
            barrier.wait(timeout=30)
            services.application_approve(actor=approver, application=app)
            with lock:
                approved.append(app.pk)
        except DomainError as exc:
            with lock:
                refused.append((exc.code, exc.message))
        except BaseException as exc:  # noqa: BLE001 - reported below
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=worker, args=(a, approvers[i % len(approvers)])) for i, a in enumerate(apps)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    return approved, refused


def market_app(world: World, call: Call, n: int) -> Application:
    applicant = world.make_user("applicant", entity=new_entity())
    return world.content_approved(
        applicant=applicant,
        call=call,
        subject=f"鲁市监认〔2024〕{n}号",
        scheme="protection_market",
        facts={"recognition_level": "provincial", "requested_amount": "50000"},
    )


def test_concurrent_approvals_hold_budget_and_cap(world: World, transactional_db: Any) -> None:
    approvers = [world.finance, world.finance2] + [world.make_user("finance") for _ in range(4)]

    # 1. Budget: 24 awards of 50,000 against 600,000.00 -> exactly 12 fit.
    budget_call = world.new_call(budget="600000.00", schemes=["protection_market"])
    apps = [market_app(world, budget_call, n) for n in range(24)]
    approved, refused = approve_all_at_once(apps, approvers)
    call = Call.objects.get(pk=budget_call.pk)
    assert len(approved) == 12
    assert call.committed == Decimal("600000.00") == call.budget
    assert Counter(code for code, _ in refused) == {"budget_exhausted": 12}
    assert all("50000" in reason or "50,000" in reason for _, reason in refused)

    # 2. Annual cap: one entity, 21 awards of 100,000 against its 1,000,000 cap -> exactly 10 fit.
    cap_apps = [world.content_approved(subject=f"(2024)鲁06民初{n}号", fees="200000") for n in range(21)]
    approved, refused = approve_all_at_once(cap_apps, approvers)
    assert len(approved) == 10
    entry = LedgerEntry.objects.get(entity=world.entity, scheme_id="overseas_litigation", year=2024)
    assert entry.granted == Decimal("1000000.00")
    assert Counter(code for code, _ in refused) == {"annual_cap_reached": 11}

    assert ledger_consistency_problems() == []
    for c in Call.objects.all():
        assert Decimal("0") <= c.committed <= c.budget


def test_concurrent_approvals_hold_the_plans_quota_of_twenty(world: World, transactional_db: Any) -> None:
    """municipal_advantage_enterprise, 二(四)1: at most 20 a year. 17 already awarded, 22 approvals by six
    finance officers at once: exactly 3 pass, the other 19 are told the quota is used up."""
    scheme_id = "municipal_advantage_enterprise"
    assert engine.yearly_quota(scheme_id, dt.date(2024, 6, 1)) == 20  # the real plan, no stand-in
    approvers = [world.finance, world.finance2] + [world.make_user("finance") for _ in range(4)]
    # Four calls for the same scheme and year: the call's row lock does not serialise them, only the
    # scheme-year counter does.
    calls = [world.new_call(budget="100000000.00", schemes=[scheme_id]) for _ in range(4)]
    earlier = [world.advantage(calls[n % 4], n) for n in range(17)]
    for app in earlier:
        services.application_approve(actor=world.finance, application=app)
    assert SchemeYear.objects.get(scheme_id=scheme_id, year=2024).awards == 17

    apps = [world.advantage(calls[n % 4], 100 + n) for n in range(22)]
    approved, refused = approve_all_at_once(apps, approvers)

    assert len(approved) == 3
    assert Counter(code for code, _ in refused) == {"quota_exhausted": 19}
    assert all("2024年度20个名额已用完" in reason for _, reason in refused)
    counter = SchemeYear.objects.get(scheme_id=scheme_id, year=2024)
    assert (counter.awards, counter.granted) == (20, Decimal("2000000.00"))
    assert Application.objects.filter(scheme_id=scheme_id, status=ApplicationStatus.APPROVED).count() == 20
    assert set(
        Application.objects.filter(
            pk__in=[a.pk for a in apps], status=ApplicationStatus.APPROVED
        ).values_list("pk", flat=True)
    ) == set(approved)
    ledger = LedgerEntry.objects.filter(scheme_id=scheme_id, year=2024)
    assert sum(e.awards for e in ledger) == 20
    assert sum(e.granted for e in ledger) == Decimal("2000000.00")
    assert sum(c.committed for c in Call.objects.filter(pk__in=[c.pk for c in calls])) == Decimal(
        "2000000.00"
    )
    assert ledger_consistency_problems() == []


def test_concurrent_approvals_at_the_last_fen_of_the_annual_cap(world: World, transactional_db: Any) -> None:
    """overseas_litigation, 二(一)4: 999,999.99 granted to the entity; 20 approvals of 0.01 at once -> one."""
    approvers = [world.finance, world.finance2] + [world.make_user("finance") for _ in range(4)]
    for subject, fees in (("(2024)鲁06民初900号", "1000000"), ("(2024)鲁06民初901号", "999999.98")):
        services.application_approve(
            actor=world.finance, application=world.content_approved(subject=subject, fees=fees)
        )
    second_call = world.new_call()  # the cap is per entity across calls: only the ledger row serialises
    apps = [
        world.content_approved(
            call=[world.call, second_call][n % 2], subject=f"(2024)鲁06民初{n}号", fees="0.02"
        )
        for n in range(20)
    ]
    approved, refused = approve_all_at_once(apps, approvers)
    assert len(approved) == 1
    assert Counter(code for code, _ in refused) == {"annual_cap_reached": 19}
    entry = LedgerEntry.objects.get(entity=world.entity, scheme_id="overseas_litigation", year=2024)
    assert (entry.granted, entry.awards) == (Decimal("1000000.00"), 3)
    assert ledger_consistency_problems() == []


def test_concurrent_duplicate_submissions_leave_one_live_application(
    world: World, transactional_db: Any
) -> None:
    barrier = threading.Barrier(20)
    results: list[str] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            barrier.wait(timeout=30)
            services.application_create(
                actor=world.applicant,
                call=world.call,
                scheme_id="overseas_litigation",
                subject_ref="同一案号",
                entitlement_date=dt.date(2024, 6, 1),
                facts={"outcome": "won", "legal_fees": "1"},
            )
            outcome = "created"
        except DomainError as exc:
            outcome = exc.code
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert Counter(results) == {"created": 1, "duplicate": 19}
    assert Application.objects.filter(subject_ref="同一案号").count() == 1


def test_one_enterprise_cannot_take_all_twenty_places_at_once(world: World, transactional_db: Any) -> None:
    """municipal_advantage_enterprise, 二(四)1: one award per enterprise a year (security issue 8, finding
    12). One enterprise's 20 applications in four calls, approved by six finance officers at once: exactly
    one passes, the quota keeps 19 places for other enterprises."""
    scheme_id = "municipal_advantage_enterprise"
    assert engine.per_entity_per_year(scheme_id, dt.date(2024, 6, 1)) == 1
    approvers = [world.finance, world.finance2] + [world.make_user("finance") for _ in range(4)]
    calls = [world.new_call(budget="100000000.00", schemes=[scheme_id]) for _ in range(4)]
    applicant = world.make_user("applicant", entity=new_entity())
    apps = [
        world.content_approved(
            applicant=applicant,
            call=calls[n % 4],
            subject=f"烟市监字〔2024〕{200 + n}号",
            scheme=scheme_id,
            facts={"designated": True, "requested_amount": "100000"},
            entitlement=dt.date(2024, 6, 1),
        )
        for n in range(20)
    ]
    approved, refused = approve_all_at_once(apps, approvers)

    assert len(approved) == 1
    assert Counter(code for code, _ in refused) == {"entity_limit_reached": 19}
    entry = LedgerEntry.objects.get(entity=applicant.entity, scheme_id=scheme_id, year=2024)
    assert (entry.awards, entry.granted) == (1, Decimal("100000.00"))
    assert SchemeYear.objects.get(scheme_id=scheme_id, year=2024).awards == 1
    assert ledger_consistency_problems() == []
