"""Grants on PostgreSQL: approval throughput under concurrency (with the budget, quota and cap locks),
and the time to open an applicant's and a reviewer's list page with 100,000 applications in the database.

    python bench/grants.py [--applications 100000] [--approvals 240] [--repeat 20]

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust). Uses database ipcity_bench_grants (recreated).
The 100,000 background applications are bulk-inserted (benchmark data, not the services); every approval
measured goes through `services.application_approve`, the same code path as the pages and the API.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB = "ipcity_bench_grants"
URL = f"postgres://postgres@127.0.0.1:5432/{DB}"


def prepare() -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB}")
        conn.execute(f"CREATE DATABASE {DB}")
    env = dict(os.environ, DATABASE_URL=URL, DJANGO_SETTINGS_MODULE="config.settings.test")
    py = sys.executable
    subprocess.run([py, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [py, "manage.py", "load_policy", "policies/yantai-2022-2024"], cwd=ROOT, env=env, check=True
    )


def setup_django() -> None:
    os.environ["DATABASE_URL"] = URL
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def uscc(n: int) -> str:
    from ipcity.core.identifiers.uscc import check_character

    prefix = f"91370602MA3B{n:05d}"
    return prefix + check_character(prefix)


def user(username: str, role: str, department: str | None = None, entity: object = None) -> object:
    from ipcity.accounts.models import User
    from ipcity.orgs.models import Department

    u = User(
        username=username,
        role=role,
        department=Department.objects.get(name=department) if department else None,
        entity=entity,
        email=f"{username}@bench.local",
    )
    u.set_password("Bench-pass-2024")
    u.save()
    return u


def make_call(office: object, finance: object, title: str, budget: str, schemes: list[str]) -> object:
    from django.utils import timezone

    from ipcity.grants import services
    from ipcity.orgs.models import Department

    now = timezone.now()
    call = services.call_create(
        actor=office,
        title=title,
        year=2024,
        schemes=schemes,
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=30),
        budget=Decimal(budget),
        reviewing_departments=[
            Department.objects.get(name="市司法局"),
            Department.objects.get(name="市市场监管局"),
        ],
    )
    services.call_confirm_budget(actor=finance, call=call)
    return services.call_publish(actor=office, call=call)


def populate(n: int) -> dict[str, object]:
    from ipcity.grants.choices import ApplicationStatus as S
    from ipcity.grants.models import Application
    from ipcity.orgs.models import District, Entity

    office = user("bench_office", "plan_office", "市市场监管局")
    finance = user("bench_finance", "finance", "市财政局")
    reviewer = user("bench_reviewer", "department", "市司法局")
    districts = list(District.objects.all())
    entities = Entity.objects.bulk_create(
        [
            Entity(
                uscc=uscc(i),
                name=f"压测企业{i}有限公司",
                kind="enterprise",
                district=districts[i % len(districts)],
            )
            for i in range(2000)
        ]
    )
    applicant = user("bench_applicant", "applicant", entity=entities[0])
    calls = [
        make_call(
            office, finance, f"压测批次{i}", "1000000000.00", ["overseas_litigation", "protection_market"]
        )
        for i in range(3)
    ]
    rng = random.Random(42)
    statuses = [S.SUBMITTED, S.UNDER_REVIEW, S.CONTENT_APPROVED, S.REJECTED, S.DRAFT, S.WITHDRAWN]
    batch: list[Application] = []
    t0 = time.perf_counter()
    for i in range(n):
        entity = entities[0] if i % 2000 == 0 else entities[rng.randrange(1, 2000)]
        batch.append(
            Application(
                call=calls[i % 3],  # type: ignore[misc]
                entity=entity,
                scheme_id="overseas_litigation",
                subject_ref=f"(2024)鲁06民初{i}号",
                entitlement_date=dt.date(2024, 6, 1),
                facts={"outcome": "won", "legal_fees": "20000"},
                status=statuses[i % len(statuses)],
                computed_amount=Decimal("10000.00"),
                submitted_at=None,
            )
        )
        if len(batch) == 5000:
            Application.objects.bulk_create(batch)
            batch.clear()
    if batch:
        Application.objects.bulk_create(batch)
    print(f"inserted {n} applications in {time.perf_counter() - t0:.1f} s")
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return {"office": office, "finance": finance, "reviewer": reviewer, "applicant": applicant}


def time_page(user_obj: object, path: str, repeat: int) -> tuple[float, float, int]:
    from django.test import Client

    client = Client()
    client.force_login(user_obj)  # type: ignore[arg-type]
    client.get(path)  # warm up
    times = []
    size = 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, response.status_code
        size = len(response.content)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))], size


def content_approved_batch(
    call: object, count: int, scheme: str, amount: str, one_entity: bool, start: int
) -> list[int]:
    from ipcity.grants.choices import ApplicationStatus as S
    from ipcity.grants.models import Application
    from ipcity.orgs.models import Entity

    entities = list(Entity.objects.order_by("id")[:count])
    facts = (
        {"recognition_level": "provincial", "requested_amount": amount}
        if scheme == "protection_market"
        else {"outcome": "won", "legal_fees": str(Decimal(amount) * 2)}
    )
    rows = Application.objects.bulk_create(
        [
            Application(
                call=call,  # type: ignore[misc]
                entity=entities[0] if one_entity else entities[i % len(entities)],
                scheme_id=scheme,
                subject_ref=f"BENCH-{start + i}",
                entitlement_date=dt.date(2024, 6, 1),
                facts=facts,
                status=S.CONTENT_APPROVED,
                computed_amount=Decimal(amount),
                proposed_amount=Decimal(amount),
            )
            for i in range(count)
        ]
    )
    return [r.pk for r in rows]


def approve_concurrently(
    ids: list[int], approvers: list[object], threads: int
) -> tuple[float, int, dict[str, int]]:
    from django.db import connection

    from ipcity.grants import services
    from ipcity.grants.models import Application

    queue = list(ids)
    lock = threading.Lock()
    approved = 0
    refused: dict[str, int] = {}

    def worker(k: int) -> None:
        nonlocal approved
        approver = approvers[k % len(approvers)]
        while True:
            with lock:
                if not queue:
                    break
                pk = queue.pop()
            try:
                services.application_approve(actor=approver, application=Application(pk=pk))
                with lock:
                    approved += 1
            except services.Refused as exc:
                with lock:
                    refused[exc.reason_code] = refused.get(exc.reason_code, 0) + 1
        connection.close()

    pool = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
    t0 = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return time.perf_counter() - t0, approved, refused


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--approvals", type=int, default=240)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    prepare()
    setup_django()
    people = populate(args.applications)

    from ipcity.grants.models import Application, Call, LedgerEntry
    from ipcity.grants.selectors import ledger_consistency_problems

    print(
        f"\n== list pages with {Application.objects.count():,} applications (median / p95 over {args.repeat}) =="
    )
    for label, who, path in [
        ("applicant's list /grants/", people["applicant"], "/grants/"),
        ("reviewer's list /grants/", people["reviewer"], "/grants/"),
        ("reviewer's list, filtered by status", people["reviewer"], "/grants/?status=under_review"),
        ("reviewer's list, page 100", people["reviewer"], "/grants/?page=100"),
        ("plan office list /grants/", people["office"], "/grants/"),
    ]:
        median, p95, size = time_page(who, path, args.repeat)
        print(f"{label:42s} {median:7.1f} ms  p95 {p95:7.1f} ms  ({size // 1024} KiB)")

    approvers = [people["finance"]] + [user(f"bench_finance{i}", "finance", "市财政局") for i in range(15)]
    print(f"\n== approvals through services.application_approve ({args.approvals} per run) ==")
    start = 1_000_000
    for threads in (1, 4, 8, 16):
        call = make_call(
            people["office"], people["finance"], f"吞吐{threads}", "1000000000.00", ["protection_market"]
        )
        ids = content_approved_batch(call, args.approvals, "protection_market", "50000.00", False, start)
        start += args.approvals
        seconds, approved, refused = approve_concurrently(ids, approvers, threads)
        print(
            f"one call, {threads:2d} threads: {approved / seconds:7.1f} approvals/s ({approved} approved, refused {refused})"
        )

    # Limits binding under 16 threads: budget fits 150 of 240; then one entity against its annual cap.
    call = make_call(people["office"], people["finance"], "预算约束", "7500000.00", ["protection_market"])
    ids = content_approved_batch(call, args.approvals, "protection_market", "50000.00", False, start)
    start += args.approvals
    seconds, approved, refused = approve_concurrently(ids, approvers, 16)
    committed = Call.objects.get(pk=call.pk).committed  # type: ignore[attr-defined]
    print(
        f"budget for 150 of {args.approvals}, 16 threads: {args.approvals / seconds:7.1f} decisions/s, "
        f"{approved} approved, refused {refused}, committed {committed} of 7500000.00"
    )
    cap_call = make_call(
        people["office"], people["finance"], "年度上限", "1000000000.00", ["overseas_litigation"]
    )
    ids = content_approved_batch(cap_call, 40, "overseas_litigation", "100000.00", True, start)
    seconds, approved, refused = approve_concurrently(ids, approvers, 16)
    entity_id = Application.objects.get(pk=ids[0]).entity_id
    granted = LedgerEntry.objects.get(entity_id=entity_id, scheme_id="overseas_litigation", year=2024).granted
    print(
        f"one entity, cap 1,000,000, 40 x 100,000, 16 threads: {40 / seconds:7.1f} decisions/s, "
        f"{approved} approved, refused {refused}, granted {granted}"
    )
    problems = ledger_consistency_problems()
    print(f"ledger consistency problems: {len(problems)}")


if __name__ == "__main__":
    main()
