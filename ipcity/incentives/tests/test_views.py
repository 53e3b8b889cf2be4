"""Public pages: the catalogue lists every scheme in Chinese (English on request); the calculator explains."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_catalogue_lists_every_scheme_in_chinese(client) -> None:
    r = client.get("/incentives/")
    assert r.status_code == 200
    text = r.content.decode()
    assert text.count('<tr id="scheme-') == 27
    assert "马德里商标国际注册资助" in text and "每件证书最高资助2万元" in text
    assert "二(五)4" in text


def test_catalogue_in_english(client) -> None:
    r = client.get("/incentives/", HTTP_ACCEPT_LANGUAGE="en")
    text = r.content.decode()
    assert "Madrid international trademark registration grant" in text
    assert "Up to 20,000 yuan per certificate." in text


def test_scheme_page_shows_clause_text_parameters_and_decisions(client) -> None:
    text = client.get("/incentives/gi_registration/").content.decode()
    assert "每件最高资助10万元" in text and "每件资助10万元" in text  # main text and annex
    assert "100000.00" in text
    assert "附件 五(三)" in text


def test_open_parameter_is_shown_as_not_set(client) -> None:
    text = client.get("/incentives/overseas_infringement_insurance/").content.decode()
    assert "未设定" in text


def test_calculator_shows_explained_result(client) -> None:
    r = client.get(
        "/incentives/madrid_trademark/",
        {"date": "2023-06-30", "fact_items": "25000\n8000.50"},
    )
    text = r.content.decode()
    assert 'id="result-amount">28000.50<' in text
    assert "每件上限" in text and "二(五)4" in text


def test_calculator_ineligible_explains_why(client) -> None:
    r = client.get(
        "/incentives/overseas_litigation/",
        {"date": "2023-06-30", "fact_outcome": "lost", "fact_legal_fees": "1000"},
    )
    text = r.content.decode()
    assert "不符合" in text or "Not eligible" in text or "不满足条件" in text
    assert "胜诉" in text


def test_calculator_bad_input_is_shown_per_field_not_500(client) -> None:
    r = client.get(
        "/incentives/securitisation/",
        {"date": "2023-02-30", "fact_issue_amount": "-5", "fact_patent_pledge_guarantee": "true"},
    )
    assert r.status_code == 200
    text = r.content.decode()
    assert text.count("field-error") == 2
    assert "金额不能为负数" in text


def test_bad_item_line_is_reported_with_its_line(client) -> None:
    r = client.get("/incentives/madrid_trademark/", {"date": "2023-06-30", "fact_items": "100\nabc"})
    assert r.status_code == 200
    assert "第 2 行" in r.content.decode() or "Line 2" in r.content.decode()


def test_unknown_scheme_page_is_404(client) -> None:
    assert client.get("/incentives/nope/").status_code == 404


def test_every_scheme_page_renders(client) -> None:
    from ipcity.incentives.catalogue import get_catalogue

    for scheme_id in get_catalogue().schemes:
        assert client.get(f"/incentives/{scheme_id}/").status_code == 200


def test_translations_complete() -> None:
    from pathlib import Path

    po = (
        Path(__file__).resolve().parents[1] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    ).read_text()
    entries = po.split("\n\n")[1:]  # skip the header
    assert entries
    for entry in entries:
        assert "#, fuzzy" not in entry, entry
        assert not entry.rstrip().endswith('msgstr ""'), entry


def test_parameter_values_shown_for_the_plan_period_after_it_ended(client) -> None:
    # Today (2026) is after the plan: the page shows the values on its last day, not "not set".
    text = client.get("/incentives/madrid_trademark/").content.decode()
    assert "2024-12-31 的取值" in text and "未设定" not in text
    assert "实施期：2022-05-13 至 2024-12-31" in text


def _csv(text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("batch.csv", text.encode(), content_type="text/csv")


BATCH = (
    "scheme,date,items\n"
    'madrid_trademark,2023-06-30,"[{""requested_amount"": ""25000""}]"\n'
    'madrid_trademark,2024-06-30,"[{""requested_amount"": ""25000""}]"\n'
)


def test_simulation_page_madrid_cap_30000_from_2024(client) -> None:
    r = client.post(
        "/incentives/simulate/",
        {
            "file": _csv(BATCH),
            "scheme_0": "madrid_trademark",
            "parameter_0": "cap_per_item",
            "value_0": "30000",
            "from_0": "2024-01-01",
        },
    )
    text = r.content.decode()
    assert r.status_code == 200
    assert 'id="total-difference">5000.00<' in text
    assert "40000.00" in text and "45000.00" in text


def test_simulation_page_reports_errors_per_field(client) -> None:
    r = client.post(
        "/incentives/simulate/",
        {"file": _csv(BATCH), "scheme_1": "madrid_trademark", "parameter_1": "cap", "value_1": "-3"},
    )
    text = r.content.decode()
    assert r.status_code == 200 and "simulation-result" not in text
    assert text.count("field-error") >= 1


def test_simulation_page_needs_a_file(client) -> None:
    r = client.post("/incentives/simulate/", {})
    assert r.status_code == 200 and "field-error" in r.content.decode()
