import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from ipcity.core.models import AuditEntry
from ipcity.core.sample_files import minimal_pdf
from ipcity.plan.choices import TaskStatus
from ipcity.plan.models import Task
from ipcity.reporting import services as svc
from ipcity.reporting.choices import ReportStatus
from ipcity.reporting.models import ProgressReport, ReportingPeriod

from .test_report_fixtures import Mini, build_mini, mk_user


@pytest.fixture
def mini(db) -> Mini:
    return build_mini()


SH = zoneinfo.ZoneInfo("Asia/Shanghai")
PDF = minimal_pdf("evidence")


def draft(m: Mini, **kw):
    return svc.report_create(
        actor=kw.pop("actor", m.justice_user),
        task=kw.pop("task", m.t1),
        period=kw.pop("period", m.q1),
        **{"progress": "on_track", "percent_complete": 30, "narrative": "已建立巡回审判点2个", **kw},
    )


# ----------------------------------------------------------------- periods


def test_period_specs_quarterly_and_others():
    q = svc.period_specs(start_year=2022, end_year=2024, frequency="quarterly")
    assert [s.code for s in q[:4]] == ["2022Q1", "2022Q2", "2022Q3", "2022Q4"] and len(q) == 12
    assert q[0].end == dt.date(2022, 3, 31) and q[0].name == "2022年第一季度"
    assert len(svc.period_specs(start_year=2022, end_year=2024, frequency="monthly")) == 36
    assert svc.period_specs(start_year=2024, end_year=2024, frequency="monthly")[1].end == dt.date(
        2024, 2, 29
    )
    assert [s.code for s in svc.period_specs(start_year=2023, end_year=2023, frequency="half_yearly")] == [
        "2023H1",
        "2023H2",
    ]
    assert [s.code for s in svc.period_specs(start_year=2023, end_year=2024, frequency="yearly")] == [
        "2023",
        "2024",
    ]


def test_periods_generate_is_idempotent_and_sets_due_dates(mini: Mini):
    created = svc.periods_generate(actor=mini.office, plan=mini.plan)
    # Q1 and Q2 exist already; Q3 and Q4 are new.
    assert [p.code for p in created] == ["2023Q3", "2023Q4"]
    q4 = ReportingPeriod.objects.get(plan=mini.plan, code="2023Q4")
    assert q4.due_date == dt.date(2023, 12, 31) + dt.timedelta(days=10)
    assert svc.periods_generate(actor=mini.office, plan=mini.plan) == []
    assert ReportingPeriod.objects.filter(plan=mini.plan).count() == 4


def test_reporting_update_regenerates_future_periods_but_keeps_reported_ones(mini: Mini):
    svc.periods_generate(actor=mini.office, plan=mini.plan)
    draft(mini, period=mini.q2)  # Q2 now has a report: it must survive
    deleted, created = svc.plan_reporting_update(
        actor=mini.office, plan=mini.plan, frequency="monthly", due_days=15, today=dt.date(2023, 5, 15)
    )
    assert deleted == ["2023Q3", "2023Q4"]
    codes = list(ReportingPeriod.objects.filter(plan=mini.plan).values_list("code", flat=True))
    assert codes[:2] == ["2023Q1", "2023Q2"]
    assert codes[2:] == [f"2023M{m:02d}" for m in range(7, 13)]
    assert ReportingPeriod.objects.get(plan=mini.plan, code="2023M07").due_date == dt.date(2023, 8, 15)
    assert AuditEntry.objects.filter(action="plan.reporting_update").count() == 1


def test_reporting_update_refused_for_non_plan_office(mini: Mini):
    with pytest.raises(PermissionDenied):
        svc.plan_reporting_update(actor=mini.justice_user, plan=mini.plan, frequency="monthly", due_days=5)


def test_reporting_update_rejects_bad_due_days(mini: Mini):
    with pytest.raises(ValidationError):
        svc.plan_reporting_update(actor=mini.office, plan=mini.plan, frequency="monthly", due_days=400)


# ----------------------------------------------------------------- workflow


def test_full_workflow_with_return_and_resubmit(mini: Mini):
    report = draft(mini, figures=[{"name": "巡回审判点", "value": "2", "unit": "个"}], work_point=mini.wp)
    assert report.status == ReportStatus.DRAFT and report.figures[0]["value"] == "2"
    report = svc.report_submit(actor=mini.justice_user, report=report)
    assert report.status == ReportStatus.SUBMITTED and report.submitted_at is not None
    report = svc.report_return(actor=mini.office, report=report, comment="请补充案件数量")
    assert report.status == ReportStatus.RETURNED and report.review_comment == "请补充案件数量"
    report = svc.report_update(actor=mini.justice_user, report=report, narrative="补充：审结案件15件")
    report = svc.report_submit(actor=mini.justice_user, report=report)
    report = svc.report_accept(actor=mini.office, report=report, make_public=True)
    assert report.status == ReportStatus.ACCEPTED and report.is_public and report.reviewed_by == mini.office
    events = list(report.events.values_list("from_status", "to_status"))
    assert events == [
        ("", "draft"),
        ("draft", "submitted"),
        ("submitted", "returned"),
        ("returned", "submitted"),
        ("submitted", "accepted"),
    ]
    # The snapshot keeps what the report said when it was returned.
    returned = report.events.get(to_status="returned")
    assert returned.snapshot["narrative"] == "已建立巡回审判点2个" and returned.comment == "请补充案件数量"
    actions = set(AuditEntry.objects.filter(object_id=str(report.pk)).values_list("action", flat=True))
    assert {
        "progress_report.create",
        "progress_report.submit",
        "progress_report.return",
        "progress_report.update",
        "progress_report.accept",
    } <= actions


@pytest.mark.parametrize(
    "step",
    [
        "accept_draft",
        "return_draft",
        "submit_twice",
        "edit_submitted",
        "edit_accepted",
        "return_accepted",
        "accept_twice",
        "evidence_on_accepted",
    ],
)
def test_illegal_transitions_are_refused_and_change_nothing(mini: Mini, step: str):
    report = draft(mini)
    pdf = SimpleUploadedFile("a.pdf", PDF)
    call: Any
    if step == "accept_draft":
        call = lambda: svc.report_accept(actor=mini.office, report=report)  # noqa: E731
    elif step == "return_draft":
        call = lambda: svc.report_return(actor=mini.office, report=report, comment="x")  # noqa: E731
    else:
        svc.report_submit(actor=mini.justice_user, report=report)
        if step in {"edit_accepted", "return_accepted", "accept_twice", "evidence_on_accepted"}:
            svc.report_accept(actor=mini.office, report=report)
        call = {
            "submit_twice": lambda: svc.report_submit(actor=mini.justice_user, report=report),
            "edit_submitted": lambda: svc.report_update(
                actor=mini.justice_user, report=report, narrative="x"
            ),
            "edit_accepted": lambda: svc.report_update(actor=mini.justice_user, report=report, narrative="x"),
            "return_accepted": lambda: svc.report_return(actor=mini.office, report=report, comment="x"),
            "accept_twice": lambda: svc.report_accept(actor=mini.office, report=report),
            "evidence_on_accepted": lambda: svc.evidence_add(
                actor=mini.justice_user, report=report, upload=pdf
            ),
        }[step]
    before = ProgressReport.objects.get(pk=report.pk)
    n_events = before.events.count()
    with pytest.raises(svc.IllegalTransition) as exc:
        call()
    assert exc.value.code in {"illegal_transition", "not_editable"}
    after = ProgressReport.objects.get(pk=report.pk)
    assert (after.status, after.narrative, after.events.count()) == (
        before.status,
        before.narrative,
        n_events,
    )


def test_return_requires_a_comment(mini: Mini):
    report = svc.report_submit(actor=mini.justice_user, report=draft(mini))
    with pytest.raises(ValidationError) as exc:
        svc.report_return(actor=mini.office, report=report, comment="  ")
    assert "comment" in exc.value.message_dict
    assert ProgressReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


def test_duplicate_report_refused(mini: Mini):
    draft(mini)
    with pytest.raises(svc.IllegalTransition):
        draft(mini)


@pytest.mark.parametrize("percent", [-1, 101, "abc"])
def test_percent_out_of_range_refused(mini: Mini, percent):
    with pytest.raises(ValidationError) as exc:
        draft(mini, percent_complete=percent)
    assert "percent_complete" in exc.value.message_dict
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize("percent", [0, 100])
def test_percent_bounds_accepted(mini: Mini, percent):
    assert draft(mini, percent_complete=percent).percent_complete == percent


def test_bad_figures_refused(mini: Mini):
    with pytest.raises(ValidationError):
        draft(mini, figures=[{"name": "案件", "value": "很多", "unit": "件"}])
    with pytest.raises(ValidationError):
        draft(mini, figures=[{"name": "", "value": "1"}])


def test_work_point_of_another_task_refused(mini: Mini):
    with pytest.raises(ValidationError):
        draft(mini, task=mini.t2, actor=mini.office, work_point=mini.wp)


# ----------------------------------------------------------------- late submission


def _at(y, m, d, h=12):
    return dt.datetime(y, m, d, h, tzinfo=SH)


def test_submitted_on_the_due_date_is_on_time(mini: Mini):
    report = svc.report_submit(actor=mini.justice_user, report=draft(mini), now=_at(2023, 4, 10, 23))
    assert report.is_late is False


def test_submitted_the_day_after_the_due_date_is_late(mini: Mini):
    report = svc.report_submit(actor=mini.justice_user, report=draft(mini), now=_at(2023, 4, 11, 0))
    assert report.is_late is True


# ----------------------------------------------------------------- permissions


def test_only_assigned_departments_create(mini: Mini):
    # 市法院 is not assigned to 1.1.1
    with pytest.raises(PermissionDenied):
        draft(mini, actor=mini.court_user)
    for role in ["finance", "applicant", "auditor", "admin"]:
        with pytest.raises(PermissionDenied):
            draft(mini, actor=mini.user(role))
    assert not ProgressReport.objects.exists()


def test_plan_office_reports_for_its_department(mini: Mini):
    report = draft(mini, actor=mini.office)
    assert report.department == mini.samr


def test_other_department_cannot_edit_or_submit(mini: Mini):
    report = draft(mini)
    with pytest.raises(PermissionDenied):
        svc.report_update(
            actor=mini.office, report=report, narrative="改"
        )  # lead unit, not the author's dept
    with pytest.raises(PermissionDenied):
        svc.report_submit(actor=mini.court_user, report=report)
    with pytest.raises(PermissionDenied):
        svc.report_submit(actor=mini.user("auditor"), report=report)


def test_only_lead_unit_reviews(mini: Mini):
    report = svc.report_submit(actor=mini.justice_user, report=draft(mini))
    for actor in [
        mini.justice_user,
        mini.ndrc_user,
        mini.court_user,
        mini.user("auditor"),
        mini.user("admin"),
        mini.user("finance"),
        mini.user("applicant"),
    ]:
        with pytest.raises(PermissionDenied):
            svc.report_accept(actor=actor, report=report)
        with pytest.raises(PermissionDenied):
            svc.report_return(actor=actor, report=report, comment="x")
    assert ProgressReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


def test_plan_office_is_not_reviewer_of_3_2_2(mini: Mini):
    """3.2.2 is led by 市发展改革委: the plan office (市市场监管局, a support unit there) reports but cannot accept."""
    report = svc.report_submit(actor=mini.office, report=draft(mini, task=mini.t2, actor=mini.office))
    with pytest.raises(PermissionDenied):
        svc.report_accept(actor=mini.office, report=report)
    assert svc.report_accept(actor=mini.ndrc_user, report=report).status == ReportStatus.ACCEPTED


def test_lead_unit_reviews_its_own_report(mini: Mini):
    report = svc.report_submit(actor=mini.ndrc_user, report=draft(mini, task=mini.t2, actor=mini.ndrc_user))
    assert svc.report_accept(actor=mini.ndrc_user2, report=report).status == ReportStatus.ACCEPTED


# ----------------------------------------------------------------- four-eyes


@pytest.mark.parametrize("decision", ["accept", "return"])
def test_submitter_cannot_review_own_report(mini: Mini, decision: str):
    """The lead unit's user who submitted a report cannot accept or return it, even as a lead-unit member."""
    report = svc.report_submit(actor=mini.ndrc_user, report=draft(mini, task=mini.t2, actor=mini.ndrc_user))
    assert not svc.can_review(mini.ndrc_user, report) and svc.can_review(mini.ndrc_user2, report)
    with pytest.raises(PermissionDenied, match="four-eyes|四眼|另一名"):
        if decision == "accept":
            svc.report_accept(actor=mini.ndrc_user, report=report)
        else:
            svc.report_return(actor=mini.ndrc_user, report=report, comment="自己退回")
    stored = ProgressReport.objects.get(pk=report.pk)
    assert stored.status == ReportStatus.SUBMITTED and stored.reviewed_by is None
    if decision == "accept":
        done = svc.report_accept(actor=mini.ndrc_user2, report=report)
        assert done.status == ReportStatus.ACCEPTED and done.reviewed_by == mini.ndrc_user2
    else:
        done = svc.report_return(actor=mini.ndrc_user2, report=report, comment="请补充数据")
        assert done.status == ReportStatus.RETURNED and done.reviewed_by == mini.ndrc_user2


def test_last_editor_cannot_review_a_report_another_user_submitted(mini: Mini):
    """ndrc_user edits the draft, a colleague submits it: neither may accept it; a third user may."""
    report = draft(mini, task=mini.t2, actor=mini.ndrc_user2)
    report = svc.report_update(actor=mini.ndrc_user, report=report, percent_complete=55)
    third = mk_user("department", mini.ndrc, "ndrc3")
    report = svc.report_submit(actor=mini.ndrc_user2, report=report)
    assert report.last_edited_by == mini.ndrc_user and report.submitted_by == mini.ndrc_user2
    for author in (mini.ndrc_user, mini.ndrc_user2):
        with pytest.raises(PermissionDenied):
            svc.report_accept(actor=author, report=report)
    assert svc.report_accept(actor=third, report=report).status == ReportStatus.ACCEPTED


def test_evidence_makes_its_uploader_an_author(mini: Mini, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = draft(mini, actor=mini.samr_user)
    svc.evidence_add(
        actor=mini.office,
        report=report,
        upload=SimpleUploadedFile("e.pdf", PDF, content_type="application/pdf"),
    )
    report = svc.report_submit(actor=mini.samr_user, report=report)
    with pytest.raises(PermissionDenied):
        svc.report_accept(actor=mini.office, report=report)
    assert svc.report_accept(actor=mk_user("department", mini.samr, "samr2"), report=report).status == (
        ReportStatus.ACCEPTED
    )


def test_a_reviewer_who_did_not_write_the_resubmitted_report_can_review_it(mini: Mini):
    """A returned report edited and resubmitted by the department is reviewed again by the same reviewer."""
    report = svc.report_submit(actor=mini.justice_user, report=draft(mini))
    svc.report_return(actor=mini.office, report=report, comment="请补充")
    report = svc.report_update(actor=mini.justice_user, report=report, percent_complete=40)
    report = svc.report_submit(actor=mini.justice_user, report=report)
    assert svc.report_accept(actor=mini.office, report=report).status == ReportStatus.ACCEPTED


# ----------------------------------------------------------------- task status


def test_accepting_lead_report_moves_task_support_report_does_not(mini: Mini):
    support = svc.report_submit(
        actor=mini.justice_user, report=draft(mini, progress="delayed", percent_complete=10)
    )
    svc.report_accept(actor=mini.office, report=support)
    task = Task.objects.get(pk=mini.t1.pk)
    assert task.status == TaskStatus.NOT_STARTED and task.status_updated_at is None

    lead = draft(mini, actor=mini.samr_user, progress="at_risk", percent_complete=40)
    svc.report_accept(actor=mini.office, report=svc.report_submit(actor=mini.samr_user, report=lead))
    task = Task.objects.get(pk=mini.t1.pk)
    assert (task.status, task.percent_complete) == (TaskStatus.AT_RISK, 40) and task.status_updated_at


def test_older_period_accepted_later_does_not_roll_back_task(mini: Mini):
    q2 = draft(mini, actor=mini.samr_user, period=mini.q2, progress="on_track", percent_complete=60)
    svc.report_accept(actor=mini.office, report=svc.report_submit(actor=mini.samr_user, report=q2))
    q1 = draft(mini, actor=mini.samr_user, period=mini.q1, progress="delayed", percent_complete=20)
    svc.report_accept(actor=mini.office, report=svc.report_submit(actor=mini.samr_user, report=q1))
    task = Task.objects.get(pk=mini.t1.pk)
    assert (task.status, task.percent_complete) == (TaskStatus.ON_TRACK, 60)


# ----------------------------------------------------------------- evidence


def test_evidence_upload_checked_and_hashed(mini: Mini, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = draft(mini)
    ev = svc.evidence_add(actor=mini.justice_user, report=report, upload=SimpleUploadedFile("证明.pdf", PDF))
    import hashlib

    assert (
        ev.sha256 == hashlib.sha256(PDF).hexdigest()
        and ev.size == len(PDF)
        and ev.original_name == "证明.pdf"
    )
    with pytest.raises(ValidationError):
        svc.evidence_add(
            actor=mini.justice_user, report=report, upload=SimpleUploadedFile("x.pdf", b"MZ\x90\x00")
        )
    with pytest.raises(ValidationError):
        svc.evidence_add(actor=mini.justice_user, report=report, upload=SimpleUploadedFile("x.exe", b"MZ"))
    with pytest.raises(PermissionDenied):
        svc.evidence_add(actor=mini.court_user, report=report, upload=SimpleUploadedFile("y.pdf", PDF))
    assert report.evidence.count() == 1


def test_evidence_withdrawn_from_a_draft_is_kept_and_audited(mini: Mini, settings, tmp_path):
    from ipcity.reporting.models import ReportEvidence

    settings.MEDIA_ROOT = tmp_path
    report = draft(mini)
    wrong = svc.evidence_add(actor=mini.justice_user, report=report, upload=SimpleUploadedFile("错.pdf", PDF))
    right = svc.evidence_add(actor=mini.justice_user, report=report, upload=SimpleUploadedFile("对.pdf", PDF))
    with pytest.raises(PermissionDenied):  # another department
        svc.evidence_withdraw(actor=mini.court_user, report=report, evidence_id=wrong.pk)
    svc.evidence_withdraw(actor=mini.justice_user, report=report, evidence_id=wrong.pk)
    report.refresh_from_db()
    assert [e.original_name for e in report.current_evidence] == ["对.pdf"]
    kept = ReportEvidence.objects.get(pk=wrong.pk)
    assert kept.withdrawn_by == mini.justice_user and kept.file.read() == PDF  # nothing is lost
    entry = AuditEntry.objects.filter(action="progress_report.evidence_withdraw").get()
    assert entry.after is not None and entry.after["name"] == "错.pdf"
    with pytest.raises(ReportEvidence.DoesNotExist):  # twice
        svc.evidence_withdraw(actor=mini.justice_user, report=report, evidence_id=wrong.pk)
    # Once submitted, the evidence is part of the record.
    report = svc.report_submit(actor=mini.justice_user, report=report)
    with pytest.raises(svc.IllegalTransition):
        svc.evidence_withdraw(actor=mini.justice_user, report=report, evidence_id=right.pk)
    assert ReportEvidence.objects.get(pk=right.pk).withdrawn_at is None
