"""The patents API over real HTTP: any written number, evaluation at a date, KPIs, route order, errors."""

import pytest

from ipcity.core.identifiers.patent_number import make
from ipcity.patents.services import population_set

from .conftest import row

NUMBER = make(2012, "1", 4321)


@pytest.fixture
def loaded(transactional_db, import_rows, districts):
    import_rows(
        [
            row(
                application_number=NUMBER,
                filing_date="2012-03-01",
                grant_date="2014-01-01",
                district="芝罘区",
                ipc_main="G06N3/08",
                pledge_amount="15000000",
                pledge_date="2020-01-01",
            ),
            row(
                application_number=make(2021, "1", 1),
                filing_date="2021-03-01",
                grant_date="2023-01-01",
                district="莱山区",
            ),
        ]
    )
    population_set(
        actor="t", district=districts["芝罘区"], year=2024, population=900_000, source="统计年鉴（测试）"
    )
    population_set(actor="t", district=None, year=2024, population=7_000_000, source="统计年鉴（测试）")


@pytest.mark.parametrize("form", [NUMBER, NUMBER.replace(".", ""), f"ZL{NUMBER}", f"CN {NUMBER}"])
def test_any_written_form(http, loaded, form):
    resp = http.get(f"/api/patents/{form}", params={"date": "2024-12-31"})
    assert resp.status_code == 200
    body = resp.json()
    assert body["application_number"] == NUMBER
    assert body["type"] == "invention" and body["legal_status"] == "valid"
    assert body["is_high_value"] is True
    assert body["high_value_criteria"] == ["sei", "maintained_over_10_years", "pledge_amount"]
    assert body["sei"] == ["1.5"]


def test_evaluated_at_the_date(http, loaded):
    body = http.get(f"/api/patents/{NUMBER}", params={"date": "2013-12-31"}).json()
    assert body["is_valid"] is False and body["is_high_value"] is False and body["high_value_criteria"] == []
    body = http.get(f"/api/patents/{NUMBER}", params={"date": "2019-06-01"}).json()
    assert body["high_value_criteria"] == ["sei"]
    assert http.get(f"/api/patents/{NUMBER}").json()["date"]  # default: today


def test_kpi_route_is_not_taken_for_a_number(http, loaded):
    resp = http.get("/api/patents/kpi", params={"date": "2024-12-31"})
    assert resp.status_code == 200
    body = resp.json()
    assert body["district"] is None
    assert (body["valid_invention_patents"], body["high_value_invention_patents"]) == (2, 1)
    assert body["population"] == 7_000_000 and body["population_source"] == "统计年鉴（测试）"
    assert body["high_value_per_10k"] == 0.0 or body["high_value_per_10k"] == round(1 * 10000 / 7_000_000, 2)


def test_kpi_for_a_district(http, loaded):
    body = http.get("/api/patents/kpi", params={"date": "2024-12-31", "district": "zhifu"}).json()
    assert body["district"] == "芝罘区" and body["population"] == 900_000
    assert body["high_value_invention_patents"] == 1 and body["valid_invention_patents"] == 1
    by_name = http.get("/api/patents/kpi", params={"date": "2024-12-31", "district": "芝罘区"}).json()
    assert by_name["district_code"] == "zhifu"


def test_bad_input_gets_422_with_the_field(http, loaded):
    resp = http.get("/api/patents/202210635727.2")
    assert resp.status_code == 422 and resp.json()["detail"][0]["field"] == "number"
    resp = http.get("/api/patents/kpi", params={"district": "atlantis"})
    assert resp.status_code == 422 and resp.json()["detail"][0]["field"] == "district"
    resp = http.get("/api/patents/kpi", params={"date": "2024-02-30"})
    assert resp.status_code == 422 and resp.json()["detail"][0]["field"] == "date"
    resp = http.get(f"/api/patents/{NUMBER}", params={"date": "yesterday"})
    assert resp.status_code == 422


def test_unknown_number_is_404(http, loaded):
    assert http.get("/api/patents/202210635727.1").status_code == 404


def test_search_uses_the_shared_filters(http, loaded):
    body = http.get("/api/patents/", params={"district": "zhifu"}).json()
    assert [p["application_number"] for p in body["items"]] == [NUMBER]
    body = http.get("/api/patents/", params={"high_value": "true", "date": "2024-12-31"}).json()
    assert body["count"] == 1
    body = http.get("/api/patents/", params={"sei": "1.5"}).json()
    assert body["count"] == 1
    body = http.get("/api/patents/", params={"ipc": "G06N"}).json()
    assert body["count"] == 1
    resp = http.get("/api/patents/", params={"district": "atlantis"})
    assert resp.status_code == 422 and resp.json()["detail"][0]["field"] == "district"
