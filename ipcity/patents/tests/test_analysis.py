"""Each high-value criterion on both sides of its boundary, validity gates, and counting once."""

import datetime as dt
from decimal import Decimal

import pytest

from ipcity.patents.analysis import derive, evaluate
from ipcity.patents.models import Patent
from ipcity.patents.params import current

D = dt.date


def patent(**kw):
    base = dict(
        application_number="201210000001.0",
        type="invention",
        title="t",
        filing_date=D(2012, 3, 1),
        grant_date=D(2014, 6, 1),
        legal_status="valid",
        sei_codes="",
        overseas_family_granted=False,
        overseas_family_since=None,
        pledge_amount=None,
        pledge_date=None,
        award="",
        award_date=None,
        status_date=None,
    )
    base.update(kw)
    return Patent(**base)


@pytest.fixture
def params():
    return current()


def met(p, date, params):
    return evaluate(p, date, params).met


def test_nothing_met_means_not_high_value(params):
    p = patent(filing_date=D(2020, 3, 1), grant_date=D(2022, 1, 1))
    result = evaluate(p, D(2024, 12, 31), params)
    assert result.is_valid and not result.is_high_value and result.met == []


def test_maintained_more_than_10_years_counts_from_the_filing_date(params):
    p = patent(filing_date=D(2012, 3, 1))
    assert "maintained_over_10_years" not in met(p, D(2022, 3, 1), params)  # exactly 10 years: not more
    assert "maintained_over_10_years" in met(p, D(2022, 3, 2), params)
    assert evaluate(p, D(2022, 3, 2), params).is_high_value
    assert not evaluate(p, D(2022, 3, 1), params).is_high_value


def test_maintained_needs_the_patent_still_in_force(params):
    p = patent(filing_date=D(2012, 3, 1), legal_status="lapsed", status_date=D(2022, 3, 2))
    assert evaluate(p, D(2022, 3, 1), params).is_valid
    assert not evaluate(p, D(2022, 3, 2), params).is_valid
    assert not evaluate(p, D(2022, 3, 2), params).is_high_value


def test_pledge_amount_threshold_both_sides(params):
    threshold = params.pledge_threshold(D(2023, 1, 1))
    assert threshold == Decimal("10000000.00")
    below = patent(
        filing_date=D(2020, 1, 2),
        grant_date=D(2021, 1, 1),
        pledge_amount=threshold - Decimal("0.01"),
        pledge_date=D(2023, 1, 1),
    )
    at = patent(
        filing_date=D(2020, 1, 2),
        grant_date=D(2021, 1, 1),
        pledge_amount=threshold,
        pledge_date=D(2023, 1, 1),
    )
    assert "pledge_amount" not in met(below, D(2024, 1, 1), params)
    assert "pledge_amount" in met(at, D(2024, 1, 1), params)
    # and only from the pledge's date
    assert "pledge_amount" not in met(at, D(2022, 12, 31), params)


def test_overseas_family_from_the_date_granted_abroad(params):
    p = patent(
        filing_date=D(2020, 1, 2),
        grant_date=D(2021, 1, 1),
        overseas_family_granted=True,
        overseas_family_since=D(2023, 5, 1),
    )
    assert "overseas_family" not in met(p, D(2023, 4, 30), params)
    assert "overseas_family" in met(p, D(2023, 5, 1), params)
    assert "overseas_family" not in met(
        patent(filing_date=D(2020, 1, 2), grant_date=D(2021, 1, 1)), D(2024, 1, 1), params
    )


def test_award_criterion(params):
    p = patent(
        filing_date=D(2020, 1, 2),
        grant_date=D(2021, 1, 1),
        award="china_patent_gold",
        award_date=D(2023, 7, 1),
    )
    assert "award" not in met(p, D(2023, 6, 30), params)
    assert "award" in met(p, D(2023, 7, 1), params)
    assert "award" not in met(
        patent(filing_date=D(2020, 1, 2), grant_date=D(2021, 1, 1)), D(2024, 1, 1), params
    )


def test_sei_criterion(params):
    p = patent(filing_date=D(2020, 1, 2), grant_date=D(2021, 1, 1), sei_codes="|1.5|")
    assert evaluate(p, D(2021, 1, 1), params).is_high_value
    assert not evaluate(p, D(2020, 12, 31), params).is_high_value  # not granted yet
    assert "sei" not in met(
        patent(filing_date=D(2020, 1, 2), grant_date=D(2021, 1, 1)), D(2024, 1, 1), params
    )


def test_only_valid_invention_patents(params):
    utility = patent(
        application_number="202120000001.5",
        type="utility_model",
        filing_date=D(2021, 1, 4),
        grant_date=D(2021, 6, 1),
        sei_codes="|1.5|",
    )
    assert not evaluate(utility, D(2021, 12, 31), params).is_high_value
    pending = patent(legal_status="pending", grant_date=None, sei_codes="|1.5|")
    assert not evaluate(pending, D(2024, 1, 1), params).is_high_value
    invalidated = patent(sei_codes="|1.5|", legal_status="invalidated", status_date=D(2019, 1, 1))
    assert evaluate(invalidated, D(2018, 12, 31), params).is_high_value
    assert not evaluate(invalidated, D(2019, 1, 1), params).is_high_value


def test_expiry_after_20_years_even_if_status_says_valid(params):
    p = patent(filing_date=D(2004, 5, 1), grant_date=D(2006, 1, 1))
    assert evaluate(p, D(2024, 4, 30), params).is_high_value
    assert not evaluate(p, D(2024, 5, 1), params).is_valid


def test_lapsed_without_a_date_never_counts(params):
    p = patent(legal_status="lapsed", status_date=None, sei_codes="|1.5|")
    assert derive(p, params).valid_from is None
    assert not evaluate(p, D(2016, 1, 1), params).is_high_value


def test_several_criteria_listed_but_one_patent(params):
    p = patent(
        sei_codes="|1.5|",
        overseas_family_granted=True,
        award="national_st_award",
        pledge_amount=Decimal("20000000"),
        pledge_date=D(2015, 1, 1),
    )
    result = evaluate(p, D(2024, 12, 31), params)
    assert result.is_high_value
    assert sorted(result.met) == sorted(
        ["sei", "overseas_family", "maintained_over_10_years", "pledge_amount", "award"]
    )
    d = derive(p, params)
    assert d.hv_from == D(2014, 6, 1)  # from the grant: one patent, one start date


def test_derived_dates_agree_with_evaluation(params):
    p = patent(filing_date=D(2012, 3, 1), legal_status="lapsed", status_date=D(2023, 1, 1))
    d = derive(p, params)
    assert d.hv_from == D(2022, 3, 2) and d.valid_until == D(2023, 1, 1)
    for day in (D(2022, 3, 1), D(2022, 3, 2), D(2022, 12, 31), D(2023, 1, 1)):
        expected = d.hv_from <= day < d.valid_until
        assert evaluate(p, day, params).is_high_value is expected
