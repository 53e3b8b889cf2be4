"""KPI arithmetic per district and for the city; the ledger agrees with the direct count."""

import datetime as dt
from decimal import Decimal

import pytest

from ipcity.core.identifiers.patent_number import make
from ipcity.patents import kpi
from ipcity.patents.models import Population
from ipcity.patents.services import kpi_indicators_feed, population_set

from .conftest import row


@pytest.fixture
def registry(import_rows, districts):
    zhifu, laishan = districts["芝罘区"], districts["莱山区"]
    population_set(actor="t", district=zhifu, year=2024, population=800_000, source="test")
    population_set(actor="t", district=laishan, year=2024, population=500_000, source="test")
    population_set(actor="t", district=None, year=2024, population=7_000_000, source="test")
    rows = [
        # 芝罘区: 3 valid inventions on 2024-12-31, 2 high-value (one meets three criteria: counted once)
        row(
            application_number=make(2012, "1", 1),
            filing_date="2012-01-05",
            grant_date="2014-01-01",
            district="芝罘区",
            overseas_family_granted="true",
            award="china_patent_award",
        ),
        row(
            application_number=make(2021, "1", 2),
            filing_date="2021-01-05",
            grant_date="2023-01-01",
            district="芝罘区",
            ipc_main="G06N3/08",
        ),
        row(
            application_number=make(2021, "1", 3),
            filing_date="2021-01-05",
            grant_date="2023-01-01",
            district="芝罘区",
        ),
        # lapsed before the date: not counted
        row(
            application_number=make(2021, "1", 4),
            filing_date="2021-01-05",
            grant_date="2022-01-01",
            district="芝罘区",
            ipc_main="G06N3/08",
            legal_status="lapsed",
            legal_status_date="2024-06-01",
        ),
        # utility model: never counted
        row(
            application_number=make(2021, "2", 5),
            type="utility_model",
            filing_date="2021-01-05",
            grant_date="2021-06-01",
            district="芝罘区",
            ipc_main="G06N3/08",
        ),
        # 莱山区: 1 valid, high-value from 2025 only (granted in 2025)
        row(
            application_number=make(2022, "1", 6),
            filing_date="2022-01-05",
            grant_date="2025-02-01",
            district="莱山区",
            ipc_main="G06N3/08",
        ),
        row(
            application_number=make(2022, "1", 7),
            filing_date="2022-01-05",
            grant_date="2024-02-01",
            district="莱山区",
        ),
        # foreign holder: not counted
        row(
            application_number=make(2022, "1", 8),
            filing_date="2022-01-05",
            grant_date="2024-02-01",
            district="莱山区",
            ipc_main="G06N3/08",
            is_domestic="false",
        ),
    ]
    assert import_rows(rows).rejected == 0
    return zhifu, laishan


@pytest.mark.django_db
def test_kpi_per_district_and_city(registry):
    zhifu, laishan = registry
    date = dt.date(2024, 12, 31)
    z = kpi.kpi_at(date, district=zhifu)
    assert (z.valid, z.high_value, z.population) == (3, 2, 800_000)
    assert z.high_value_per_10k == Decimal("0.03")  # 2 / 80
    assert z.valid_per_10k == Decimal("0.04")  # 3 / 80 = 0.0375 → 0.04 (half up)
    lai = kpi.kpi_at(date, district=laishan)
    assert (lai.valid, lai.high_value) == (1, 0)
    city = kpi.kpi_at(date)
    assert (city.valid, city.high_value, city.population) == (4, 2, 7_000_000)
    assert city.high_value_per_10k == (Decimal(2) * 10000 / 7_000_000).quantize(Decimal("0.01"))
    later = kpi.kpi_at(dt.date(2025, 12, 31), district=laishan)
    assert (later.valid, later.high_value) == (2, 1)
    assert later.population_year == 2024  # the latest figure is used, and shown


@pytest.mark.django_db
def test_ledger_matches_direct_count_at_many_dates(registry):
    for year in range(2013, 2027):
        for day in (dt.date(year, 1, 1), dt.date(year, 6, 1), dt.date(year, 12, 31)):
            ledger = {k: v for k, v in kpi.ledger_counts(day).items() if v["valid"] or v["hv"]}
            assert ledger == kpi.direct_counts(day), day


@pytest.mark.django_db
def test_city_population_falls_back_to_the_sum_of_districts(registry):
    Population.objects.filter(district__isnull=True).delete()
    city = kpi.kpi_at(dt.date(2024, 12, 31))
    assert city.population == 1_300_000
    assert kpi.per_10k(5, None) is None


@pytest.mark.django_db
def test_kpis_feed_the_plan_indicator_series(registry):
    from ipcity.plan.models import Indicator, IndicatorValue

    written = kpi_indicators_feed(actor="t", years=[2024])
    indicator = Indicator.objects.get(computed_by="patents.high_value_per_10k")
    if not written:
        pytest.skip("the plan's indicator_value_record service is not available yet")
    value = IndicatorValue.objects.get(indicator=indicator, year=2024)
    assert value.value == kpi.kpi_at(dt.date(2024, 12, 31)).high_value_per_10k
    assert value.source_kind == "computed" and "patent registry" in value.source
