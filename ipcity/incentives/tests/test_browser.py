"""The public calculator in a real browser: fill the form, read the explained result."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_calculator_in_the_browser(page) -> None:
    page.goto("/incentives/")
    page.click("text=马德里商标国际注册资助")
    page.fill("#id_date", "2023-06-30")
    page.fill("#id_fact_items", "25000\n8000.50")
    page.click("#calculate-button")
    assert page.inner_text("#result-amount") == "28000.50"
    trace = page.inner_text("#trace-table")
    assert "二(五)4" in trace and "上限生效" in trace


def test_calculator_shows_field_errors(page) -> None:
    page.goto("/incentives/securitisation/")
    page.fill("#id_date", "2023-06-30")
    page.fill("#id_fact_issue_amount", "12.345")
    page.select_option("#id_fact_patent_pledge_guarantee", "true")
    page.click("#calculate-button")
    assert "最多保留两位小数" in page.inner_text("#calculator")
