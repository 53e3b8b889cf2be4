"""Indicator status thresholds, each on both sides (docs/indicator-status.md)."""

import datetime as dt
from decimal import Decimal

import pytest

from ipcity.plan.choices import Comparison, IndicatorStatus
from ipcity.plan.indicators import Point, assess, year_fraction

S = IndicatorStatus


def p(year: int, value: str, as_of: dt.date | None = None) -> Point:
    return Point(year=year, as_of=as_of or dt.date(year, 12, 31), value=Decimal(value))


def run(points, comparison, target, today, **kw):
    return assess(
        points,
        comparison=comparison,
        target=Decimal(target) if target is not None else None,
        target_year=kw.pop("target_year", 2024),
        start_year=kw.pop("start_year", 2022),
        today=today,
        **kw,
    )


def test_no_values_is_no_data():
    assert run([], Comparison.AT_LEAST, "8.1", dt.date(2023, 1, 1)).status == S.NO_DATA


def test_values_dated_after_today_are_ignored():
    future = [p(2023, "9", dt.date(2023, 6, 1))]
    assert run(future, Comparison.AT_LEAST, "8.1", dt.date(2023, 5, 31)).status == S.NO_DATA
    assert run(future, Comparison.AT_LEAST, "8.1", dt.date(2023, 6, 1)).status == S.ACHIEVED


def test_latest_as_of_wins_within_a_year():
    points = [p(2023, "20", dt.date(2023, 6, 30)), p(2023, "9", dt.date(2023, 3, 31))]
    result = run(
        points, Comparison.AT_LEAST, "30", dt.date(2023, 12, 1), baseline=Decimal(0), baseline_year=2021
    )
    assert result.value == Decimal("20")


@pytest.mark.parametrize(
    ("value", "status"),
    [
        ("30", S.ACHIEVED),
        ("29.99", S.ON_TRACK),
        ("10", S.ON_TRACK),
        ("9.99", S.AT_RISK),
        ("9", S.AT_RISK),
        ("8.99", S.OFF_TRACK),
    ],
)
def test_at_least_linear_path_from_baseline(value, status):
    # baseline 0 (2021) → 30 (2024): 10 expected by 2022.
    result = run(
        [p(2022, value)],
        Comparison.AT_LEAST,
        "30",
        dt.date(2023, 2, 1),
        baseline=Decimal(0),
        baseline_year=2021,
    )
    assert result.status == status


def test_at_least_below_target_after_target_year_is_off_track():
    points = [p(2022, "7"), p(2024, "8.09")]
    assert run(points, Comparison.AT_LEAST, "8.1", dt.date(2025, 1, 1)).status == S.OFF_TRACK
    assert (
        run([p(2022, "7"), p(2024, "8.1")], Comparison.AT_LEAST, "8.1", dt.date(2025, 1, 1)).status
        == S.ACHIEVED
    )


def test_at_least_without_baseline_uses_first_value():
    # first value 6 (2022) → 8.1 (2024): 7.05 expected in 2023.
    assert (
        run([p(2022, "6"), p(2023, "7.05")], Comparison.AT_LEAST, "8.1", dt.date(2024, 2, 1)).status
        == S.ON_TRACK
    )
    assert (
        run([p(2022, "6"), p(2023, "6.9")], Comparison.AT_LEAST, "8.1", dt.date(2024, 2, 1)).status
        == S.OFF_TRACK
    )
    assert run([p(2022, "6")], Comparison.AT_LEAST, "8.1", dt.date(2023, 2, 1)).status == S.ON_TRACK


@pytest.mark.parametrize(
    ("value", "status"),
    [("40", S.ACHIEVED), ("13.34", S.ON_TRACK), ("13", S.AT_RISK), ("12", S.AT_RISK), ("11.99", S.OFF_TRACK)],
)
def test_cumulative_share_of_plan_elapsed(value, status):
    # 40 over 2022–2024: after a complete 2022, 13.33 expected.
    assert run([p(2022, value)], Comparison.CUMULATIVE, "40", dt.date(2023, 3, 1)).status == status


def test_cumulative_sums_the_plan_years_and_fails_after_the_plan():
    points = [p(2021, "50"), p(2022, "14"), p(2023, "13"), p(2024, "12")]
    result = run(points, Comparison.CUMULATIVE, "40", dt.date(2025, 1, 5))
    assert result.value == Decimal("39")  # 2021 is before the plan and does not count
    assert result.status == S.OFF_TRACK
    points[-1] = p(2024, "13")
    assert run(points, Comparison.CUMULATIVE, "40", dt.date(2025, 1, 5)).status == S.ACHIEVED


def test_per_year_completed_year_below_target_is_off_track():
    assert run([p(2022, "1000")], Comparison.PER_YEAR, "1000", dt.date(2023, 1, 10)).status == S.ON_TRACK
    assert run([p(2022, "999")], Comparison.PER_YEAR, "1000", dt.date(2023, 1, 10)).status == S.OFF_TRACK


@pytest.mark.parametrize(("value", "status"), [("500", S.ON_TRACK), ("449", S.AT_RISK), ("448", S.OFF_TRACK)])
def test_per_year_current_year_is_pro_rata(value, status):
    as_of = dt.date(2023, 7, 1)  # 182/365 of the year: 498.6 expected of 1000
    assert year_fraction(2023, as_of) == Decimal(182) / Decimal(365)
    assert run([p(2023, value, as_of)], Comparison.PER_YEAR, "1000", dt.date(2023, 7, 2)).status == status


def test_per_year_achieved_when_every_plan_year_met():
    points = [p(2022, "1200"), p(2023, "1000"), p(2024, "1100")]
    assert run(points, Comparison.PER_YEAR, "1000", dt.date(2025, 2, 1)).status == S.ACHIEVED
    assert (
        run(points[:2] + [p(2024, "900")], Comparison.PER_YEAR, "1000", dt.date(2025, 2, 1)).status
        == S.OFF_TRACK
    )


@pytest.mark.parametrize(
    ("value", "today", "status"),
    [
        ("21", dt.date(2024, 1, 5), S.OFF_TRACK),
        ("20", dt.date(2024, 1, 5), S.ON_TRACK),
        ("18", dt.date(2023, 12, 1), S.AT_RISK),
        ("17", dt.date(2023, 12, 1), S.ON_TRACK),
        ("20", dt.date(2025, 1, 5), S.ACHIEVED),
    ],
)
def test_at_most_per_year_cap(value, today, status):
    as_of = min(today, dt.date(2023, 12, 31))
    assert run([p(2023, value, as_of)], Comparison.AT_MOST_PER_YEAR, "20", today).status == status


@pytest.mark.parametrize(
    ("value", "status"), [("130", S.ON_TRACK), ("127", S.AT_RISK), ("126.9", S.OFF_TRACK)]
)
def test_growth_rate_average_annual_growth(value, status):
    points = [p(2022, "100"), p(2023, value)]
    assert run(points, Comparison.GROWTH_RATE, "30", dt.date(2024, 1, 15)).status == status


def test_growth_rate_is_compound_over_several_years():
    points = [p(2022, "100"), p(2023, "100"), p(2024, "169")]  # 30% a year on average
    result = run(points, Comparison.GROWTH_RATE, "30", dt.date(2025, 1, 15))
    assert result.value == Decimal("30.0000")
    assert result.status == S.ACHIEVED
    points[-1] = p(2024, "160")
    assert run(points, Comparison.GROWTH_RATE, "30", dt.date(2025, 1, 15)).status == S.OFF_TRACK


def test_growth_rate_needs_two_years_and_annualises_the_current_year():
    assert run([p(2022, "100")], Comparison.GROWTH_RATE, "30", dt.date(2023, 1, 15)).status == S.NO_DATA
    half = [p(2022, "100"), p(2023, "66", dt.date(2023, 7, 1))]  # 66 in 182 days ≈ 132.4 a year
    assert run(half, Comparison.GROWTH_RATE, "30", dt.date(2023, 7, 2)).status == S.ON_TRACK


@pytest.mark.parametrize(("value", "status"), [("11", S.ON_TRACK), ("10", S.AT_RISK), ("9.9", S.OFF_TRACK)])
def test_rising_compares_the_last_two_complete_years(value, status):
    points = [p(2022, "10"), p(2023, value), p(2024, "1", dt.date(2024, 3, 1))]  # 2024 not complete: ignored
    assert run(points, Comparison.RISING, None, dt.date(2024, 3, 2)).status == status


def test_rising_achieved_after_the_target_year_and_no_data_with_one_year():
    assert (
        run([p(2023, "10"), p(2024, "12")], Comparison.RISING, None, dt.date(2025, 1, 2)).status == S.ACHIEVED
    )
    assert run([p(2023, "10")], Comparison.RISING, None, dt.date(2024, 1, 2)).status == S.NO_DATA
