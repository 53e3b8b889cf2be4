"""Indicator status: pure functions, no database. The method is documented in docs/indicator-status.md.

`assess(points, comparison=..., target=..., target_year=..., start_year=..., today=...)` returns an
`Assessment` (status, the value judged, what was expected, the ratio, a short explanation).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from .choices import Comparison, IndicatorStatus

# Share of the expected progress at or above which an indicator is on track / at risk (below: off track).
ON_TRACK_RATIO = Decimal("1")
AT_RISK_RATIO = Decimal("0.9")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Point:
    year: int
    as_of: dt.date
    value: Decimal


@dataclass(frozen=True)
class Assessment:
    status: IndicatorStatus
    year: int | None = None
    value: Decimal | None = None
    expected: Decimal | None = None
    ratio: Decimal | None = None
    note: str = ""


def series(points: Iterable[Point], *, today: dt.date) -> dict[int, Point]:
    """One point per year: the one with the latest `as_of` not after `today`."""
    by_year: dict[int, Point] = {}
    for point in points:
        if point.as_of > today:
            continue
        current = by_year.get(point.year)
        if current is None or point.as_of > current.as_of:
            by_year[point.year] = point
    return dict(sorted(by_year.items()))


def year_fraction(year: int, as_of: dt.date) -> Decimal:
    """The share of `year` elapsed at `as_of` (1 once the year is over)."""
    if as_of.year > year:
        return Decimal(1)
    if as_of.year < year:
        return Decimal(0)
    start = dt.date(year, 1, 1)
    days = (dt.date(year + 1, 1, 1) - start).days
    return Decimal((as_of - start).days + 1) / Decimal(days)


def year_over(year: int, today: dt.date) -> bool:
    return today.year > year


def elapsed_fraction(point: Point, today: dt.date) -> Decimal:
    """How much of its year a point covers: all of it once the year is over, else up to `as_of`."""
    return Decimal(1) if year_over(point.year, today) else year_fraction(point.year, point.as_of)


def _grade(ratio: Decimal) -> IndicatorStatus:
    if ratio >= ON_TRACK_RATIO:
        return IndicatorStatus.ON_TRACK
    if ratio >= AT_RISK_RATIO:
        return IndicatorStatus.AT_RISK
    return IndicatorStatus.OFF_TRACK


def _q(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.0001"))


def assess(
    points: Iterable[Point],
    *,
    comparison: str,
    target: Decimal | None,
    target_year: int,
    start_year: int,
    today: dt.date,
    baseline: Decimal | None = None,
    baseline_year: int | None = None,
) -> Assessment:
    data = series(points, today=today)
    if not data:
        return Assessment(IndicatorStatus.NO_DATA, note="no value recorded yet")
    kind = Comparison(comparison)
    if kind == Comparison.RISING:
        return _rising(
            data, target_year=target_year, today=today, baseline=baseline, baseline_year=baseline_year
        )
    if target is None:
        return Assessment(IndicatorStatus.NO_DATA, note="no target set")
    if kind == Comparison.AT_LEAST:
        return _at_least(data, target, target_year, today, baseline, baseline_year)
    if kind == Comparison.CUMULATIVE:
        return _cumulative(data, target, target_year, start_year, today)
    if kind == Comparison.PER_YEAR:
        return _per_year(data, target, target_year, start_year, today)
    if kind == Comparison.AT_MOST_PER_YEAR:
        return _at_most_per_year(data, target, target_year, start_year, today)
    return _growth_rate(data, target, target_year, today, baseline, baseline_year)


def _at_least(
    data: dict[int, Point],
    target: Decimal,
    target_year: int,
    today: dt.date,
    baseline: Decimal | None,
    baseline_year: int | None,
) -> Assessment:
    latest = list(data.values())[-1]
    if latest.value >= target:
        return Assessment(IndicatorStatus.ACHIEVED, latest.year, latest.value, target, note="target reached")
    if latest.year > target_year or year_over(target_year, today):
        return Assessment(
            IndicatorStatus.OFF_TRACK,
            latest.year,
            latest.value,
            target,
            note="target year passed below target",
        )
    if baseline is None or baseline_year is None:
        first = list(data.values())[0]
        baseline, baseline_year = first.value, first.year
    if latest.year <= baseline_year or target <= baseline:
        return Assessment(IndicatorStatus.ON_TRACK, latest.year, latest.value, note="at the baseline")
    span = Decimal(target_year - baseline_year)
    expected = baseline + (target - baseline) * Decimal(latest.year - baseline_year) / span
    ratio = (latest.value - baseline) / (expected - baseline)
    return Assessment(
        _grade(ratio),
        latest.year,
        latest.value,
        _q(expected),
        _q(ratio),
        note="linear path from the baseline",
    )


def _cumulative(
    data: dict[int, Point], target: Decimal, target_year: int, start_year: int, today: dt.date
) -> Assessment:
    in_plan = [p for y, p in data.items() if start_year <= y <= target_year]
    if not in_plan:
        return Assessment(IndicatorStatus.NO_DATA, note="no value for the plan years")
    total = sum((p.value for p in in_plan), Decimal(0))
    latest = in_plan[-1]
    if total >= target:
        return Assessment(
            IndicatorStatus.ACHIEVED, latest.year, total, target, note="cumulative target reached"
        )
    if year_over(target_year, today):
        return Assessment(
            IndicatorStatus.OFF_TRACK, latest.year, total, target, note="plan over below target"
        )
    elapsed = Decimal(latest.year - start_year) + elapsed_fraction(latest, today)
    expected = target * elapsed / Decimal(target_year - start_year + 1)
    ratio = total / expected if expected > 0 else Decimal(1)
    return Assessment(
        _grade(ratio), latest.year, total, _q(expected), _q(ratio), note="share of the plan elapsed"
    )


def _per_year(
    data: dict[int, Point], target: Decimal, target_year: int, start_year: int, today: dt.date
) -> Assessment:
    in_plan = {y: p for y, p in data.items() if start_year <= y <= target_year}
    if not in_plan:
        return Assessment(IndicatorStatus.NO_DATA, note="no value for the plan years")
    missed = [y for y, p in in_plan.items() if year_over(y, today) and p.value < target]
    latest = list(in_plan.values())[-1]
    if missed:
        return Assessment(
            IndicatorStatus.OFF_TRACK,
            missed[-1],
            in_plan[missed[-1]].value,
            target,
            note=f"yearly target missed in {', '.join(map(str, missed))}",
        )
    all_years = range(start_year, target_year + 1)
    if year_over(target_year, today) and all(y in in_plan for y in all_years):
        return Assessment(IndicatorStatus.ACHIEVED, latest.year, latest.value, target, note="met every year")
    if year_over(latest.year, today) or latest.value >= target:
        return Assessment(
            IndicatorStatus.ON_TRACK, latest.year, latest.value, target, note="yearly target met"
        )
    expected = target * elapsed_fraction(latest, today)
    ratio = latest.value / expected if expected > 0 else Decimal(1)
    return Assessment(
        _grade(ratio), latest.year, latest.value, _q(expected), _q(ratio), note="share of the year elapsed"
    )


def _at_most_per_year(
    data: dict[int, Point], target: Decimal, target_year: int, start_year: int, today: dt.date
) -> Assessment:
    in_plan = {y: p for y, p in data.items() if start_year <= y <= target_year}
    if not in_plan:
        return Assessment(IndicatorStatus.NO_DATA, note="no value for the plan years")
    over = [y for y, p in in_plan.items() if p.value > target]
    latest = list(in_plan.values())[-1]
    if over:
        y = over[-1]
        return Assessment(
            IndicatorStatus.OFF_TRACK,
            y,
            in_plan[y].value,
            target,
            note=f"cap exceeded in {', '.join(map(str, over))}",
        )
    if year_over(target_year, today):
        return Assessment(
            IndicatorStatus.ACHIEVED, latest.year, latest.value, target, note="cap respected every year"
        )
    if not year_over(latest.year, today) and latest.value >= target * AT_RISK_RATIO:
        return Assessment(
            IndicatorStatus.AT_RISK,
            latest.year,
            latest.value,
            target,
            note="this year's count is close to the cap",
        )
    return Assessment(IndicatorStatus.ON_TRACK, latest.year, latest.value, target, note="within the cap")


def _annualised(point: Point, today: dt.date) -> Decimal:
    fraction = elapsed_fraction(point, today)
    return point.value / fraction if fraction > 0 else point.value


def _growth_rate(
    data: dict[int, Point],
    target: Decimal,
    target_year: int,
    today: dt.date,
    baseline: Decimal | None,
    baseline_year: int | None,
) -> Assessment:
    levels = {y: _annualised(p, today) for y, p in data.items()}
    if baseline is not None and baseline_year is not None and baseline_year not in levels:
        levels = {baseline_year: baseline, **levels}
        levels = dict(sorted(levels.items()))
    years = list(levels)
    if len(years) < 2:
        return Assessment(
            IndicatorStatus.NO_DATA,
            years[-1],
            list(data.values())[-1].value,
            note="growth needs two years of values",
        )
    first_year, last_year = years[0], years[-1]
    first, last = levels[first_year], levels[last_year]
    if first <= 0:
        return Assessment(IndicatorStatus.NO_DATA, last_year, last, note="growth from zero is undefined")
    n = last_year - first_year
    ratio_total = float(last / first)
    cagr = Decimal(str(round((ratio_total ** (1 / n) - 1) * 100, 4))) if ratio_total > 0 else Decimal(-100)
    ratio = cagr / target if target > 0 else (Decimal(1) if cagr >= target else Decimal(0))
    status = _grade(ratio)
    if status == IndicatorStatus.ON_TRACK and year_over(target_year, today) and last_year >= target_year:
        status = IndicatorStatus.ACHIEVED
    elif year_over(target_year, today) and status != IndicatorStatus.ON_TRACK:
        status = IndicatorStatus.OFF_TRACK
    return Assessment(
        status, last_year, cagr, target, _q(ratio), note=f"average annual growth {first_year}–{last_year}"
    )


def _rising(
    data: dict[int, Point],
    *,
    target_year: int,
    today: dt.date,
    baseline: Decimal | None,
    baseline_year: int | None,
) -> Assessment:
    complete = {y: p.value for y, p in data.items() if year_over(y, today)}
    if baseline is not None and baseline_year is not None and baseline_year not in complete:
        complete = dict(sorted({baseline_year: baseline, **complete}.items()))
    years = list(complete)
    if len(years) < 2:
        latest = list(data.values())[-1]
        return Assessment(
            IndicatorStatus.NO_DATA, latest.year, latest.value, note="rising needs two complete years"
        )
    last_year, previous_year = years[-1], years[-2]
    last, previous = complete[last_year], complete[previous_year]
    if last > previous and year_over(target_year, today) and last_year >= target_year:
        status = IndicatorStatus.ACHIEVED
    elif last > previous:
        status = IndicatorStatus.ON_TRACK
    elif last == previous:
        status = IndicatorStatus.AT_RISK
    else:
        status = IndicatorStatus.OFF_TRACK
    return Assessment(status, last_year, last, previous, note=f"{last_year} compared with {previous_year}")
