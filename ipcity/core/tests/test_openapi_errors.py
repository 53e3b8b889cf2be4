"""Every operation of /api/openapi.json documents the error statuses it can answer, in one shape (ErrorOut),
and the API's real error bodies have that shape (ipcity.core.api_errors)."""

from typing import Any

import pytest
from django.test import Client

from ipcity.core.api_errors import ErrorOut

WRITES = ("post", "put", "patch", "delete")


@pytest.fixture
def document(client: Client) -> dict[str, Any]:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(p, m, op) for p, ops in document["paths"].items() for m, op in ops.items()]


def test_every_operation_documents_its_errors(document: dict[str, Any]) -> None:
    operations = _operations(document)
    assert len(operations) >= 60
    for path, method, op in operations:
        codes = set(op["responses"])
        where = f"{method.upper()} {path}: {sorted(codes)}"
        assert "422" in codes, where
        if op.get("security"):
            assert {"401", "403"} <= codes, where
        else:
            assert "401" not in codes, where  # public operations never ask to authenticate
        if method in WRITES:
            assert {"403", "404"} <= codes, where
        if "{" in path:
            assert "404" in codes, where
        if "requestBody" in op:
            assert {"400", "413"} <= codes, where
        if method in WRITES and op.get("security"):
            assert "409" in codes, where
    public_read = document["paths"]["/api/grants/announcements"]["get"]["responses"]
    assert set(public_read) == {"200", "422"}


def test_the_added_responses_use_the_one_error_shape(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    assert set(schemas["ErrorOut"]["properties"]) == {"detail", "code"}
    assert set(schemas["FieldErrorOut"]["required"]) == {"field", "message", "type"}
    objection = document["paths"]["/api/grants/announcements/{app_id}/objections"]["post"]["responses"]
    assert objection["403"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorOut"
    }
    # What an operation documents itself is kept (the reports' own 409 schema).
    report = document["paths"]["/api/plan/reports/{report_id}/submit"]["post"]["responses"]
    assert report["409"]["description"] == "Conflict" and "ErrorOut" not in str(report["409"])


@pytest.mark.django_db
def test_real_error_bodies_have_that_shape(client: Client) -> None:
    bodies = [
        client.post("/api/orgs/entities", {}, content_type="application/json"),  # 401
        client.post("/api/orgs/districts", '{"name": "\\ud800"}', content_type="application/json"),  # 422
        client.post("/api/incentives/calculate", "[1]", content_type="application/json"),  # 422
        client.get("/api/plan/tasks/no-such-task"),  # 404
    ]
    assert [r.status_code for r in bodies] == [401, 422, 422, 404]
    for response in bodies:
        ErrorOut.model_validate(response.json())
