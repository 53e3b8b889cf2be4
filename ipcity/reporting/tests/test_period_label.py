"""Reporting periods are named in the page's language: Chinese as stored, English from the code."""

from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from ipcity.reporting.models import ReportingPeriod


@pytest.mark.parametrize(
    ("code", "name", "english"),
    [
        ("2024Q4", "2024年第四季度", "Q4 2024"),
        ("2023H1", "2023年上半年", "H1 2023"),
        ("2023M02", "2023年2月", "February 2023"),
        ("2022", "2022年度", "2022"),
        ("special-2024", "2024年专项督查", "2024年专项督查"),  # a code of another form keeps its name
    ],
)
def test_label_per_language(code: str, name: str, english: str) -> None:
    period = ReportingPeriod(code=code, name=name)
    with translation.override("zh-hans"):
        assert period.label == name and str(period) == name
    with translation.override("en"):
        assert period.label == english and str(period) == english


@pytest.mark.django_db
def test_report_list_shows_the_period_in_english(plan: Any, make_user: Any) -> None:
    client = Client()
    client.force_login(make_user("department", department="市司法局"))
    client.cookies["django_language"] = "en"
    page = client.get("/plan/reports/", {"period": "2024Q4"}).content.decode()
    assert "Q4 2024" in page and "2024年第四季度" not in page
    client.cookies["django_language"] = "zh-hans"
    assert "2024年第四季度" in client.get("/plan/reports/", {"period": "2024Q4"}).content.decode()
