"""Working days of the Chinese calendar: weekends, statutory public holidays and the make-up working
days (调休) the State Council sets each year, from the `chinesecalendar` package (docs/adr/0402)."""

import datetime as dt

import chinese_calendar


def is_working_day(day: dt.date) -> bool:
    """Whether government offices work on `day`. For a year the package does not know yet (each year's
    arrangement is published late in the year before; upgrade the package then) Monday to Friday."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def calendar_covers(day: dt.date) -> bool:
    """Whether `day`'s year has its holidays and make-up working days in the calendar."""
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    return True


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The last day of a period of `days` working days starting on `start`, or on the next working day
    when `start` is not one (a 公示 that starts on a Saturday or during a holiday starts after it)."""
    day = start
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    counted = 1
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day
