"""Two reviewers (or two clicks) acting on the same report at once: exactly one wins (PostgreSQL)."""

import threading

import pytest
from django.db import connection

from ipcity.reporting import services as svc
from ipcity.reporting.models import ProgressReport

from .test_report_fixtures import build_mini, mk_user


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("action", ["submit", "accept"])
def test_concurrent_transitions_only_one_succeeds(action):
    m = build_mini()
    other_office = mk_user("plan_office", m.samr, "office2")
    report = svc.report_create(actor=m.justice_user, task=m.t1, period=m.q1, narrative="x")
    if action == "accept":
        svc.report_submit(actor=m.justice_user, report=report)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def run(actor):
        try:
            barrier.wait()
            if action == "submit":
                svc.report_submit(actor=m.justice_user, report=report)
            else:
                svc.report_accept(actor=actor, report=report)
            outcomes.append("ok")
        except svc.IllegalTransition:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(u,)) for u in (m.office, other_office)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused"]
    target = "submitted" if action == "submit" else "accepted"
    assert ProgressReport.objects.get(pk=report.pk).events.filter(to_status=target).count() == 1
