"""Working days follow the Chinese calendar: public holidays do not count, make-up working days do."""

import datetime as dt

from ipcity.core.workdays import add_working_days, calendar_covers, is_working_day


def test_national_day_week_is_skipped() -> None:
    # 2024: 1–7 October were holidays; Sunday 29 September and Saturday 12 October were working days.
    assert not is_working_day(dt.date(2024, 10, 1)) and not is_working_day(dt.date(2024, 10, 7))
    assert add_working_days(dt.date(2024, 9, 30), 5) == dt.date(2024, 10, 11)
    assert add_working_days(dt.date(2024, 10, 1), 1) == dt.date(2024, 10, 8)


def test_make_up_working_days_count() -> None:
    assert is_working_day(dt.date(2024, 9, 29))  # a Sunday
    assert add_working_days(dt.date(2024, 9, 29), 2) == dt.date(2024, 9, 30)
    assert add_working_days(dt.date(2024, 10, 10), 3) == dt.date(2024, 10, 12)  # Thu, Fri, Sat (调休)


def test_ordinary_weeks_are_monday_to_friday() -> None:
    assert add_working_days(dt.date(2024, 5, 24), 5) == dt.date(2024, 5, 30)
    assert add_working_days(dt.date(2024, 5, 25), 1) == dt.date(2024, 5, 27)  # a Saturday start


def test_a_year_the_calendar_does_not_know_falls_back_to_monday_to_friday() -> None:
    assert calendar_covers(dt.date(2024, 1, 1))
    assert not calendar_covers(dt.date(2099, 1, 1))
    assert add_working_days(dt.date(2099, 1, 2), 2) == dt.date(2099, 1, 5)  # Fri, then Mon
