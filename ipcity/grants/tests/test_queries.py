"""The list pages and list endpoints run a fixed number of queries, however many rows they show.

Counted with Django's test client (a live server's queries run in another thread and are not counted);
the same endpoints are tested over real HTTP in test_api.py."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from .conftest import World, new_entity

pytestmark = pytest.mark.django_db


def _queries(client: Any, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(ctx)


def _assert_flat(client: Any, paths: list[str], baseline: dict[str, int], assert_max: Any) -> None:
    for path in paths:
        with assert_max(baseline[path]):
            assert client.get(path).status_code == 200


def _awards(world: World, n: int, start: int) -> list[Any]:
    """n announced awards, each of its own entity (the lists show entity, district and call)."""
    return [
        world.announced(
            starts_on=timezone.localdate(),
            applicant=world.make_user("applicant", entity=new_entity(f"查询测试{start + i}有限公司")),
            subject=f"(2024)鲁06民初{start + i}号",
        )
        for i in range(n)
    ]


def _credit(world: World, n: int) -> None:
    from ipcity.protection import services as credit

    for i in range(n):
        credit.credit_record_create(
            actor=world.plan_office,
            entity=new_entity(),
            behaviour="虚假申报",
            measure="限制申报",
            period_start=timezone.localdate(),
            source_document=f"烟市监信〔2024〕{i}号",
        )


def test_public_lists_do_not_grow_with_the_rows(
    world: World, client: Any, django_assert_max_num_queries: Any
) -> None:
    _awards(world, 1, 0)
    _credit(world, 1)
    paths = [
        "/grants/calls/",
        f"/grants/calls/{world.call.pk}/",
        "/grants/announcements/",
        "/protection/credit/",
        "/api/grants/calls",
        "/api/grants/announcements",
        "/api/grants/totals",
        "/api/protection/credit-records",
    ]
    baseline = {path: _queries(client, path) for path in paths}
    _awards(world, 4, 100)
    _credit(world, 4)
    world.new_call(year=2025)
    _assert_flat(client, paths, baseline, django_assert_max_num_queries)
    assert "查询测试103有限公司" in client.get("/grants/announcements/").content.decode()


@pytest.mark.parametrize("who", ["plan_office", "reviewer", "finance", "applicant", "auditor"])
def test_role_lists_do_not_grow_with_the_rows(
    world: World, client: Any, django_assert_max_num_queries: Any, who: str
) -> None:
    _awards(world, 1, 0)
    world.submitted(subject="Q-SUB-0")
    world.content_approved(subject="Q-CA-0")
    client.force_login(getattr(world, who))
    paths = [
        "/grants/",
        f"/grants/calls/{world.call.pk}/",
        "/api/grants/applications",
        "/api/grants/queue",
        "/api/grants/calls",
        "/api/grants/ledger",
    ]
    if who in ("plan_office", "finance", "auditor"):
        paths.append("/api/grants/budget")
    baseline = {path: _queries(client, path) for path in paths}
    _awards(world, 3, 100)
    for i in range(1, 4):
        world.submitted(subject=f"Q-SUB-{i}")
        world.content_approved(subject=f"Q-CA-{i}")
        world.under_review(subject=f"Q-UR-{i}")
    world.new_call(year=2025)
    _assert_flat(client, paths, baseline, django_assert_max_num_queries)
