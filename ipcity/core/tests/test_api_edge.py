"""The API's edge, over every write operation of the OpenAPI document: a lone UTF-16 surrogate in any JSON
text is a 422 naming the field (it cannot be encoded, so it was a 500 wherever it reached the database),
and a JSON body that is not an object is a 422 (it was read as an object with every field left out).

The operations are walked from /api/openapi.json, so an operation added later is covered too. Real HTTP.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from config.api import api
from ipcity.orgs.models import Department, District, Entity

pytestmark = pytest.mark.django_db(transaction=True)

SURROGATE = "\ud800"
WRITE_METHODS = ("post", "put", "patch")


def _schema() -> dict[str, Any]:
    return dict(api.get_openapi_schema())


def _json_write_operations() -> list[tuple[str, str, dict[str, Any]]]:
    schema = _schema()
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if method in WRITE_METHODS and "application/json" in content:
                found.append((method, path, content["application/json"]["schema"]))
    return found


OPERATIONS = _json_write_operations()


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _sample(schema: dict[str, Any], components: dict[str, Any], depth: int = 0) -> Any:
    """A body of the schema's shape with every text field set to a lone surrogate."""
    schema = _resolve(schema, components)
    if "anyOf" in schema:
        options = [s for s in schema["anyOf"] if s.get("type") != "null"]
        return _sample(options[0], components, depth) if options else None
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        if depth > 3:
            return {}
        return {k: _sample(v, components, depth + 1) for k, v in schema.get("properties", {}).items()}
    if kind == "array":
        return [_sample(schema.get("items", {}), components, depth + 1)] if depth <= 3 else []
    if kind == "integer":
        return 1
    if kind == "number":
        return 1.5
    if kind == "boolean":
        return True
    return SURROGATE  # strings, enums, dates: the refusal comes before any other check


def _first_text_path(value: Any, path: str = "") -> str | None:
    if value == SURROGATE:
        return path
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    for key, item in items:
        found = _first_text_path(item, f"{path}.{key}" if path else str(key))
        if found is not None:
            return found
    return None


def _concrete(path: str) -> str:
    """The path with every parameter filled in (ids 1, the task 1.1.1, the action approve)."""
    out = path
    for name, value in (("{action}", "approve"), ("{code}", "1.1.1")):
        out = out.replace(name, value)
    while "{" in out:
        start = out.index("{")
        out = out[:start] + "1" + out[out.index("}", start) + 1 :]
    return out


@pytest.fixture(autouse=True)
def _close_http(http: Any) -> Iterator[None]:
    yield
    http.close()  # before the live server stops: a kept-alive connection would outlive its database


@pytest.fixture
def office(make_user: Any, http: Any) -> Iterator[Any]:
    client = http.as_user(make_user("plan_office", department="市市场监管局"))
    yield client
    client.close()  # before the live server stops: a kept-alive connection would outlive its database


def test_the_walk_covers_every_json_write_family() -> None:
    families = {path.split("/")[2] for _m, path, _s in OPERATIONS}
    assert families >= {"orgs", "plan", "incentives", "grants", "protection"}
    assert len(OPERATIONS) >= 25
    assert ("post", "/api/grants/announcements/{app_id}/objections") in {(m, p) for m, p, _s in OPERATIONS}


@pytest.mark.parametrize(
    ("method", "path", "body_schema"), OPERATIONS, ids=[f"{m} {p}" for m, p, _s in OPERATIONS]
)
def test_a_lone_surrogate_is_a_422_naming_the_field(
    method: str, path: str, body_schema: dict[str, Any], office: Any, http: Any
) -> None:
    components = _schema()["components"]["schemas"]
    body = _sample(body_schema, components)
    if _first_text_path(body) is None:
        body = dict(body, note=SURROGATE) if isinstance(body, dict) else {"note": SURROGATE}
    expected = _first_text_path(body)
    text = json.dumps(body)  # ensure_ascii: the surrogate travels as the six characters \ud800
    assert "\\ud800" in text
    counts = (Entity.objects.count(), Department.objects.count(), District.objects.count())
    for client in (office, http):  # with the role's token, and anonymously: refused before either
        r = client.request(method, _concrete(path), data=text, headers={"Content-Type": "application/json"})
        assert r.status_code == 422, r.text
        (error,) = r.json()["detail"]
        assert error == {
            "field": expected,
            "message": error["message"],
            "type": "surrogate",
        }
        assert "surrogate" in error["message"] and "代理项" in error["message"]
    assert (Entity.objects.count(), Department.objects.count(), District.objects.count()) == counts


@pytest.mark.parametrize(
    ("method", "path", "body_schema"), OPERATIONS, ids=[f"{m} {p}" for m, p, _s in OPERATIONS]
)
def test_a_body_that_is_not_an_object_is_a_422(
    method: str, path: str, body_schema: dict[str, Any], office: Any
) -> None:
    # Every body schema is an object, so the rule refuses nothing an operation could accept.
    assert _resolve(body_schema, _schema()["components"]["schemas"]).get("type") == "object"
    for body in ("[null, null]", "null", '"x"', "1", "[]", "true", ' \n[{"name": "x"}]'):
        r = office.request(method, _concrete(path), data=body, headers={"Content-Type": "application/json"})
        assert r.status_code == 422, (body, r.text)
        (error,) = r.json()["detail"]
        assert error["field"] == "body" and error["type"] == "object_expected", body
        assert "JSON 对象" in error["message"] and "JSON object" in error["message"]


def test_the_surrogate_is_refused_however_it_is_spelled(office: Any, http: Any) -> None:
    def post(data: bytes) -> Any:
        return office.post("/api/orgs/districts", data=data, headers={"Content-Type": "application/json"})

    # Upper-case escape, the low half, raw UTF-8-encoded surrogate bytes (json.loads lets them through),
    # a surrogate in a key, and one deep in a list.
    cases = {
        b'{"code": "x", "name": "\\uD800", "kind": "district"}': "name",
        b'{"code": "x", "name": "a\\udfffb", "kind": "district"}': "name",
        b'{"code": "x", "name": "\xed\xa0\x80", "kind": "district"}': "name",
        b'{"code": "x", "\\ud800": "y", "kind": "district"}': "\\ud800",
        b'{"code": "x", "name": "n", "kind": "district", "extra": [1, {"a": ["ok", "\\udc00"]}]}': "extra.1.a.1",
    }
    for data, field in cases.items():
        r = post(data)
        assert r.status_code == 422, (data, r.text)
        assert r.json()["detail"][0] == {
            "field": field,
            "message": r.json()["detail"][0]["message"],
            "type": "surrogate",
        }
    assert not District.objects.filter(code="x").exists()
    # A query string too.
    r = http.get("/api/plan/tasks", params={"department": SURROGATE.encode("utf-8", "surrogatepass")})
    assert r.status_code < 500  # decoded by Django as U+FFFD: an unknown department (no plan here: a 404)


def test_a_correct_surrogate_pair_is_a_character(office: Any) -> None:
    # "\ud83d\ude00" is one character (U+1F600) in JSON; it is text like any other.
    text = '{"code": "emoji", "name": "\\u6d4b\\u8bd5\\ud83d\\ude00\\u533a", "kind": "district"}'
    r = office.post("/api/orgs/districts", data=text, headers={"Content-Type": "application/json"})
    assert r.status_code == 201, r.text
    assert District.objects.get(code="emoji").name == "测试\U0001f600区"


def test_percent_encoded_invalid_utf8_is_never_a_500(
    plan: Any, make_user: Any, client: Client, http: Any
) -> None:
    # Django decodes forms and queries with replacement characters, so no surrogate reaches a view.
    assert client.get("/plan/?q=%ED%A0%80").status_code == 200
    r = client.post(
        "/accounts/login/", "username=%ED%A0%80&password=x", content_type="application/x-www-form-urlencoded"
    )
    assert r.status_code in (200, 403)
    office = http.as_user(make_user("plan_office", department="市市场监管局"))
    r = office.post(
        "/api/orgs/entities",
        data=b"name=%ED%A0%80",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 400, r.text  # not JSON, as before: nothing reaches a view


def test_json_nested_deeper_than_python_can_parse_is_not_a_500(office: Any) -> None:
    deep = b'{"name": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    r = office.post("/api/orgs/districts", data=deep, headers={"Content-Type": "application/json"})
    assert r.status_code in (400, 413, 422), r.text
    deep_list = b"[" * 100_000 + b"]" * 100_000
    r = office.post("/api/orgs/districts", data=deep_list, headers={"Content-Type": "application/json"})
    assert r.status_code in (400, 413, 422), r.text
