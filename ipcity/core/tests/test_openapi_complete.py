"""Every operation of /api/openapi.json documents its success body, and the bodies the API really answers
over HTTP match what is documented (issue 9, item 9: client generators can rely on the document).

The document's JSON schemas are checked with a small validator (below) that is stricter than JSON Schema
on one point: an object schema that lists `properties` is closed, so a field the API sends but does not
document fails just as a documented field that is missing or of another type.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client

from ipcity.core.sample_files import minimal_pdf
from ipcity.grants.api import application_out, call_out
from ipcity.grants.models import Application
from ipcity.grants.tests.conftest import World, world  # noqa: F401  (the grants fixture)
from ipcity.reporting.tests.test_report_api import mini, new_report  # noqa: F401  (the reports fixture)
from ipcity.reporting.tests.test_report_fixtures import Mini

JSON = "application/json"


@pytest.fixture
def make_user(plan: Any) -> Any:
    """The root conftest's factory on the real plan (this package's conftest has a lighter one)."""
    from ipcity.accounts.testing import user_factory

    return user_factory()


@pytest.fixture
def document(client: Client) -> dict[str, Any]:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(p, m, op) for p, ops in document["paths"].items() for m, op in ops.items()]


def _resolve(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


TYPES: dict[str, Any] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def schema_errors(value: Any, schema: dict[str, Any], document: dict[str, Any], at: str = "$") -> list[str]:
    """Where `value` does not match `schema` (an empty list when it does)."""
    schema = _resolve(schema, document)
    errors: list[str] = []
    for part in schema.get("allOf", []):
        errors += schema_errors(value, part, document, at)
    choices = schema.get("anyOf") or schema.get("oneOf")
    if choices and all(schema_errors(value, c, document, at) for c in choices):
        errors.append(f"{at}: {value!r} matches none of {choices}")
    kind = schema.get("type")
    if kind is not None:
        kinds = kind if isinstance(kind, list) else [kind]
        if not any(TYPES[k](value) for k in kinds):
            return [*errors, f"{at}: {value!r} is not {kind}"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{at}: {value!r} not in {schema['enum']}")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        errors += [f"{at}: {name!r} missing" for name in schema.get("required", []) if name not in value]
        extra = schema.get("additionalProperties", False if properties else True)
        for name, item in value.items():
            if name in properties:
                errors += schema_errors(item, properties[name], document, f"{at}.{name}")
            elif extra is False:
                errors.append(f"{at}: {name!r} is not documented")
            elif isinstance(extra, dict):
                errors += schema_errors(item, extra, document, f"{at}.{name}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            errors += schema_errors(item, schema["items"], document, f"{at}[{i}]")
    return errors


def assert_documented(response: Any, method: str, path: str, document: dict[str, Any]) -> Any:
    """The live response's status is a documented success and its body matches the documented schema."""
    operation = document["paths"][path][method]
    documented = operation["responses"].get(str(response.status_code))
    where = f"{method.upper()} {path} -> {response.status_code}: {response.text[:300]}"
    assert response.status_code < 300 and documented is not None, where
    if response.status_code == 204:
        assert response.content == b"" and "content" not in documented, where
        return None
    content_type = response.headers["Content-Type"].split(";")[0]
    assert content_type in documented["content"], where
    if content_type != JSON:
        return response.content
    body = response.json()
    assert schema_errors(body, documented["content"][JSON]["schema"], document) == [], where
    return body


# -- the document --------------------------------------------------------------------------------


def test_every_operation_documents_its_success_body(document: dict[str, Any]) -> None:
    operations = _operations(document)
    assert len(operations) >= 70
    files = []
    for path, method, op in operations:
        successes = {c: r for c, r in op["responses"].items() if c.startswith("2")}
        where = f"{method.upper()} {path}: {op['responses'].get('200', successes)}"
        assert len(successes) == 1, where
        ((code, response),) = successes.items()
        if code == "204":
            assert "content" not in response, where  # no body
            continue
        content = response.get("content")
        assert content, where
        if JSON not in content:
            assert all(c.get("schema") for c in content.values()), where
            files.append(path)
            continue
        schema = _resolve(content[JSON]["schema"], document)
        assert schema not in ({}, {"type": "object"}), where
        assert schema.get("properties") or schema.get("items") or schema.get("additionalProperties"), where
    assert files == ["/api/grants/attachments/{attachment_id}"]


def test_the_validator_refuses_what_does_not_match(document: dict[str, Any]) -> None:
    schema = {"$ref": "#/components/schemas/CreditRecordOut"}
    good = {
        "id": 1,
        "entity": "海润",
        "uscc": "X",
        "behaviour": "b",
        "measure": "m",
        "period_start": "2024-01-01",
        "period_end": None,
        "source_document": "s",
        "is_demo": False,
    }
    assert schema_errors(good, schema, document) == []
    assert schema_errors({**good, "id": "1"}, schema, document)  # a type changed
    assert schema_errors({**good, "extra": 1}, schema, document)  # a field not documented
    assert schema_errors({k: v for k, v in good.items() if k != "uscc"}, schema, document)  # one missing
    assert schema_errors({**good, "period_end": 3}, schema, document)  # none of the anyOf


# -- live bodies, per app ------------------------------------------------------------------------

pytestmark_live = pytest.mark.django_db(transaction=True)


@pytestmark_live
def test_grants_and_protection_bodies_match_the_document(
    world: World,  # noqa: F811
    http: Any,
    document: dict[str, Any],
) -> None:
    applicant = http.as_user(world.applicant)
    office = http.as_user(world.plan_office)
    reviewer = http.as_user(world.reviewer)
    finance = http.as_user(world.finance)

    def check(response: Any, method: str, path: str) -> Any:
        return assert_documented(response, method, path, document)

    calls = check(http.get("/api/grants/calls"), "get", "/api/grants/calls")
    assert calls["items"] and calls["items"][0]["budget"] == "2000000.00"
    check(http.get(f"/api/grants/calls/{world.call.pk}"), "get", "/api/grants/calls/{call_id}")
    facts = {"outcome": "won", "legal_fees": "300000"}
    preview = applicant.post(
        "/api/grants/preview",
        json={"scheme_id": "overseas_litigation", "entitlement_date": "2024-06-01", "facts": facts},
    )
    assert check(preview, "post", "/api/grants/preview")["amount"] == "150000.00"
    created = applicant.post(
        "/api/grants/applications",
        json={
            "call": world.call.pk,
            "scheme_id": "overseas_litigation",
            "subject_ref": "(2024)鲁06民初501号",
            "entitlement_date": "2024-06-01",
            "facts": facts,
        },
    )
    app = check(created, "post", "/api/grants/applications")
    assert created.status_code == 201 and app["computed_amount"] == "150000.00"
    one = f"/api/grants/applications/{app['id']}"
    check(applicant.get(one), "get", "/api/grants/applications/{app_id}")
    check(applicant.patch(one, json={"title": "新标题"}), "patch", "/api/grants/applications/{app_id}")
    uploaded = applicant.post(
        f"{one}/attachments",
        data={"code": "judgment"},
        files={"file": ("判决书.pdf", minimal_pdf(), "application/pdf")},
    )
    assert uploaded.status_code == 201
    attachment = check(uploaded, "post", "/api/grants/applications/{app_id}/attachments")
    downloaded = applicant.get(f"/api/grants/attachments/{attachment['id']}")
    assert check(downloaded, "get", "/api/grants/attachments/{attachment_id}").startswith(b"%PDF")
    detail = check(applicant.get(one), "get", "/api/grants/applications/{app_id}")
    assert detail["attachments"] == [attachment]
    # The wire format is the one clients had from the hand-built JsonResponse: the same bytes.
    hand_built = application_out(Application.objects.get(pk=app["id"]), full=True)
    assert applicant.get(one).content == json.dumps(hand_built, cls=DjangoJSONEncoder).encode()
    assert http.get("/api/grants/calls").content == json.dumps({"items": [call_out(world.call)]}).encode()
    page = check(applicant.get("/api/grants/applications"), "get", "/api/grants/applications")
    assert page["count"] == 1
    submitted = applicant.post(f"{one}/submit", json={})
    assert check(submitted, "post", "/api/grants/applications/{app_id}/{action}")["status"] == "submitted"
    check(reviewer.get("/api/grants/queue"), "get", "/api/grants/queue")
    conflict = reviewer.post(f"{one}/conflict", json={"reason": "亲属"})
    assert conflict.status_code == 201
    check(conflict, "post", "/api/grants/applications/{app_id}/conflict")
    check(http.get("/api/grants/announcements"), "get", "/api/grants/announcements")
    check(http.get("/api/grants/totals"), "get", "/api/grants/totals")
    check(applicant.get("/api/grants/ledger"), "get", "/api/grants/ledger")
    budget = check(finance.get("/api/grants/budget"), "get", "/api/grants/budget")
    assert budget["items"][0]["budget"] == "2000000.00"

    recorded = office.post(
        "/api/protection/credit-records",
        json={
            "entity_uscc": world.entity.uscc,
            "behaviour": "重复侵权",
            "measure": "限制申报",
            "period_start": "2024-01-01",
            "source_document": "烟市监〔2024〕1号",
        },
    )
    assert recorded.status_code == 201
    record = check(recorded, "post", "/api/protection/credit-records")
    ended = office.post(
        f"/api/protection/credit-records/{record['id']}/end", json={"period_end": "2024-12-31"}
    )
    assert (
        check(ended, "post", "/api/protection/credit-records/{record_id}/end")["period_end"] == "2024-12-31"
    )
    check(http.get("/api/protection/credit-records"), "get", "/api/protection/credit-records")


@pytestmark_live
def test_plan_report_bodies_match_the_document(
    http: Any,
    mini: Mini,  # noqa: F811
    document: dict[str, Any],
) -> None:
    base = "/api/plan/reports/"
    created = new_report(http, mini.justice_user, figures=[{"name": "培训", "value": "200", "unit": "人次"}])
    report = assert_documented(created, "post", base, document)
    dept = http.as_user(mini.justice_user)
    assert_documented(dept.get(f"{base}{report['id']}"), "get", base + "{report_id}", document)
    assert_documented(dept.get(base), "get", base, document)
    submitted = dept.post(f"{base}{report['id']}/submit")
    assert_documented(submitted, "post", base + "{report_id}/submit", document)


@pytestmark_live
def test_plan_orgs_accounts_patents_incentives_bodies_match_the_document(
    http: Any, make_user: Any, document: dict[str, Any]
) -> None:
    admin = http.as_user(make_user("admin"))
    office = http.as_user(make_user("plan_office"))

    def check(response: Any, method: str, path: str) -> Any:
        return assert_documented(response, method, path, document)

    check(http.get("/api/plan"), "get", "/api/plan/")  # the document writes the root with a slash
    check(http.get("/api/plan/programmes"), "get", "/api/plan/programmes")
    tasks = check(http.get("/api/plan/tasks"), "get", "/api/plan/tasks")
    check(http.get(f"/api/plan/tasks/{tasks[0]['code']}"), "get", "/api/plan/tasks/{code}")
    indicators = check(http.get("/api/plan/indicators"), "get", "/api/plan/indicators")
    check(http.get(f"/api/plan/indicators/{indicators[0]['code']}"), "get", "/api/plan/indicators/{code}")

    check(http.get("/api/orgs/departments"), "get", "/api/orgs/departments")
    check(http.get("/api/orgs/districts"), "get", "/api/orgs/districts")
    check(office.get("/api/orgs/entities"), "get", "/api/orgs/entities")

    check(admin.get("/api/accounts/me"), "get", "/api/accounts/me")
    check(admin.get("/api/accounts/users"), "get", "/api/accounts/users")
    check(office.get("/api/accounts/pending"), "get", "/api/accounts/pending")

    check(http.get("/api/patents/kpi"), "get", "/api/patents/kpi")
    check(http.get("/api/patents/"), "get", "/api/patents/")

    schemes = check(http.get("/api/incentives/schemes"), "get", "/api/incentives/schemes")
    assert schemes["count"] == len(schemes["schemes"]) > 0
    for scheme in schemes["schemes"]:
        one = http.get(f"/api/incentives/schemes/{scheme['id']}", params={"date": "2024-06-30"})
        check(one, "get", "/api/incentives/schemes/{scheme_id}")
    calculated = http.post(
        "/api/incentives/calculate",
        json={
            "scheme": "madrid_trademark",
            "date": "2023-06-30",
            "facts": {"items": [{"requested_amount": "25000"}]},
        },
    )
    assert check(calculated, "post", "/api/incentives/calculate")["trace"]
    simulated = http.post(
        "/api/incentives/simulate",
        json={
            "applications": [
                {
                    "id": "a1",
                    "scheme": "madrid_trademark",
                    "date": "2023-06-30",
                    "facts": {"items": [{"requested_amount": "25000"}]},
                },
                {"id": "a2", "scheme": "madrid_trademark", "date": "2023-06-30", "facts": "not facts"},
            ],
            "reform": [{"scheme": "madrid_trademark", "parameter": "cap_per_item", "value": "30000"}],
        },
    )
    body = check(simulated, "post", "/api/incentives/simulate")
    assert body["applications"] == 2 and body["reform"][0]["from"] is None


def test_a_file_download_is_documented_as_a_file(document: dict[str, Any]) -> None:
    ok = document["paths"]["/api/grants/attachments/{attachment_id}"]["get"]["responses"]["200"]
    assert "application/pdf" in ok["content"] and JSON not in ok["content"]
