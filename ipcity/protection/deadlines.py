"""Statutory clocks: the due date of a period counted in days, working days or months, with stops and
extensions, and a sentence in Chinese and English saying how it was counted (docs/adr/0500).

Pure Python, no Django: the casework services, the API and the supervision board will call this.

Counting rules (民法典 arts. 201–203; the same rule for procedural periods in 民事诉讼法 art. 85):

- The day of the start event is not counted; a period starts on the next day (art. 201).
- Working days are the days government offices work (`ipcity/core/workdays.py`, the `chinesecalendar`
  data): weekends and statutory holidays are skipped, make-up working days (调休) are counted. The last
  day of a working-day period is a working day by construction.
- A period in months ends on the corresponding day of the last month, or on that month's last day when
  it has none (art. 202): 2024-01-31 + 1 month = 2024-02-29; 2023-01-31 + 1 month = 2023-02-28.
- When the last day of a calendar-day or month period is a rest day or statutory holiday, the period
  ends on the first working day after it (art. 203). A 调休 Saturday is a working day: no move.
- A stop (补正 requested, 中止, 鉴定 …) and its resume: the days from the stop event's day through the
  resume event's day are not counted, and counting resumes the day after the resume event, as a period
  does after its start event (art. 201). The stopped days are those "不计入期限" in the procedure rules
  (e.g. 专利行政执法办法 "公告、鉴定、中止等时间不计入"; 投诉举报处理暂行办法 "鉴定所需时间不计算在调解期限内").
  A stop made on or before the period's last counted day extends it; a stop dated after that day (the
  period has run out, even if art. 203 moved its end past a holiday) changes nothing. For a month period
  the stopped calendar days are added to the period's last day before art. 203 applies. While a stop
  has no resume yet, the deadline has no due date (`due is None`, `stopped_since` set).
- An approved extension adds its amount to the period (same unit), counted from the same start:
  3 months extended by 1 month is a 4-month period from filing.
- For a year the calendar data does not cover yet, working days fall back to Monday–Friday (as
  `ipcity.core.workdays` does everywhere in the product, ADR 0402) and the deadline is marked
  `provisional`, with the reason in its basis.
"""

from __future__ import annotations

import bisect
import calendar as _calendar
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from ipcity.core import workdays

# Dates outside this range are refused: no statute of ours reaches them, and date arithmetic near
# 9999-12-31 would overflow.
MIN_DATE = dt.date(1990, 1, 1)
MAX_DATE = dt.date(2199, 12, 31)
MAX_AMOUNT = 3650


class Unit(StrEnum):
    DAYS = "days"
    WORKING_DAYS = "working_days"
    MONTHS = "months"


UNIT_ZH = {Unit.DAYS: "日", Unit.WORKING_DAYS: "个工作日", Unit.MONTHS: "个月"}
UNIT_EN = {Unit.DAYS: "day", Unit.WORKING_DAYS: "working day", Unit.MONTHS: "month"}


class DeadlineError(ValueError):
    """Inputs no deadline can be computed from. `zh` and `en` say why."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en


@dataclass(frozen=True)
class Stop:
    """A clock stopped on `stopped_on` and resumed on `resumed_on` (None: still stopped)."""

    stopped_on: dt.date
    resumed_on: dt.date | None = None
    reason: str = ""  # in Chinese
    reason_en: str = ""  # in English (the Chinese reason when empty)


@dataclass(frozen=True)
class Deadline:
    """A computed time limit. `due` is None while the clock is stopped (`stopped_since`); `met_on` is the
    day the limit was met (the act was done, or the case closed); `provisional` when a year involved is
    not in the holiday calendar yet."""

    code: str
    due: dt.date | None
    basis: str
    provisional: bool = False
    stopped_since: dt.date | None = None
    met_on: dt.date | None = None

    def overdue_on(self, today: dt.date) -> bool:
        """Whether the limit is running and its last day has passed on `today`."""
        return self.met_on is None and self.due is not None and today > self.due


def _check_date(day: dt.date, what: str) -> None:
    if not MIN_DATE <= day <= MAX_DATE:
        raise DeadlineError(
            f"{what}日期 {day.isoformat()} 超出支持范围（{MIN_DATE.isoformat()} 至 {MAX_DATE.isoformat()}）",
            f"{what} date {day.isoformat()} is outside the supported range "
            f"({MIN_DATE.isoformat()} to {MAX_DATE.isoformat()})",
        )


class WorkCalendar:
    """Working days as a sorted table of day ordinals, built a year at a time from a predicate, so that
    the n-th working day after a date is a binary search. The default predicate is the product's
    (`ipcity.core.workdays`); a new calendar object after a `chinesecalendar` upgrade is a recomputation
    with the new holidays (`reset_default_calendar()`)."""

    def __init__(
        self,
        is_working_day: Callable[[dt.date], bool] | None = None,
        covers: Callable[[dt.date], bool] | None = None,
    ) -> None:
        self._predicate = is_working_day or workdays.is_working_day
        self._covers = covers or workdays.calendar_covers
        self._years: dict[int, tuple[bytes, bool]] = {}
        self._first: int | None = None
        self._last: int | None = None
        self._ordinals: list[int] = []

    def _year(self, year: int) -> tuple[bytes, bool]:
        found = self._years.get(year)
        if found is None:
            first = dt.date(year, 1, 1)
            length = 366 if _calendar.isleap(year) else 365
            flags = bytes(1 if self._predicate(first + dt.timedelta(days=i)) else 0 for i in range(length))
            found = (flags, bool(self._covers(first)))
            self._years[year] = found
        return found

    def _ensure(self, first_year: int, last_year: int) -> None:
        if self._first is not None and self._last is not None:
            if self._first <= first_year and last_year <= self._last:
                return
            first_year, last_year = min(first_year, self._first), max(last_year, self._last)
        ordinals: list[int] = []
        for year in range(first_year, last_year + 1):
            flags, _covered = self._year(year)
            base = dt.date(year, 1, 1).toordinal()
            ordinals.extend(base + i for i, working in enumerate(flags) if working)
        self._ordinals, self._first, self._last = ordinals, first_year, last_year

    def is_working_day(self, day: dt.date) -> bool:
        flags, _covered = self._year(day.year)
        return bool(flags[day.timetuple().tm_yday - 1])

    def covers_year(self, year: int) -> bool:
        return self._year(year)[1]

    def uncovered_years(self, first: dt.date, last: dt.date) -> list[int]:
        return [y for y in range(first.year, last.year + 1) if not self.covers_year(y)]

    def working_days_between(self, after: dt.date, through: dt.date) -> int:
        """How many working days d with after < d <= through."""
        if through <= after:
            return 0
        self._ensure(after.year, through.year)
        return bisect.bisect_right(self._ordinals, through.toordinal()) - bisect.bisect_right(
            self._ordinals, after.toordinal()
        )

    def nth_working_day_after(self, day: dt.date, n: int) -> dt.date:
        """The n-th working day after `day` (n >= 1); `day` itself is not counted."""
        year = day.year
        span = 1 + n // 200
        while True:
            self._ensure(year, min(year + span, dt.MAXYEAR))
            index = bisect.bisect_right(self._ordinals, day.toordinal()) + n - 1
            if index < len(self._ordinals):
                return dt.date.fromordinal(self._ordinals[index])
            if year + span >= dt.MAXYEAR:
                raise DeadlineError("期限超出日历范围", "the period runs past the end of the calendar")
            span += 1

    def first_working_day_from(self, day: dt.date) -> dt.date:
        """`day` if it is a working day, otherwise the first working day after it."""
        if self.is_working_day(day):
            return day
        return self.nth_working_day_after(day, 1)


_default: WorkCalendar | None = None


def default_calendar() -> WorkCalendar:
    global _default
    if _default is None:
        _default = WorkCalendar()
    return _default


def reset_default_calendar() -> None:
    """Forget the cached working-day table (after the holiday data changed); the next call rebuilds it."""
    global _default
    _default = None


def add_months(day: dt.date, months: int) -> dt.date:
    """The corresponding day `months` later, or that month's last day when it has none (art. 202)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


@dataclass
class _Count:
    due: dt.date | None = None
    stopped_since: dt.date | None = None
    applied: list[tuple[Stop, int]] = field(default_factory=list)  # (stop, days or working days not counted)


def _check_stops(start: dt.date, stops: Sequence[Stop]) -> list[Stop]:
    ordered = sorted(stops, key=lambda s: s.stopped_on)
    previous_end = start
    for i, stop in enumerate(ordered):
        _check_date(stop.stopped_on, "中止")
        if stop.stopped_on < previous_end:
            raise DeadlineError(
                f"中止日期 {stop.stopped_on.isoformat()} 早于起算日或上一次恢复日 {previous_end.isoformat()}",
                f"the stop on {stop.stopped_on.isoformat()} is before the start or the previous resume "
                f"({previous_end.isoformat()})",
            )
        if stop.resumed_on is None:
            if i != len(ordered) - 1:
                raise DeadlineError(
                    "只有最后一次中止可以尚未恢复", "only the last stop may still be open (no resume date)"
                )
            continue
        _check_date(stop.resumed_on, "恢复")
        if stop.resumed_on < stop.stopped_on:
            raise DeadlineError(
                f"恢复日期 {stop.resumed_on.isoformat()} 早于中止日期 {stop.stopped_on.isoformat()}",
                f"the resume on {stop.resumed_on.isoformat()} is before its stop on {stop.stopped_on.isoformat()}",
            )
        previous_end = stop.resumed_on
    return ordered


def _count_working_days(start: dt.date, amount: int, stops: list[Stop], cal: WorkCalendar) -> _Count:
    result = _Count()
    remaining, cursor = amount, start
    for stop in stops:
        # Counted before the stop: working days after `cursor` up to the day before the stop.
        before = cal.working_days_between(cursor, stop.stopped_on - dt.timedelta(days=1))
        if before >= remaining:
            break  # the period ended before this stop: the stop changes nothing
        remaining -= before
        if stop.resumed_on is None:
            result.stopped_since = stop.stopped_on
            return result
        skipped = cal.working_days_between(
            max(cursor, stop.stopped_on - dt.timedelta(days=1)), stop.resumed_on
        )
        result.applied.append((stop, skipped))
        cursor = stop.resumed_on
    result.due = cal.nth_working_day_after(cursor, remaining)
    return result


def _extend_by_stops(start: dt.date, nominal: dt.date, stops: list[Stop]) -> _Count:
    """Calendar-day and month periods: each stop made on or before the current last day adds the days
    from the stop (or the day after the start or previous resume, if later) through the resume."""
    result = _Count()
    cursor = start
    for stop in stops:
        first_stopped = max(stop.stopped_on, cursor + dt.timedelta(days=1))
        if first_stopped > nominal:
            break
        if stop.resumed_on is None:
            result.stopped_since = stop.stopped_on
            return result
        days = (stop.resumed_on - first_stopped).days + 1
        if days > 0:
            nominal += dt.timedelta(days=days)
            result.applied.append((stop, days))
        cursor = stop.resumed_on
    result.due = nominal
    return result


def _amount_zh(amount: int, unit: Unit) -> str:
    return f"{amount}{UNIT_ZH[unit]}"


def _amount_en(amount: int, unit: Unit) -> str:
    return f"{amount} {UNIT_EN[unit]}{'' if amount == 1 else 's'}"


def compute_deadline(
    *,
    code: str,
    start: dt.date,
    unit: Unit | str,
    amount: int,
    stops: Sequence[Stop] = (),
    extension: int = 0,
    calendar: WorkCalendar | None = None,
) -> Deadline:
    """The deadline of a period of `amount` (+ `extension`) `unit`s started by an event on `start`."""
    unit = Unit(unit)
    if not 1 <= amount <= MAX_AMOUNT or not 0 <= extension <= MAX_AMOUNT:
        raise DeadlineError(
            f"期限长度必须在1至{MAX_AMOUNT}之间", f"the period must be between 1 and {MAX_AMOUNT} units"
        )
    _check_date(start, "起算")
    cal = calendar or default_calendar()
    ordered = _check_stops(start, stops)
    total = amount + extension

    zh = [f"自{start.isoformat()}次日起算{_amount_zh(total, unit)}"]
    en = [f"{_amount_en(total, unit)} counted from the day after {start.isoformat()}"]
    if extension:
        zh.append(f"（含经批准延长的{_amount_zh(extension, unit)}）")
        en.append(f" (including an approved extension of {_amount_en(extension, unit)})")

    rolled_from: dt.date | None = None
    nominal: dt.date | None = None
    if unit is Unit.WORKING_DAYS:
        zh.append("（跳过周末和法定节假日，计入调休上班日）")
        en.append(" (weekends and statutory holidays skipped, make-up working days counted)")
        count = _count_working_days(start, total, ordered, cal)
    else:
        if unit is Unit.DAYS:
            nominal = start + dt.timedelta(days=total)
        else:
            nominal = add_months(start, total)
            corresponding = nominal.day == start.day
            zh.append(
                f"，到期月对应日为{nominal.isoformat()}"
                if corresponding
                else f"，到期月无对应日，以月末日{nominal.isoformat()}为最后一日"
            )
            en.append(
                f"; the corresponding day of the last month is {nominal.isoformat()}"
                if corresponding
                else f"; the last month has no corresponding day, so its last day {nominal.isoformat()} is the last day"
            )
            zh.append("（民法典第二百零二条）")
            en.append(" (Civil Code art. 202)")
        count = _extend_by_stops(start, nominal, ordered)

    for stop, skipped in count.applied:
        assert stop.resumed_on is not None  # applied stops are closed
        why_zh = f"，{stop.reason}" if stop.reason else ""
        why_en = f", {stop.reason_en or stop.reason}" if (stop.reason_en or stop.reason) else ""
        what_zh = "日" if unit is not Unit.WORKING_DAYS else "个工作日"
        what_en = "day" if unit is not Unit.WORKING_DAYS else "working day"
        zh.append(
            f"；{stop.stopped_on.isoformat()}至{stop.resumed_on.isoformat()}中止{why_zh}，"
            f"不计入期限（{skipped}{what_zh}），自恢复次日继续计算"
        )
        en.append(
            f"; stopped from {stop.stopped_on.isoformat()} to {stop.resumed_on.isoformat()}{why_en}: "
            f"{skipped} {what_en}{'' if skipped == 1 else 's'} not counted, counting resumed the day after"
        )

    if count.due is None:
        assert count.stopped_since is not None
        zh.append(f"；自{count.stopped_since.isoformat()}起中止，待恢复后继续计算，暂无届满日")
        en.append(f"; stopped since {count.stopped_since.isoformat()}: no due date until the clock resumes")
        return Deadline(
            code=code, due=None, basis="".join(zh) + " / " + "".join(en), stopped_since=count.stopped_since
        )

    due = count.due
    if unit is not Unit.WORKING_DAYS:
        last = due
        due = cal.first_working_day_from(last)
        if due != last:
            rolled_from = last
            zh.append(
                f"；最后一日{last.isoformat()}为法定节假日或休息日，顺延至其后第一个工作日（民法典第二百零三条）"
            )
            en.append(
                f"; the last day {last.isoformat()} is a rest day or statutory holiday, so the period ends on "
                "the first working day after it (Civil Code art. 203)"
            )
    zh.append(f"，届满日{due.isoformat()}。")
    en.append(f": due {due.isoformat()}.")

    first_relevant = start + dt.timedelta(days=1) if unit is Unit.WORKING_DAYS else (rolled_from or due)
    uncovered = cal.uncovered_years(first_relevant, due)
    if uncovered:
        years = "、".join(str(y) for y in uncovered)
        years_en = ", ".join(str(y) for y in uncovered)
        zh.append(f"（暂定：{years}年的法定节假日安排尚未收录，该年按周一至周五计算）")
        en.append(
            f" (provisional: the statutory holidays of {years_en} are not in the calendar yet; "
            "Monday to Friday counted as working days)"
        )
    return Deadline(code=code, due=due, basis="".join(zh) + " / " + "".join(en), provisional=bool(uncovered))
