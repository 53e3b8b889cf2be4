import datetime as dt
import zoneinfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import OperationalError

from ipcity.plan.models import Task
from ipcity.reporting import services as svc
from ipcity.reporting.models import ReportReminder
from ipcity.reporting.supervision import build_board
from ipcity.reporting.tasks import send_reminders, send_report_reminders

from .test_report_fixtures import Mini, build_mini, mk_user

SH = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def mini(db) -> Mini:
    return build_mini()


def board(m: Mini, period=None, today=dt.date(2023, 4, 11), tasks=None):
    return build_board(
        plan=m.plan, period=period or m.q1, tasks=tasks or Task.objects.filter(plan=m.plan), today=today
    )


def submitted(m: Mini, user, task, period, at=None, **kw):
    r = svc.report_create(actor=user, task=task, period=period, narrative="x", **kw)
    return svc.report_submit(actor=user, report=r, now=at)


def test_missing_only_after_the_deadline(mini: Mini):
    on_due = board(mini, today=dt.date(2023, 4, 10))
    assert on_due.counts["missing"] == 0 and not on_due.is_past_due
    assert {c.state for line in on_due.tasks for c in line.cells} == {"pending"}
    after = board(mini, today=dt.date(2023, 4, 11))
    assert after.counts["missing"] == 4 and after.is_past_due


def test_drafts_count_as_missing_after_deadline_and_submitted_do_not(mini: Mini):
    svc.report_create(actor=mini.justice_user, task=mini.t1, period=mini.q1, narrative="草稿")
    submitted(mini, mini.office, mini.t1, mini.q1, at=dt.datetime(2023, 4, 12, 9, tzinfo=SH))
    b = board(mini)
    t1 = next(line for line in b.tasks if line.task.code == "1.1.1")
    states = {c.department.name: c.state for c in t1.cells}
    assert states == {"市市场监管局": "submitted", "市司法局": "missing"}
    assert b.counts["late"] == 1 and [c.department.name for c in t1.late] == ["市市场监管局"]
    by_dept = {d.department.name: d for d in b.by_department}
    assert by_dept["市市场监管局"].late == 1 and by_dept["市司法局"].missing == 1


def test_changes_since_previous_period(mini: Mini):
    q1 = submitted(mini, mini.samr_user, mini.t1, mini.q1, progress="on_track", percent_complete=20)
    svc.report_accept(actor=mini.office, report=q1)
    q2 = submitted(mini, mini.samr_user, mini.t1, mini.q2, progress="at_risk", percent_complete=35)
    svc.report_accept(actor=mini.office, report=q2)
    b = board(mini, period=mini.q2, today=dt.date(2023, 7, 20))
    t1 = next(line for line in b.tasks if line.task.code == "1.1.1")
    (change,) = t1.changes
    assert change.progress_changed and change.percent_delta == 15
    assert b.counts["at_risk"] == 1 and b.counts["changed"] == 1


def test_matrix_has_one_cell_per_assignment(mini: Mini):
    b = board(mini)
    rows = b.matrix()
    assert [t.code for t, _cells in rows] == ["1.1.1", "3.2.2"]
    names = [d.name for d in b.departments]
    assert names == ["市市场监管局", "市司法局", "市发展改革委"]
    cells_3_2_2 = rows[1][1]
    assert cells_3_2_2[names.index("市司法局")] is None
    assert cells_3_2_2[names.index("市发展改革委")].role == "lead"


def test_filters_by_district_department_programme(mini: Mini):
    from ipcity.reporting.filters import TaskSupervisionFilter

    qs = Task.objects.filter(plan=mini.plan)
    by_district = TaskSupervisionFilter({"district": mini.district.pk}, queryset=qs, plan=mini.plan).qs
    assert [t.code for t in by_district] == ["1.1.1"]
    by_dept = TaskSupervisionFilter({"department": mini.ndrc.pk}, queryset=qs, plan=mini.plan).qs
    assert [t.code for t in by_dept] == ["3.2.2"]
    prog = mini.t2.measure.programme
    assert [
        t.code for t in TaskSupervisionFilter({"programme": prog.pk}, queryset=qs, plan=mini.plan).qs
    ] == ["3.2.2"]


# ----------------------------------------------------------------- reminders


def test_reminder_before_due_then_overdue_never_twice(mini: Mini):
    submitted(mini, mini.office, mini.t1, mini.q1)  # 市市场监管局 reported 1.1.1 but not 3.2.2
    mk_user("department", mini.justice, "justice2")
    mk_user("department", mini.justice, "justice_gone", is_active=False)
    mk_user("finance", mini.justice, "justice_finance")  # not a reporting role
    # 6 days before the due date: nothing yet (reminders go 5 days before)
    assert send_reminders(today=dt.date(2023, 4, 4)) == []
    sent = send_reminders(today=dt.date(2023, 4, 5))
    assert {(r.department.name, r.kind) for r in sent} == {
        ("市市场监管局", "reminder"),
        ("市司法局", "reminder"),
        ("市发展改革委", "reminder"),
    }
    justice_mail = next(m for m in mail.outbox if "justice" in m.to[0])
    assert sorted(justice_mail.to) == sorted(
        u.email for u in mini.justice.users.filter(is_active=True, role="department")
    )
    assert len(justice_mail.to) == 2 and "/plan/reports/?period=2023Q1" in justice_mail.body
    assert "2023年第一季度" in justice_mail.subject and "Progress reports for Q1 2023" in justice_mail.subject
    assert "1.1.1" in justice_mail.body and "3.2.2" not in justice_mail.body
    samr = ReportReminder.objects.get(department=mini.samr)
    assert samr.task_codes == ["3.2.2"]  # 1.1.1 was handed in
    n = len(mail.outbox)
    assert send_reminders(today=dt.date(2023, 4, 5)) == []
    assert send_reminders(today=dt.date(2023, 4, 10)) == []  # due date itself: still the same reminder
    assert len(mail.outbox) == n
    # after the deadline: overdue notices, once
    submitted(mini, mini.ndrc_user, mini.t2, mini.q1)
    overdue = send_reminders(today=dt.date(2023, 4, 11))
    assert {r.department.name for r in overdue} == {"市市场监管局", "市司法局"}  # 市发展改革委 has reported
    assert all(r.kind == "overdue" for r in overdue)
    assert send_reminders(today=dt.date(2023, 4, 12)) == []
    assert len(mail.outbox) == n + 2


def test_celery_task_and_command(mini: Mini):
    assert send_report_reminders.delay("2023-04-06").get() == 3
    assert send_report_reminders("2023-04-06") == 0
    call_command("send_report_reminders", "--date", "2023-04-11")
    assert ReportReminder.objects.filter(kind="overdue").count() == 3
    call_command("send_report_reminders", "--date", "2023-04-11")
    assert ReportReminder.objects.filter(kind="overdue").count() == 3


def test_no_overdue_notice_for_long_past_periods(mini: Mini):
    assert send_reminders(today=dt.date(2023, 12, 1)) == []  # Q1 and Q2 due dates are more than 30 days ago


# ----------------------------------------------------------------- the real plan


def test_real_plan_board_and_lead_of_3_2_2(plan, make_user):
    svc.periods_generate(actor="test", plan=plan)
    period = plan.periods.get(code="2023Q1")
    task = plan.tasks.get(code="3.2.2")
    assert task.lead_assignment.department.name == "市发展改革委"
    b = build_board(plan=plan, period=period, tasks=plan.tasks.all(), today=dt.date(2023, 5, 1))
    assert b.counts["tasks"] == 38 and b.counts["missing"] == b.counts["expected"] > 38
    office = make_user("plan_office")
    ndrc = make_user("department", department="市发展改革委")
    report = svc.report_submit(
        actor=office, report=svc.report_create(actor=office, task=task, period=period, narrative="x")
    )
    assert svc.is_lead_reviewer(ndrc, task) and not svc.is_lead_reviewer(office, task)
    assert svc.report_accept(actor=ndrc, report=report).status == "accepted"


def test_reminder_record_is_audited_and_refused_twice(mini: Mini):
    from django.core.exceptions import ValidationError

    from ipcity.core.models import AuditEntry

    reminder = svc.report_reminder_record(
        actor="reminders",
        period=mini.q1,
        department_id=mini.justice.pk,
        kind="reminder",
        recipients=["a@x.cn"],
        task_codes=["1.1.1"],
    )
    entry = AuditEntry.objects.get(action="report_reminder.reminder", object_id=str(reminder.pk))
    assert entry.after == {"recipients": ["a@x.cn"], "tasks": ["1.1.1"]}
    with pytest.raises(ValidationError):
        svc.report_reminder_record(
            actor="reminders",
            period=mini.q1,
            department_id=mini.justice.pk,
            kind="reminder",
            recipients=["b@x.cn"],
            task_codes=[],
        )
    assert ReportReminder.objects.filter(department=mini.justice).count() == 1
    assert AuditEntry.objects.filter(action="report_reminder.reminder").count() == 1


def _reminders_at_least(n: int) -> bool:
    try:
        return ReportReminder.objects.count() >= n
    except OperationalError:  # in-memory SQLite (shared cache) locks the table while the worker writes
        return False


@pytest.mark.django_db(transaction=True)
def test_reminders_run_on_a_real_celery_worker_over_redis(mini: Mini):
    """The production path: the task is sent to Redis and a Celery worker (in a thread here) runs it,
    not the eager shortcut the embedded default and the rest of the suite use."""
    import time

    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    # The broker is the configured one (CELERY_BROKER_URL, else REDIS_URL: 127.0.0.1:6379 in CI).
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            send_report_reminders.delay("2023-04-06")
            deadline = time.monotonic() + 60
            while not _reminders_at_least(3) and time.monotonic() < deadline:
                time.sleep(0.1)
    finally:
        app.conf.task_always_eager = True
    assert ReportReminder.objects.count() == 3
    assert len(mail.outbox) >= 1
