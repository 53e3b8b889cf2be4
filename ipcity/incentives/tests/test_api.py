"""The public incentive API over real HTTP (live server): contract of incentives.md, status codes, no 500s."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import openpyxl
import pytest

pytestmark = pytest.mark.django_db(transaction=True)

MADRID = {
    "scheme": "madrid_trademark",
    "date": "2023-06-30",
    "facts": {"items": [{"requested_amount": "25000"}]},
}


def fields(response) -> dict[str, str]:
    return {d["field"]: d["type"] for d in response.json()["detail"]}


def test_calculate_contract_example(http) -> None:
    r = http.post("/api/incentives/calculate", json=MADRID)
    assert r.status_code == 200
    body = r.json()
    assert body["scheme"] == "madrid_trademark"
    assert body["eligible"] is True
    assert body["amount"] == "20000.00"
    assert body["currency"] == "CNY"
    assert body["reasons"] == []
    assert body["parameters"] == {"cap_per_item": "20000.00"}
    assert body["binding_cap"] == "per_item"
    cap_step = next(s for s in body["trace"] if s["step"] == "item_1")
    assert cap_step["clause"] == "二(五)4"
    assert "25000.00" in cap_step["formula_zh"] and "20000.00" in cap_step["formula_en"]
    assert cap_step["formula"] == cap_step["formula_zh"]
    assert cap_step["value"] == "20000.00"


def test_calculate_needs_no_login_and_no_csrf(http) -> None:
    assert "Authorization" not in http.headers
    assert http.post("/api/incentives/calculate", json=MADRID).status_code == 200


def test_ineligible_answer_lists_every_reason(http) -> None:
    payload = {
        "scheme": "first_patent_pledge_interest",
        "date": "2023-03-01",
        "facts": {
            "principal": "1000000",
            "actual_rate": "0.04",
            "benchmark_rate": "0.0365",
            "days": 365,
            "first_pledge": False,
            "own_invention_patents": False,
            "credit_blocked": True,
        },
    }
    body = http.post("/api/incentives/calculate", json=payload).json()
    assert body["eligible"] is False
    assert body["amount"] == "0.00"
    assert body["reasons"] == ["credit_punishment", "not_first_pledge", "not_invention_patent"]
    assert {m["code"] for m in body["reason_messages"]} == set(body["reasons"])


def test_parameter_not_set_for_open_amounts(http) -> None:
    payload = {
        "scheme": "overseas_infringement_insurance",
        "date": "2023-03-01",
        "facts": {"premium": "1000"},
    }
    body = http.post("/api/incentives/calculate", json=payload).json()
    assert body["reasons"] == ["parameter_not_set"]
    assert body["parameters"]["subsidy_rate"] is None


def test_unknown_scheme_is_404(http) -> None:
    r = http.post("/api/incentives/calculate", json={**MADRID, "scheme": "madrid_trademarks"})
    assert r.status_code == 404
    assert "madrid_trademarks" in r.json()["message_en"]
    assert http.get("/api/incentives/schemes/nope").status_code == 404


@pytest.mark.parametrize(
    ("facts", "field", "code"),
    [
        ({"items": [{"requested_amount": "-1"}]}, "facts.items.0.requested_amount", "negative"),
        ({"items": [{"requested_amount": "12.345"}]}, "facts.items.0.requested_amount", "too_many_decimals"),
        ({"items": [{"requested_amount": "12元"}]}, "facts.items.0.requested_amount", "not_a_number"),
        ({"items": [{"requested_amount": "NaN"}]}, "facts.items.0.requested_amount", "not_a_number"),
        ({"items": [{"requested_amount": True}]}, "facts.items.0.requested_amount", "not_a_number"),
        ({"items": [{"requested_amount": "100"}], "itmes": []}, "facts.itmes", "unknown_fact"),
        ({}, "facts.items", "missing"),
        ({"items": "lots"}, "facts.items", "not_a_list"),
        (
            {"items": [{"requested_amount": "100"}], "credit_blocked": "maybe"},
            "facts.credit_blocked",
            "not_a_boolean",
        ),
        (
            {"items": [{"requested_amount": "100"}], "awards_this_year": 1.5},
            "facts.awards_this_year",
            "not_an_integer",
        ),
    ],
)
def test_bad_facts_are_422_with_a_message_per_field(http, facts, field, code) -> None:
    r = http.post("/api/incentives/calculate", json={**MADRID, "facts": facts})
    assert r.status_code == 422
    detail = {d["field"]: d for d in r.json()["detail"]}
    assert detail[field]["type"] == code
    assert detail[field]["message_zh"] and detail[field]["message_en"]
    assert detail[field]["message"] == detail[field]["message_zh"]  # Chinese by default


def test_english_messages_when_asked(http) -> None:
    r = http.post(
        "/api/incentives/calculate",
        json={**MADRID, "date": "30/06/2023"},
        headers={"Accept-Language": "en"},
    )
    assert r.status_code == 422
    detail = r.json()["detail"][0]
    assert detail["field"] == "date" and detail["message"] == detail["message_en"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"scheme": "madrid_trademark", "facts": {}}, "date"),
        ({"date": "2023-01-01", "facts": {}}, "scheme"),
        ({**MADRID, "date": "2023-02-30"}, "date"),
        ({**MADRID, "date": 20230630}, "date"),
        ({**MADRID, "extra": 1}, "extra"),
        ([1, 2], "body"),
    ],
)
def test_bad_request_fields(http, body, field) -> None:
    r = http.post("/api/incentives/calculate", json=body)
    assert r.status_code == 422
    assert field in fields(r)


def test_malformed_json_is_422_not_500(http) -> None:
    r = http.post("/api/incentives/calculate", data=b"{oops", headers={"Content-Type": "application/json"})
    assert r.status_code == 422
    assert fields(r) == {"body": "invalid_json"}


def test_large_amount_exact_to_the_fen(http) -> None:
    payload = {
        "scheme": "overseas_litigation",
        "date": "2023-06-30",
        "facts": {"outcome": "won", "legal_fees": "1999999.99", "granted_this_year": "0.01"},
    }
    body = http.post("/api/incentives/calculate", json=payload).json()
    # 50% of 1,999,999.99 = 999,999.995 -> but only 999,999.99 is left of the annual cap.
    assert body["amount"] == "999999.99"
    assert body["binding_cap"] == "annual_cap"


def test_schemes_list_and_detail(http) -> None:
    body = http.get("/api/incentives/schemes").json()
    assert body["count"] == 27
    madrid = next(s for s in body["schemes"] if s["id"] == "madrid_trademark")
    assert madrid["clauses"][0]["text_zh"].startswith("通过马德里体系")
    detail = http.get("/api/incentives/schemes/madrid_trademark?date=2023-01-01").json()
    param = detail["parameters"][0]
    assert param["name"] == "cap_per_item" and param["reference"] == "二(五)4"
    assert param["values"] == [{"from": "2022-05-13", "until": "2024-12-31", "value": "20000.00"}]
    assert detail["parameters_on"]["values"]["cap_per_item"] == "20000.00"
    assert http.get("/api/incentives/schemes/madrid_trademark?date=soon").status_code == 422


def test_gi_registration_records_the_annex_decision(http) -> None:
    detail = http.get("/api/incentives/schemes/gi_registration").json()
    decision = detail["parameters"][0]["decision_zh"]
    assert "二(五)3" in decision and "附件 五(三)" in decision


def test_simulate_madrid_reform(http) -> None:
    applications = [
        MADRID,
        {
            "scheme": "madrid_trademark",
            "date": "2023-07-01",
            "facts": {"items": [{"requested_amount": "10000"}]},
        },
        {
            "scheme": "securitisation",
            "date": "2023-07-01",
            "facts": {"issue_amount": "1000000", "patent_pledge_guarantee": True},
        },
    ]
    reform = [{"scheme": "madrid_trademark", "parameter": "cap_per_item", "value": "30000"}]
    r = http.post("/api/incentives/simulate", json={"applications": applications, "reform": reform})
    assert r.status_code == 200
    body = r.json()
    assert body["total"] == {
        "baseline": "50000.00",
        "reform": "55000.00",
        "difference": "5000.00",
        "eligible_baseline": 3,
        "eligible_reform": 3,
    }
    assert body["per_scheme"]["madrid_trademark"]["difference"] == "5000.00"
    assert body["per_scheme"]["securitisation"]["difference"] == "0.00"


def test_simulate_reform_for_a_date_range_only(http) -> None:
    applications = [
        {
            "scheme": "madrid_trademark",
            "date": "2023-06-30",
            "facts": {"items": [{"requested_amount": "25000"}]},
        },
        {
            "scheme": "madrid_trademark",
            "date": "2024-06-30",
            "facts": {"items": [{"requested_amount": "25000"}]},
        },
    ]
    reform = [
        {"scheme": "madrid_trademark", "parameter": "cap_per_item", "value": "30000", "from": "2024-01-01"}
    ]
    body = http.post("/api/incentives/simulate", json={"applications": applications, "reform": reform}).json()
    assert body["total"]["difference"] == "5000.00"


def test_simulate_reports_bad_rows_and_bad_reforms(http) -> None:
    applications = [MADRID, {"scheme": "madrid_trademark", "date": "x", "facts": {}}]
    body = http.post("/api/incentives/simulate", json={"applications": applications}).json()
    assert body["evaluated"] == 1 and body["error_count"] == 1
    assert body["errors"][0]["row"] == 2
    r = http.post(
        "/api/incentives/simulate",
        json={
            "applications": [MADRID],
            "reform": [{"scheme": "madrid_trademark", "parameter": "cap", "value": "1"}],
        },
    )
    assert r.status_code == 422
    r = http.post(
        "/api/incentives/simulate",
        json={"applications": [MADRID], "reform": [{"scheme": "nope", "parameter": "cap", "value": "1"}]},
    )
    assert r.status_code == 404
    r = http.post(
        "/api/incentives/simulate",
        json={
            "applications": [MADRID],
            "reform": [{"scheme": "madrid_trademark", "parameter": "cap_per_item", "value": "-5"}],
        },
    )
    assert r.status_code == 422


def test_simulate_csv_and_excel_upload(http) -> None:
    csv_text = (
        "id,scheme,date,items,outcome,legal_fees\n"
        'a1,madrid_trademark,2023-06-30,"[{""requested_amount"": ""25000""}]",,\n'
        "a2,overseas_litigation,2023-06-30,,won,100000\n"
    )
    reform = json.dumps([{"scheme": "madrid_trademark", "parameter": "cap_per_item", "value": "30000"}])
    r = http.post(
        "/api/incentives/simulate",
        files={"file": ("batch.csv", csv_text.encode(), "text/csv")},
        data={"reform": reform},
    )
    assert r.status_code == 200, r.text
    assert r.json()["total"]["baseline"] == "70000.00"
    assert r.json()["total"]["reform"] == "75000.00"

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["scheme", "date", "issue_amount", "patent_pledge_guarantee"])
    sheet.append(["securitisation", "2023-06-30", "30000000", "true"])
    buffer = io.BytesIO()
    book.save(buffer)
    r = http.post(
        "/api/incentives/simulate",
        files={
            "file": (
                "batch.xlsx",
                buffer.getvalue(),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        },
        data={"reform": json.dumps([{"scheme": "securitisation", "parameter": "cap", "value": "600000"}])},
    )
    assert r.status_code == 200, r.text
    assert Decimal(r.json()["total"]["difference"]) == Decimal("100000.00")

    r = http.post(
        "/api/incentives/simulate", files={"file": ("batch.xlsx", b"PK\x03\x04garbage", "application/zip")}
    )
    assert r.status_code == 422


def test_deeply_nested_json_is_422_not_500(http) -> None:
    body = (
        b'{"scheme": "madrid_trademark", "date": "2023-01-01", "facts": '
        + b"[" * 100000
        + b"]" * 100000
        + b"}"
    )
    r = http.post("/api/incentives/calculate", data=body, headers={"Content-Type": "application/json"})
    assert r.status_code in (400, 422)


@pytest.mark.parametrize(
    "content",
    [
        b"scheme,date\n" + b'"' + b"x" * 200000 + b'",2023-01-01\n',
        b"PK\x03\x04" + b"\x00" * 100,
        b"\xff\xfe\x00bad",
    ],
)
def test_unreadable_uploads_are_422(http, content) -> None:
    r = http.post("/api/incentives/simulate", files={"file": ("batch.csv", content, "text/csv")})
    assert r.status_code == 422


def _upload(http, name: str, content: bytes):
    return http.post("/api/incentives/simulate", files={"file": (name, content, "application/octet-stream")})


def test_simulation_upload_bombs_are_422_with_the_reason(http, tmp_path) -> None:
    from ipcity.core.tests import bombs

    header = ["scheme", "date", "issue_amount"]
    row = ["securitisation", "2023-06-30", "30000000"]
    bomb = bombs.whitespace_bomb(tmp_path / "bomb.xlsx", header, row, 16 * bombs.MiB)
    lol = bombs.billion_laughs(tmp_path / "lol.xlsx", header)
    for path, code in ((bomb, "compression_ratio"), (lol, "xml_entities")):
        r = _upload(http, path.name, path.read_bytes())
        assert r.status_code == 422, r.text
        assert r.json()["detail"][0]["type"] == code or code in r.text
    dim = bombs.dimension_bomb(tmp_path / "dim.xlsx", header, row)
    r = _upload(http, "dim.xlsx", dim.read_bytes())
    assert r.status_code == 200, r.text
    assert r.json()["applications"] == 1


@pytest.mark.parametrize("name", ["batch.csv", "batch.xlsx"])
def test_simulation_row_limit_both_sides(http, settings, tmp_path, name) -> None:
    from ipcity.core.tests import bombs

    settings.IMPORT_LIMITS = {"simulation": {"max_rows": 2}}
    rows = [["scheme", "date", "issue_amount"]] + [["securitisation", "2023-06-30", "30000000"]] * 3

    def content(n: int) -> bytes:
        if name.endswith(".csv"):
            return bombs.csv_bytes(rows[: n + 1])
        return bombs.write_xlsx(tmp_path / f"{n}.xlsx", rows[: n + 1]).read_bytes()

    assert _upload(http, name, content(2)).status_code == 200
    r = _upload(http, name, content(3))
    assert r.status_code == 422
    assert "more than 2 rows" in r.text or "超过 2 行" in r.text


def test_openapi_documents_the_incentive_endpoints(http) -> None:
    r = http.get("/api/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    assert "/api/incentives/calculate" in paths and "/api/incentives/simulate" in paths
    body = paths["/api/incentives/calculate"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["required"] == ["scheme", "date"]


def test_simulate_multipart_without_boundary_is_400(http) -> None:
    """Regression: `Content-Type: multipart/form-data` without a boundary was a 500."""
    r = http.post(
        "/api/incentives/simulate",
        data=b'{"applications": []}',
        headers={"Content-Type": "multipart/form-data"},
    )
    assert r.status_code == 400 and r.json()["detail"][0]["type"] == "multipart"
