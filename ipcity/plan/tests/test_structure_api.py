"""The read API and the indicator-value endpoint, over real HTTP."""

from __future__ import annotations

import pytest

from ipcity.core.models import AuditEntry
from ipcity.plan.models import IndicatorValue, Task

from .test_structure_helpers import ROLES, reports_on, user_of

FIN_IN_PROGRAMME_3 = ["3.2.1", "3.3.2", "3.3.3", "3.3.4", "3.3.5"]


@pytest.fixture
def loaded(transactional_db, plan):
    return plan


def test_plan_metadata(http, loaded):
    body = http.get("/api/plan").json()
    assert body["document_number"] == "烟政办字〔2022〕19号"
    assert (body["programme_count"], body["measure_count"], body["task_count"]) == (7, 24, 38)
    assert body["indicator_count"] == 12


def test_programmes_with_measures(http, loaded):
    body = http.get("/api/plan/programmes").json()
    assert [p["code"] for p in body] == ["1", "2", "3", "4", "5", "6", "7"]
    assert [len(p["measures"]) for p in body] == [5, 3, 3, 3, 4, 3, 3]
    measure = body[2]["measures"][1]
    assert (measure["code"], measure["clause"], measure["tasks"]) == ("3.2", "二(三)2", ["3.2.1", "3.2.2"])


def test_task_shape(http, loaded):
    resp = http.get("/api/plan/tasks")
    assert resp.status_code == 200
    tasks = resp.json()
    assert len(tasks) == 38
    task = next(t for t in tasks if t["code"] == "3.2.2")
    assert task["text"] == "积极推动知识产权军民双向转化，实现知识产权领域资源整合、要素融合和优势聚合。"
    assert task["programme"] == {
        "code": "3",
        "number": 3,
        "title": "实施知识产权运营深化工程",
        "title_en": task["programme"]["title_en"],
    }
    assert task["measure"]["code"] == "3.2" and task["measure"]["title"] == "实施专利留烟专项计划"
    assert task["lead_department"] == "市发展改革委"
    assert task["support_departments"] == ["市市场监管局"]
    assert task["status"] == "not_started"
    four = next(t for t in tasks if t["code"] == "1.3.1")
    assert four["support_departments"] == ["市教育局", "市司法局", "市文化和旅游局", "市法院"]


@pytest.mark.parametrize("department", ["市财政局", "finance"])
def test_filter_by_programme_and_department(http, loaded, department):
    resp = http.get("/api/plan/tasks", params={"programme": 3, "department": department})
    assert [t["code"] for t in resp.json()] == FIN_IN_PROGRAMME_3


def test_filter_by_status_and_lead_role(http, loaded):
    Task.objects.filter(code__in=["2.2.1", "6.1.2"]).update(status="completed")
    assert [t["code"] for t in http.get("/api/plan/tasks?status=completed").json()] == ["2.2.1", "6.1.2"]
    lead = http.get("/api/plan/tasks", params={"department": "市发展改革委", "role": "lead"}).json()
    assert [t["code"] for t in lead] == ["3.2.2"]


def test_bad_filter_is_422_per_field(http, loaded):
    resp = http.get("/api/plan/tasks?programme=abc&status=bogus")
    assert resp.status_code == 422
    assert {d["field"] for d in resp.json()["detail"]} == {"programme", "status"}


def test_task_detail_and_unknown_code(http, loaded):
    body = http.get("/api/plan/tasks/1.1.1").json()
    assert body["main_text"].startswith("严格知识产权保护。")
    assert body["main_text_units"][:2] == ["市市场监管局", "市司法局"]
    resp = http.get("/api/plan/tasks/9.9.9")
    assert resp.status_code == 404
    assert resp.headers["Content-Type"].startswith("application/json")
    assert "9.9.9" in resp.json()["detail"]


def test_task_detail_shows_only_public_accepted_reports(http, loaded):
    reports_on(loaded, "7.3.1")
    body = http.get("/api/plan/tasks/7.3.1").json()
    assert [r["narrative"] for r in body["public_reports"]] == ["公开的进展：已完成年度白皮书起草"]
    (report,) = body["public_reports"]
    assert report["period_code"].startswith("20") and report["period"] != report["period_code"]


def test_indicators_with_latest_value_and_status(http, loaded, make_user):
    body = http.get("/api/plan/indicators").json()
    assert len(body) == 12
    hv = next(i for i in body if i["code"] == "high-value-patents-per-10k")
    assert (hv["target"], hv["status"], hv["latest"]) == ("8.1", "no_data", None)
    office = http.as_user(user_of(make_user, "plan_office"))
    resp = office.post(
        "/api/plan/indicators/high-value-patents-per-10k/values",
        json={"year": 2024, "as_of": "2024-12-31", "value": "8.3", "source": "市市场监管局统计"},
    )
    assert resp.status_code == 201, resp.text
    hv = next(i for i in http.get("/api/plan/indicators").json() if i["code"] == "high-value-patents-per-10k")
    assert hv["latest"]["value"] == "8.3" and hv["status"] == "achieved"
    assert AuditEntry.objects.filter(action="indicator_value.record").count() == 1


@pytest.mark.parametrize("role", [r for r in ROLES if r != "plan_office"])
def test_recording_a_value_is_refused_to_other_roles(http, loaded, make_user, role):
    client = http.as_user(user_of(make_user, role))
    resp = client.post(
        "/api/plan/indicators/training-person-times/values",
        json={"year": 2023, "as_of": "2023-12-31", "value": 1200, "source": "x"},
    )
    assert resp.status_code == 403
    assert IndicatorValue.objects.count() == 0


def test_recording_a_value_needs_authentication(http, loaded):
    resp = http.post(
        "/api/plan/indicators/training-person-times/values",
        json={"year": 2023, "as_of": "2023-12-31", "value": 1200, "source": "x"},
    )
    assert resp.status_code in {401, 403}  # no token and no session (ninja's cookie auth checks CSRF first)
    assert IndicatorValue.objects.count() == 0


def test_invalid_values_are_422_per_field(http, loaded, make_user):
    office = http.as_user(user_of(make_user, "plan_office"))
    url = "/api/plan/indicators/training-person-times/values"
    resp = office.post(url, json={"year": 2023, "as_of": "2023-12-31", "value": "abc", "source": "x"})
    assert resp.status_code == 422 and resp.json()["detail"][0]["field"] == "value"
    resp = office.post(url, json={"year": 2023, "as_of": "2022-12-31", "value": 5, "source": " "})
    assert resp.status_code == 422
    assert {d["field"] for d in resp.json()["detail"]} == {"as_of"}
    resp = office.post(url, json={"year": 2023, "as_of": "2023-12-31", "value": 5, "source": " "})
    assert resp.status_code == 422 and resp.json()["detail"][0]["field"] == "source"
    assert (
        office.post(
            "/api/plan/indicators/nope/values",
            json={"year": 2023, "as_of": "2023-12-31", "value": 5, "source": "x"},
        ).status_code
        == 404
    )
    assert IndicatorValue.objects.count() == 0
