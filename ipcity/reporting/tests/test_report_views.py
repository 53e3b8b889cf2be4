import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from ipcity.core.models import AuditEntry
from ipcity.core.sample_files import minimal_pdf
from ipcity.reporting import services as svc
from ipcity.reporting.choices import ReportStatus
from ipcity.reporting.models import ProgressReport, ReportingPeriod

from .test_report_fixtures import Mini, build_mini

pytestmark = pytest.mark.django_db


@pytest.fixture
def mini(db, settings) -> Mini:
    settings.DEFAULT_POLICY = "mini"
    return build_mini()


def login(client, user):
    client.force_login(user)
    return client


def form_data(**kw):
    return {
        "progress": "on_track",
        "percent_complete": "50",
        "narrative": "开展维权援助",
        "figures": "",
        **kw,
    }


def test_department_writes_and_submits_through_pages(client, mini: Mini, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    login(client, mini.justice_user)
    page = client.get("/plan/reports/?period=2023Q1")
    assert page.status_code == 200 and "1.1.1" in page.content.decode()
    assert "3.2.2" not in page.content.decode()  # 市司法局 is not assigned to 3.2.2
    resp = client.post(
        "/plan/reports/new/?task=1.1.1&period=2023Q1",
        {
            **form_data(figures="审结案件 = 15 件"),
            "evidence": SimpleUploadedFile("证明.pdf", minimal_pdf()),
            "submit": "1",
        },
    )
    report = ProgressReport.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/plan/reports/{report.pk}/"
    assert report.status == ReportStatus.SUBMITTED and report.figures == [
        {"name": "审结案件", "value": "15", "unit": "件"}
    ]
    assert report.evidence.count() == 1
    detail = client.get(f"/plan/reports/{report.pk}/").content.decode()
    assert "证明.pdf" in detail and 'data-status="submitted"' in detail
    assert client.get(f"/plan/reports/{report.pk}/evidence/{report.evidence.get().pk}/").status_code == 200


def test_bad_form_input_shows_errors_not_500(client, mini: Mini):
    login(client, mini.justice_user)
    resp = client.post(
        "/plan/reports/new/?task=1.1.1&period=2023Q1",
        form_data(percent_complete="150", figures="案件 = 很多"),
    )
    assert resp.status_code == 200
    assert not ProgressReport.objects.exists()
    body = resp.content.decode()
    assert "invalid-feedback" in body


def test_bad_evidence_keeps_draft_and_says_why(client, mini: Mini):
    login(client, mini.justice_user)
    resp = client.post(
        "/plan/reports/new/?task=1.1.1&period=2023Q1",
        {**form_data(), "evidence": SimpleUploadedFile("x.pdf", b"not a pdf"), "submit": "1"},
        follow=True,
    )
    report = ProgressReport.objects.get()
    assert report.status == ReportStatus.DRAFT and report.evidence.count() == 0
    assert resp.status_code == 200


def test_lead_accepts_and_returns_through_pages(client, mini: Mini):
    report = svc.report_submit(
        actor=mini.justice_user,
        report=svc.report_create(actor=mini.justice_user, task=mini.t1, period=mini.q1, narrative="x"),
    )
    login(client, mini.office)
    listing = client.get("/plan/reports/?period=2023Q1").content.decode()
    assert 'id="review-queue"' in listing
    resp = client.post(f"/plan/reports/{report.pk}/return/", {"comment": ""}, follow=True)
    assert ProgressReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED  # comment required
    assert resp.status_code == 200
    client.post(f"/plan/reports/{report.pk}/return/", {"comment": "请补充数据"})
    assert ProgressReport.objects.get(pk=report.pk).status == ReportStatus.RETURNED
    login(client, mini.justice_user)
    client.post(f"/plan/reports/{report.pk}/edit/", {**form_data(narrative="已补充"), "submit": "1"})
    login(client, mini.office)
    client.post(f"/plan/reports/{report.pk}/accept/", {"make_public": "on"})
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED and report.is_public
    # Accepted reports cannot be edited: the edit page sends the author back to the detail page.
    login(client, mini.justice_user)
    assert client.get(f"/plan/reports/{report.pk}/edit/")["Location"] == f"/plan/reports/{report.pk}/"


@pytest.mark.parametrize("role", ["finance", "applicant", "admin"])
def test_forbidden_roles_refused_on_every_page(client, mini: Mini, role):
    report = svc.report_submit(
        actor=mini.justice_user,
        report=svc.report_create(actor=mini.justice_user, task=mini.t1, period=mini.q1, narrative="x"),
    )
    login(client, mini.user(role))
    for url in [
        "/plan/reports/",
        f"/plan/reports/{report.pk}/",
        "/plan/supervision/",
        "/plan/reports/export.xlsx",
        "/plan/reports/import/",
        "/plan/reports/settings/",
        "/plan/reports/new/?task=1.1.1&period=2023Q1",
    ]:
        assert client.get(url).status_code == 403, url
    for url in [
        f"/plan/reports/{report.pk}/accept/",
        f"/plan/reports/{report.pk}/return/",
        f"/plan/reports/{report.pk}/submit/",
    ]:
        assert client.post(url, {"comment": "x"}).status_code == 403, url
    assert ProgressReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


def test_anonymous_redirected_to_login(client, mini: Mini):
    assert client.get("/plan/reports/")["Location"].startswith("/accounts/login/")
    assert client.get("/plan/supervision/")["Location"].startswith("/accounts/login/")


def test_auditor_reads_but_cannot_act(client, mini: Mini):
    report = svc.report_submit(
        actor=mini.justice_user,
        report=svc.report_create(actor=mini.justice_user, task=mini.t1, period=mini.q1, narrative="x"),
    )
    login(client, mini.user("auditor"))
    assert client.get(f"/plan/reports/{report.pk}/").status_code == 200
    assert client.get("/plan/supervision/").status_code == 200
    assert client.post(f"/plan/reports/{report.pk}/accept/").status_code == 403
    assert client.get("/plan/reports/new/?task=1.1.1&period=2023Q1").status_code == 403


def test_other_department_cannot_see_or_act(client, mini: Mini):
    report = svc.report_submit(
        actor=mini.justice_user,
        report=svc.report_create(actor=mini.justice_user, task=mini.t1, period=mini.q1, narrative="x"),
    )
    login(client, mini.court_user)
    assert client.get(f"/plan/reports/{report.pk}/").status_code == 404
    assert client.post(f"/plan/reports/{report.pk}/accept/").status_code == 404
    assert client.get("/plan/reports/new/?task=1.1.1&period=2023Q1").status_code == 403
    assert client.get("/plan/supervision/").status_code == 403
    # the support unit cannot accept its own report
    login(client, mini.justice_user)
    client.post(f"/plan/reports/{report.pk}/accept/")
    assert ProgressReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


def test_reporting_settings_page_regenerates(client, mini: Mini):
    login(client, mini.office)
    resp = client.post("/plan/reports/settings/", {"frequency": "half_yearly", "due_days": "15"})
    assert resp.status_code == 302
    codes = set(ReportingPeriod.objects.filter(plan=mini.plan).values_list("code", flat=True))
    # 2023 is over (today is after it): the existing past quarters stay, nothing new overlaps them.
    assert {"2023Q1", "2023Q2"} <= codes
    assert (
        client.post("/plan/reports/settings/", {"frequency": "weekly", "due_days": "-1"}).status_code == 200
    )
    assert AuditEntry.objects.filter(action="plan.reporting_update").count() == 1
    login(client, mini.justice_user)
    assert client.get("/plan/reports/settings/").status_code == 403


def test_export_is_an_xlsx_of_visible_reports(client, mini: Mini):
    from openpyxl import load_workbook

    svc.report_create(actor=mini.justice_user, task=mini.t1, period=mini.q1, narrative="x")
    svc.report_create(actor=mini.ndrc_user, task=mini.t2, period=mini.q1, narrative="y")
    login(client, mini.justice_user)
    resp = client.get("/plan/reports/export.xlsx?period=2023Q1")
    rows = list(load_workbook(io.BytesIO(resp.content)).active.iter_rows(min_row=2, values_only=True))
    assert [r[:3] for r in rows] == [("1.1.1", "市司法局", "2023Q1")]  # 3.2.2 belongs to another department
    login(client, mini.office)
    rows = list(
        load_workbook(
            io.BytesIO(client.get("/plan/reports/export.xlsx?task=3.2.2").content)
        ).active.iter_rows(min_row=2, values_only=True)
    )
    assert [r[0] for r in rows] == ["3.2.2"]


@override_settings(LANGUAGE_CODE="en")
def test_supervision_page_shows_missing_only_after_deadline(client, mini: Mini, monkeypatch):
    from django.utils import timezone

    login(client, mini.office)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2023, 4, 10))
    body = client.get("/plan/supervision/?period=2023Q1").content.decode()
    assert 'id="count-missing">0<' in body
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2023, 4, 11))
    body = client.get("/plan/supervision/?period=2023Q1").content.decode()
    assert 'id="count-missing">4<' in body  # 2 tasks × 2 units, none reported
    matrix = client.get("/plan/supervision/?period=2023Q1&view=matrix").content.decode()
    assert matrix.count('data-state="missing"') == 4


def test_pages_with_the_real_plan_and_demo_reports(client, plan):
    import io as _io

    from ipcity.accounts.models import User
    from ipcity.demo import accounts as accounts_demo
    from ipcity.demo import orgs as orgs_demo
    from ipcity.demo import reports as report_demo

    client.force_login(
        User.objects.create_user(
            "office0", role="plan_office", department=plan.tasks.get(code="1.1.1").lead_assignment.department
        )
    )
    # load_policy generates the reporting periods, so the page never starts without one.
    assert 'id="no-periods"' not in client.get("/plan/reports/").content.decode()

    out = _io.StringIO()
    orgs_demo.load(stdout=out, options={})
    accounts_demo.load(stdout=out, options={})
    report_demo.load(stdout=out, options={})
    office = User.objects.get(username="plan_office")
    login(client, office)
    body = client.get("/plan/reports/?period=2024Q4").content.decode()
    assert 'id="review-queue"' in body  # 市法院's late report on 1.1.1 waits for the plan office
    board = client.get("/plan/supervision/?period=2024Q4").content.decode()
    assert 'id="count-late">1<' in board
    assert (
        client.get(
            f"/plan/supervision/?period=2024Q4&view=matrix&department={office.department_id}"
        ).status_code
        == 200
    )
    login(client, User.objects.get(username="dept_ndrc"))
    body = client.get("/plan/reports/?period=2024Q4").content.decode()
    assert 'id="review-queue"' in body and "3.2.2" in body


def test_report_api_is_documented(client, db):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"/api/plan/reports/", "/api/plan/reports/queue", "/api/plan/reports/{report_id}/accept"} <= set(
        paths
    )
    evidence = paths["/api/plan/reports/{report_id}/evidence"]["post"]
    assert "multipart/form-data" in evidence["requestBody"]["content"]


def test_report_list_queries_do_not_grow_with_rows(client, mini: Mini, django_assert_max_num_queries):
    """No N+1 on the report list page, the API list, the Excel export and the supervision board: 1 report
    costs what 8 cost."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    writers = [
        (mini.office, mini.t1),
        (mini.justice_user, mini.t1),
        (mini.ndrc_user, mini.t2),
        (mini.office, mini.t2),
    ]
    rows = [(user, task, period) for period in (mini.q1, mini.q2) for user, task in writers]

    def add(user, task, period):
        report = svc.report_create(actor=user, task=task, period=period, narrative="x")
        svc.report_submit(actor=user, report=report)

    add(*rows[0])
    login(client, mini.office)
    urls = (
        "/plan/reports/",
        "/api/plan/reports/",
        "/plan/reports/export.xlsx",
        "/plan/supervision/",
        "/plan/supervision/?view=matrix",
    )
    counts = {}
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts[url] = len(ctx.captured_queries)
    for row in rows[1:]:
        add(*row)
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            assert client.get(url).status_code == 200
    assert len(client.get("/api/plan/reports/").json()) == 8


def test_withdraw_evidence_from_the_draft_form(client, mini: Mini, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    login(client, mini.justice_user)
    client.post(
        "/plan/reports/new/?task=1.1.1&period=2023Q1",
        {**form_data(), "evidence": SimpleUploadedFile("错.pdf", minimal_pdf())},
    )
    report = ProgressReport.objects.get()
    evidence = report.evidence.get()
    form = client.get(f"/plan/reports/{report.pk}/edit/").content.decode()
    assert "错.pdf" in form and f"/evidence/{evidence.pk}/withdraw/" in form
    assert client.get(f"/plan/reports/{report.pk}/evidence/{evidence.pk}/withdraw/").status_code == 405
    resp = client.post(f"/plan/reports/{report.pk}/evidence/{evidence.pk}/withdraw/")
    assert resp.status_code == 302
    assert "错.pdf" not in client.get(f"/plan/reports/{report.pk}/edit/").content.decode()
    assert client.post(f"/plan/reports/{report.pk}/evidence/{evidence.pk}/withdraw/").status_code == 404


def test_four_eyes_on_the_report_page(client, mini: Mini):
    """The submitter, though of the lead unit, gets no review buttons and is refused; a colleague reviews."""
    report = svc.report_submit(
        actor=mini.samr_user,
        report=svc.report_create(actor=mini.samr_user, task=mini.t1, period=mini.q1, narrative="x"),
    )
    login(client, mini.samr_user)
    page = client.get(f"/plan/reports/{report.pk}/").content.decode()
    assert 'id="review-card"' not in page and 'id="four-eyes"' in page
    assert client.post(f"/plan/reports/{report.pk}/accept/").status_code == 403
    assert ProgressReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED
    login(client, mini.office)
    assert 'id="review-card"' in client.get(f"/plan/reports/{report.pk}/").content.decode()
    client.post(f"/plan/reports/{report.pk}/accept/")
    assert ProgressReport.objects.get(pk=report.pk).status == ReportStatus.ACCEPTED
