"""A NUL character anywhere a user can type is refused before any view runs (PostgreSQL cannot store it).

Real HTTP for the API; Django's test client for the pages.
"""

from typing import Any

import pytest
from django.test import Client

from ipcity.orgs.models import Entity

pytestmark = pytest.mark.django_db(transaction=True)

USCC = "91370600MA3C4XYZ8B"


def _detail(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.text
    (error,) = response.json()["detail"]
    assert "NUL" in error["message"] and "空字符" in error["message"]
    return error


def test_api_json_body_names_the_field_and_changes_nothing(plan: Any, make_user: Any, http: Any) -> None:
    office = http.as_user(make_user("plan_office", department="市市场监管局"))
    before = Entity.objects.count()
    body = {"uscc": USCC, "name": "烟台\x00测试有限公司", "kind": "enterprise"}
    assert _detail(office.post("/api/orgs/entities", json=body))["field"] == "name"
    nested = {"scheme": "madrid_trademark", "date": "2024-05-01", "facts": {"class_count": "1\x002"}}
    assert _detail(http.post("/api/incentives/calculate", json=nested))["field"] == "facts.class_count"
    listed = {"applications": [{"scheme": "x"}, {"scheme": "y\x00"}]}
    assert _detail(http.post("/api/incentives/simulate", json=listed))["field"] == "applications.1.scheme"
    assert Entity.objects.count() == before


def test_api_query_and_path(plan: Any, http: Any) -> None:
    assert (
        _detail(http.get("/api/plan/tasks", params={"department": "市司法局\x00"}))["field"] == "department"
    )
    assert _detail(http.get("/api/plan/tasks/1.1.1%00"))["field"] == "path"
    # The same requests without the NUL are answered as usual.
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
    assert client.post("/accounts/login/", {"username": "x\x00", "password": "y"}).status_code == 400
    assert client.get("/plan/").status_code == 200
