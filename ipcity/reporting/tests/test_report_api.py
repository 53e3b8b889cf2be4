"""API tests over real HTTP (live server)."""

import pytest

from ipcity.core.sample_files import minimal_pdf
from ipcity.reporting import services as svc
from ipcity.reporting.choices import ReportStatus
from ipcity.reporting.models import ProgressReport

from .test_report_fixtures import Mini, build_mini

BASE = "/api/plan/reports/"


@pytest.fixture
def mini(transactional_db, settings, tmp_path) -> Mini:
    settings.DEFAULT_POLICY = "mini"
    settings.MEDIA_ROOT = tmp_path
    return build_mini()


def new_report(http, user, **kw):
    body = {
        "task": "1.1.1",
        "period": "2023Q1",
        "progress": "on_track",
        "percent_complete": 40,
        "narrative": "进展",
        **kw,
    }
    return http.as_user(user).post(BASE, json=body)


def test_full_flow_over_http(http, mini: Mini):
    dept = http.as_user(mini.justice_user)
    resp = new_report(http, mini.justice_user, figures=[{"name": "培训", "value": "200", "unit": "人次"}])
    assert resp.status_code == 201, resp.text
    rid = resp.json()["id"]
    assert resp.json()["status"] == "draft" and resp.json()["figures"][0]["value"] == "200"

    assert dept.patch(f"{BASE}{rid}", json={"percent_complete": 55}).json()["percent_complete"] == 55
    ev = dept.post(f"{BASE}{rid}/evidence", files={"file": ("证明.pdf", minimal_pdf(), "application/pdf")})
    assert ev.status_code == 201 and len(ev.json()["sha256"]) == 64
    assert dept.post(f"{BASE}{rid}/submit").json()["status"] == "submitted"

    lead = http.as_user(mini.office)
    assert [r["id"] for r in lead.get(f"{BASE}queue").json()] == [rid]
    resp = lead.post(f"{BASE}{rid}/return", json={"comment": "请补充"})
    assert resp.json()["status"] == "returned"
    dept.patch(f"{BASE}{rid}", json={"narrative": "已补充"})
    dept.post(f"{BASE}{rid}/submit")
    resp = lead.post(f"{BASE}{rid}/accept", json={"make_public": True})
    assert resp.status_code == 200 and resp.json()["status"] == "accepted" and resp.json()["is_public"]
    detail = dept.get(f"{BASE}{rid}").json()
    assert [e["to_status"] for e in detail["events"]] == [
        "draft",
        "submitted",
        "returned",
        "submitted",
        "accepted",
    ]


def test_illegal_transitions_are_409(http, mini: Mini):
    rid = new_report(http, mini.justice_user).json()["id"]
    lead = http.as_user(mini.office)
    dept = http.as_user(mini.justice_user)
    resp = lead.post(f"{BASE}{rid}/accept", json={})
    assert resp.status_code == 409 and "不能采纳" in resp.json()["detail"]  # Chinese by default
    resp = lead.post(f"{BASE}{rid}/accept", json={}, headers={"Accept-Language": "en"})
    assert resp.status_code == 409 and "cannot be accepted" in resp.json()["detail"]
    dept.post(f"{BASE}{rid}/submit")
    assert dept.post(f"{BASE}{rid}/submit").status_code == 409
    assert dept.patch(f"{BASE}{rid}", json={"narrative": "x"}).status_code == 409
    assert new_report(http, mini.justice_user).status_code == 409  # duplicate
    assert ProgressReport.objects.get(pk=rid).status == ReportStatus.SUBMITTED


def test_invalid_input_is_422_per_field(http, mini: Mini):
    resp = new_report(http, mini.justice_user, percent_complete=150)
    assert resp.status_code == 422 and resp.json()["detail"][0]["field"] == "percent_complete"
    resp = new_report(http, mini.justice_user, progress="flying")
    assert resp.status_code == 422
    resp = new_report(http, mini.justice_user, figures=[{"name": "案件", "value": "许多"}])
    assert resp.status_code == 422 and resp.json()["detail"][0]["field"] == "figures"
    rid = new_report(http, mini.justice_user).json()["id"]
    dept = http.as_user(mini.justice_user)
    dept.post(f"{BASE}{rid}/submit")
    assert http.as_user(mini.office).post(f"{BASE}{rid}/return", json={"comment": " "}).status_code == 422
    bad = dept.post(f"{BASE}{rid}/evidence", files={"file": ("a.exe", b"MZ", "application/octet-stream")})
    assert bad.status_code in (409, 422)
    assert not ProgressReport.objects.exclude(pk=rid).exists()


def test_unknown_is_404(http, mini: Mini):
    dept = http.as_user(mini.justice_user)
    assert dept.get(f"{BASE}99999").status_code == 404
    assert dept.post(f"{BASE}99999/submit").status_code == 404
    assert new_report(http, mini.justice_user, task="9.9.9").status_code == 404
    assert new_report(http, mini.justice_user, period="2031Q1").status_code == 404


@pytest.mark.parametrize("role", ["finance", "applicant", "admin", "auditor"])
def test_forbidden_roles_refused(http, mini: Mini, role):
    report = svc.report_submit(
        actor=mini.justice_user,
        report=svc.report_create(actor=mini.justice_user, task=mini.t1, period=mini.q1, narrative="x"),
    )
    client = http.as_user(mini.user(role))
    assert new_report(http, client_user := mini.user(role)).status_code == 403, client_user
    assert client.post(f"{BASE}{report.pk}/accept", json={}).status_code == 403
    assert client.post(f"{BASE}{report.pk}/return", json={"comment": "x"}).status_code == 403
    assert client.post(f"{BASE}{report.pk}/submit").status_code == 403
    assert client.patch(f"{BASE}{report.pk}", json={"narrative": "x"}).status_code == 403
    if role == "auditor":
        assert client.get(f"{BASE}{report.pk}").status_code == 200  # reads everything
    else:
        assert client.get(BASE).status_code == 403
    assert ProgressReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


def test_wrong_department_refused(http, mini: Mini):
    rid = new_report(http, mini.justice_user).json()["id"]
    http.as_user(mini.justice_user).post(f"{BASE}{rid}/submit")
    court = http.as_user(mini.court_user)
    assert new_report(http, mini.court_user).status_code == 403  # not assigned to 1.1.1
    assert court.post(f"{BASE}{rid}/accept", json={}).status_code == 404  # cannot even see it
    # support unit sees its report but is not the lead
    assert http.as_user(mini.justice_user).post(f"{BASE}{rid}/accept", json={}).status_code == 403
    # plan office is not the lead of 3.2.2
    r2 = new_report(http, mini.office, task="3.2.2").json()["id"]
    http.as_user(mini.office).post(f"{BASE}{r2}/submit")
    assert http.as_user(mini.office).post(f"{BASE}{r2}/accept", json={}).status_code == 403
    assert http.as_user(mini.ndrc_user).post(f"{BASE}{r2}/accept", json={}).status_code == 200


def test_anonymous_is_401(http, mini: Mini):
    assert http.get(BASE).status_code == 401
    assert http.post(BASE, json={}).status_code in (401, 403)  # 403: no CSRF cookie without a session
    assert not ProgressReport.objects.exists()


def test_list_filters(http, mini: Mini):
    new_report(http, mini.justice_user)
    new_report(http, mini.justice_user, period="2023Q2")
    office = http.as_user(mini.office)
    assert len(office.get(BASE).json()) == 2
    assert [r["period"] for r in office.get(BASE, params={"period": "2023Q2"}).json()] == ["2023Q2"]
    assert office.get(BASE, params={"status": "submitted"}).json() == []


def test_multipart_without_boundary_is_400(http, mini: Mini):
    """Regression: `Content-Type: multipart/form-data` without a boundary was a 500 on the evidence upload."""
    rid = new_report(http, mini.justice_user).json()["id"]
    dept = http.as_user(mini.justice_user)
    resp = dept.post(
        f"{BASE}{rid}/evidence", data=b"not multipart", headers={"Content-Type": "multipart/form-data"}
    )
    assert resp.status_code == 400 and resp.json()["detail"][0]["type"] == "multipart"
    assert not ProgressReport.objects.get(pk=rid).evidence.exists()


def test_bad_list_filter_is_422_per_field(http, mini: Mini):
    """The list's FilterSet errors come back in the API's per-field shape (they were one HTML string)."""
    resp = http.as_user(mini.office).get(BASE, params={"department": 999999, "status": "bogus"})
    assert resp.status_code == 422
    assert {d["field"] for d in resp.json()["detail"]} == {"department", "status"}


def test_evidence_withdrawal_over_http(http, mini: Mini):
    dept = http.as_user(mini.justice_user)
    rid = new_report(http, mini.justice_user).json()["id"]
    ev = dept.post(f"{BASE}{rid}/evidence", files={"file": ("错.pdf", minimal_pdf(), "application/pdf")})
    eid = ev.json()["id"]
    assert http.as_user(mini.court_user).delete(f"{BASE}{rid}/evidence/{eid}").status_code in (403, 404)
    assert dept.delete(f"{BASE}{rid}/evidence/{eid}").status_code == 204
    assert dept.get(f"{BASE}{rid}").json()["evidence"] == []
    assert dept.delete(f"{BASE}{rid}/evidence/{eid}").status_code == 404
    again = dept.post(
        f"{BASE}{rid}/evidence", files={"file": ("对.pdf", minimal_pdf("ok"), "application/pdf")}
    )
    dept.post(f"{BASE}{rid}/submit")
    assert dept.delete(f"{BASE}{rid}/evidence/{again.json()['id']}").status_code == 409
    assert [e["name"] for e in dept.get(f"{BASE}{rid}").json()["evidence"]] == ["对.pdf"]


def test_four_eyes_over_http(http, mini: Mini):
    """The lead unit's user who submitted a report cannot accept or return it; a colleague can."""
    rid = new_report(http, mini.ndrc_user, task="3.2.2").json()["id"]
    author = http.as_user(mini.ndrc_user)
    assert author.post(f"{BASE}{rid}/submit").status_code == 200
    refused = author.post(f"{BASE}{rid}/accept", json={}, headers={"Accept-Language": "en"})
    assert refused.status_code == 403 and "four-eyes" in refused.json()["detail"]
    assert author.post(f"{BASE}{rid}/return", json={"comment": "自己退回"}).status_code == 403
    assert ProgressReport.objects.get(pk=rid).status == ReportStatus.SUBMITTED
    accepted = http.as_user(mini.ndrc_user2).post(f"{BASE}{rid}/accept", json={})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
