"""Control characters (NUL and the other C0 controls but tab and line breaks) are refused at the edge,
before any view runs: PostgreSQL cannot store NUL, and no Excel export could hold the others.
Exports still survive such data when it arrived another way.

Real HTTP for the API; Django's test client for the pages.
"""

import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from ipcity.core.excel import cell_value
from ipcity.orgs.models import District, Entity

pytestmark = pytest.mark.django_db(transaction=True)

USCC = "91370600MA3C4XYZ8B"


def _detail(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.text
    (error,) = response.json()["detail"]
    assert error["type"] == "control_character"
    assert "control characters" in error["message"] and "控制字符" in error["message"]
    return error


def test_api_json_body_names_the_field_and_changes_nothing(plan: Any, make_user: Any, http: Any) -> None:
    office = http.as_user(make_user("plan_office", department="市市场监管局"))
    entities, districts = Entity.objects.count(), District.objects.count()
    body = {"uscc": USCC, "name": "烟台\x00测试有限公司", "kind": "enterprise"}
    assert _detail(office.post("/api/orgs/entities", json=body))["field"] == "name"
    district = {"code": "test-district", "name": "测试\x0b区", "kind": "district"}
    assert _detail(office.post("/api/orgs/districts", json=district))["field"] == "name"
    nested = {"scheme": "madrid_trademark", "date": "2024-05-01", "facts": {"class_count": "1\x1f2"}}
    assert _detail(http.post("/api/incentives/calculate", json=nested))["field"] == "facts.class_count"
    listed = {"applications": [{"scheme": "x"}, {"scheme": "y\x08"}]}
    assert _detail(http.post("/api/incentives/simulate", json=listed))["field"] == "applications.1.scheme"
    assert (Entity.objects.count(), District.objects.count()) == (entities, districts)


def test_tabs_and_line_breaks_are_text(plan: Any, make_user: Any, http: Any) -> None:
    office = http.as_user(make_user("plan_office", department="市市场监管局"))
    district = {
        "code": "test-district",
        "name": "测试区",
        "name_en": "Test\tDistrict\r\n",
        "kind": "district",
    }
    assert office.post("/api/orgs/districts", json=district).status_code == 201


def test_api_query_and_path(plan: Any, http: Any) -> None:
    assert (
        _detail(http.get("/api/plan/tasks", params={"department": "市司法局\x00"}))["field"] == "department"
    )
    assert _detail(http.get("/api/plan/tasks", params={"status": "\x1b"}))["field"] == "status"
    assert _detail(http.get("/api/plan/tasks/1.1.1%00"))["field"] == "path"
    # The same requests without the control character are answered as usual.
    assert http.get("/api/plan/tasks", params={"department": "市司法局"}).status_code == 200
    assert http.get("/api/plan/tasks/1.1.1").status_code == 200


def test_api_form_field(plan: Any, make_user: Any, http: Any) -> None:
    office = http.as_user(make_user("plan_office", department="市市场监管局"))
    r = office.post("/api/orgs/entities", data={"name": "a\x00b"})
    assert _detail(r)["field"] == "name"


def test_a_json_text_that_merely_mentions_backslash_u0000_is_accepted(http: Any) -> None:
    # "\\u0000" in JSON is the six characters \u0000, not a NUL: it reaches the view as usual.
    r = http.post(
        "/api/incentives/calculate",
        data='{"scheme": "no_such_scheme\\\\u0000", "date": "2024-05-01", "facts": {}}',
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 404


def test_pages_answer_400(plan: Any, client: Client) -> None:
    assert client.get("/plan/", {"q": "a\x00"}).status_code == 400
    assert client.post("/accounts/login/", {"username": "x\x07", "password": "y"}).status_code == 400
    assert client.get("/plan/").status_code == 200
    # A multipart body without a boundary cannot be read, neither here nor by the view.
    assert client.post("/accounts/login/", b"x", content_type="multipart/form-data").status_code == 400


def test_cell_value_keeps_text_and_line_breaks() -> None:
    assert cell_value("第一行\x0b第二行\x0c第三行") == "第一行\n第二行\n第三行"
    assert cell_value("莱山\x00\x01\x1f区\t(演示)\r\n") == "莱山区\t(演示)\r\n"
    assert cell_value(12) == 12 and cell_value(None) is None


def test_an_export_survives_names_stored_with_control_characters(plan: Any, make_user: Any) -> None:
    # Data from before the rule, or written by an import, must not turn an export into a 500.
    District.objects.create(code="ctl", name="测试\x01区\x0b(演示)", kind="district", order=99)
    client = Client()
    client.force_login(make_user("plan_office", department="市市场监管局"))
    response = client.get("/orgs/entities/import/template.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    texts = [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value]
    assert any("测试区\n(演示)" in t for t in texts)


def test_an_api_body_over_the_size_limit_is_a_413_in_json(client: Client, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    body = '{"applications": [' + ", ".join(['{"scheme": "madrid_trademark"}'] * 20) + "]}"
    response = client.post("/api/incentives/simulate", body, content_type="application/json")
    assert response.status_code == 413
    (error,) = response.json()["detail"]
    assert error["type"] == "too_large" and "100" in error["message"] and "请求体" in error["message"]
    # Pages keep Django's 400.
    assert client.post("/accounts/login/", {"username": "x" * 200, "password": "y"}).status_code == 400
