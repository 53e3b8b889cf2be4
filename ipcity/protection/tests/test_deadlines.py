"""The counting rules of docs/adr/0500, both sides of each boundary, against the real 2023–2024
State Council holiday arrangements (chinesecalendar)."""

import datetime as dt

import pytest

from ipcity.core import workdays
from ipcity.protection.deadlines import (
    DeadlineError,
    Stop,
    Unit,
    WorkCalendar,
    add_months,
    compute_deadline,
)

D = dt.date.fromisoformat


def due(start: str, unit: str, amount: int, **kwargs: object) -> dt.date | None:
    return compute_deadline(code="x", start=D(start), unit=unit, amount=amount, **kwargs).due  # type: ignore[arg-type]


# --- working days ------------------------------------------------------------------------------


def test_spec_example_complaint_received_2024_06_03_skips_duanwu():
    deadline = compute_deadline(
        code="accept_decision", start=D("2024-06-03"), unit=Unit.WORKING_DAYS, amount=7
    )
    assert deadline.due == D("2024-06-13")  # 2024-06-10 (Monday) was 端午节
    assert deadline.basis.startswith("自2024-06-03次日起算7个工作日")
    assert "7 working days counted from the day after 2024-06-03" in deadline.basis
    assert not deadline.provisional


def test_duanwu_both_sides():
    assert due("2024-06-03", "working_days", 4) == D("2024-06-07")
    assert due("2024-06-03", "working_days", 5) == D("2024-06-11")


def test_first_day_is_not_counted():
    assert due("2024-06-04", "working_days", 1) == D("2024-06-05")
    assert due("2024-06-04", "days", 1) == D("2024-06-05")


def test_weekend_is_skipped():
    assert due("2024-05-30", "working_days", 1) == D("2024-05-31")  # Thursday → Friday
    assert due("2024-05-31", "working_days", 1) == D("2024-06-03")  # Friday → Monday


def test_guoqing_and_its_make_up_sunday():
    # 2024: 10-01..10-07 off; Sunday 09-29 and Saturday 10-12 are make-up working days.
    assert due("2024-09-27", "working_days", 1) == D("2024-09-29")
    assert due("2024-09-27", "working_days", 2) == D("2024-09-30")
    assert due("2024-09-27", "working_days", 3) == D("2024-10-08")
    assert due("2024-09-28", "working_days", 1) == D("2024-09-29")  # start on a Saturday off


def test_tiaoxiu_saturday_is_counted():
    assert due("2024-10-11", "working_days", 1) == D("2024-10-12")  # Saturday, make-up working day
    assert due("2024-10-18", "working_days", 1) == D("2024-10-21")  # an ordinary Saturday is not


def test_chunjie():
    # 2024: 02-10..02-17 off; Sunday 02-04 and Sunday 02-18 are make-up working days.
    assert due("2024-02-08", "working_days", 1) == D("2024-02-09")
    assert due("2024-02-08", "working_days", 2) == D("2024-02-18")
    assert due("2024-02-08", "working_days", 3) == D("2024-02-19")


# --- calendar days and art. 203 ------------------------------------------------------------------


def test_calendar_days_ending_on_a_working_day_stay():
    assert due("2024-09-20", "days", 10) == D("2024-09-30")


def test_calendar_days_ending_on_guoqing_move_to_the_first_working_day_after():
    deadline = compute_deadline(code="x", start=D("2024-09-21"), unit="days", amount=10)
    assert deadline.due == D("2024-10-08")
    assert "2024-10-01为法定节假日或休息日" in deadline.basis and "Civil Code art. 203" in deadline.basis


def test_calendar_days_ending_on_a_saturday_move_to_monday():
    assert due("2024-06-01", "days", 14) == D("2024-06-17")
    assert due("2024-06-01", "days", 13) == D("2024-06-14")


def test_calendar_days_ending_on_a_tiaoxiu_saturday_do_not_move():
    deadline = compute_deadline(code="x", start=D("2024-10-02"), unit="days", amount=10)
    assert deadline.due == D("2024-10-12")
    assert "顺延" not in deadline.basis


def test_calendar_days_ending_in_chunjie_move_to_the_make_up_sunday():
    assert due("2024-01-31", "days", 10) == D("2024-02-18")


# --- months (art. 202) -----------------------------------------------------------------------------


def test_month_end_without_corresponding_day():
    assert add_months(D("2024-01-31"), 1) == D("2024-02-29")
    assert add_months(D("2023-01-31"), 1) == D("2023-02-28")
    assert add_months(D("2024-03-31"), 1) == D("2024-04-30")
    assert add_months(D("2024-11-30"), 3) == D("2025-02-28")
    deadline = compute_deadline(code="x", start=D("2024-01-31"), unit="months", amount=1)
    assert deadline.due == D("2024-02-29")
    assert "到期月无对应日" in deadline.basis
    assert due("2023-01-31", "months", 1) == D("2023-02-28")


def test_month_corresponding_day():
    deadline = compute_deadline(code="x", start=D("2024-03-14"), unit="months", amount=3)
    assert deadline.due == D("2024-06-14")
    assert "到期月对应日为2024-06-14" in deadline.basis


def test_month_period_ending_on_a_holiday_moves():
    assert due("2024-07-01", "months", 3) == D("2024-10-08")
    assert due("2024-03-15", "months", 3) == D("2024-06-17")  # 06-15 is a Saturday


# --- stops ------------------------------------------------------------------------------------------


def test_stop_days_from_stop_through_resume_are_not_counted():
    # 06-04 counted; 06-05 and 06-06 stopped; counting resumes 06-07: 07, 11, 12, 13, 14, 17.
    deadline = compute_deadline(
        code="x",
        start=D("2024-06-03"),
        unit="working_days",
        amount=7,
        stops=[Stop(D("2024-06-05"), D("2024-06-06"), "补正")],
    )
    assert deadline.due == D("2024-06-17")
    assert "2024-06-05至2024-06-06中止，补正" in deadline.basis
    assert "2 working days not counted" in deadline.basis


def test_stop_on_the_last_day_extends_a_stop_after_it_does_not():
    assert due("2024-06-03", "working_days", 7, stops=[Stop(D("2024-06-13"), D("2024-06-13"))]) == D(
        "2024-06-14"
    )
    assert due("2024-06-03", "working_days", 7, stops=[Stop(D("2024-06-14"), D("2024-06-20"))]) == D(
        "2024-06-13"
    )
    assert due("2024-03-01", "days", 10, stops=[Stop(D("2024-03-11"), D("2024-03-11"))]) == D("2024-03-12")
    assert due("2024-03-01", "days", 10, stops=[Stop(D("2024-03-12"), D("2024-03-20"))]) == D("2024-03-11")


def test_stop_on_the_start_day_delays_the_first_counted_day():
    assert due("2024-06-03", "working_days", 7, stops=[Stop(D("2024-06-03"), D("2024-06-05"))]) == D(
        "2024-06-17"
    )
    assert due("2024-06-03", "working_days", 7, stops=[Stop(D("2024-06-03"), D("2024-06-03"))]) == D(
        "2024-06-13"
    )


def test_calendar_day_stop_adds_the_stopped_days():
    assert due("2024-03-01", "days", 15) == D("2024-03-18")  # 03-16 is a Saturday
    assert due("2024-03-01", "days", 15, stops=[Stop(D("2024-03-05"), D("2024-03-07"))]) == D("2024-03-19")


def test_month_stop_adds_the_stopped_days_before_art_203():
    deadline = compute_deadline(
        code="decision",
        start=D("2024-03-07"),
        unit="months",
        amount=3,
        stops=[Stop(D("2024-04-01"), D("2024-04-10"))],
    )
    assert deadline.due == D("2024-06-17")  # 06-07 + 10 days
    assert "（10日）" in deadline.basis


def test_two_stops():
    stops = [Stop(D("2024-06-05"), D("2024-06-05")), Stop(D("2024-06-07"), D("2024-06-07"))]
    # counted: 04, 06, 11, 12, 13, 14, 17
    assert due("2024-06-03", "working_days", 7, stops=stops) == D("2024-06-17")


def test_open_stop_has_no_due_date():
    deadline = compute_deadline(
        code="x", start=D("2024-06-03"), unit="working_days", amount=7, stops=[Stop(D("2024-06-05"))]
    )
    assert deadline.due is None and deadline.stopped_since == D("2024-06-05")
    assert "no due date until the clock resumes" in deadline.basis
    assert not deadline.overdue_on(D("2030-01-01"))


@pytest.mark.parametrize(
    "stops",
    [
        [Stop(D("2024-06-02"), D("2024-06-04"))],  # before the start
        [Stop(D("2024-06-06"), D("2024-06-05"))],  # resumed before stopped
        [Stop(D("2024-06-05"), None), Stop(D("2024-06-07"), D("2024-06-08"))],  # open stop not last
        [Stop(D("2024-06-05"), D("2024-06-10")), Stop(D("2024-06-07"), D("2024-06-08"))],  # overlap
    ],
)
def test_bad_stops_are_refused(stops):
    with pytest.raises(DeadlineError) as exc:
        compute_deadline(code="x", start=D("2024-06-03"), unit="working_days", amount=7, stops=stops)
    assert exc.value.zh and exc.value.en


# --- extensions ---------------------------------------------------------------------------------------


def test_extension_adds_to_the_period_from_the_same_start():
    assert due("2024-03-07", "months", 3) == D("2024-06-07")
    deadline = compute_deadline(code="decision", start=D("2024-03-07"), unit="months", amount=3, extension=1)
    assert deadline.due == D("2024-07-08")  # 07-07 is a Sunday
    assert "含经批准延长的1个月" in deadline.basis
    assert due("2024-06-03", "working_days", 15, extension=15) == due("2024-06-03", "working_days", 30)


# --- years the calendar does not cover ----------------------------------------------------------------


def test_uncovered_year_falls_back_to_monday_to_friday_and_is_provisional():
    assert not workdays.calendar_covers(D("2027-01-01"))
    deadline = compute_deadline(code="x", start=D("2026-12-20"), unit="working_days", amount=10)
    assert deadline.due == D("2027-01-01")  # a Friday; its real status is not published yet
    assert deadline.due == workdays.add_working_days(D("2026-12-21"), 10)  # consistent with the product
    assert deadline.provisional
    assert "暂定：2027年" in deadline.basis and "provisional" in deadline.basis


def test_covered_year_is_not_provisional():
    deadline = compute_deadline(code="x", start=D("2026-12-01"), unit="working_days", amount=5)
    assert not deadline.provisional


def test_calendar_day_period_is_provisional_only_when_its_end_is_uncovered():
    assert not compute_deadline(code="x", start=D("2026-11-01"), unit="days", amount=30).provisional
    assert compute_deadline(code="x", start=D("2026-12-20"), unit="days", amount=30).provisional


def test_a_new_holiday_calendar_changes_the_deadline():
    holiday = D("2024-06-12")
    updated = WorkCalendar(is_working_day=lambda d: d != holiday and workdays.is_working_day(d))
    assert due("2024-06-03", "working_days", 7) == D("2024-06-13")
    assert due("2024-06-03", "working_days", 7, calendar=updated) == D("2024-06-14")


@pytest.mark.parametrize("start", ["1989-12-31", "2200-01-01"])
def test_dates_out_of_range_are_refused(start):
    with pytest.raises(DeadlineError):
        compute_deadline(code="x", start=D(start), unit="days", amount=1)


@pytest.mark.parametrize(("amount", "extension"), [(0, 0), (-1, 0), (5, -1), (100000, 0)])
def test_bad_amounts_are_refused(amount, extension):
    with pytest.raises(DeadlineError):
        compute_deadline(code="x", start=D("2024-06-03"), unit="days", amount=amount, extension=extension)


def test_long_working_day_period_crosses_years():
    assert due("2024-12-20", "working_days", 300) == workdays.add_working_days(D("2024-12-23"), 300)


def test_overdue_on():
    deadline = compute_deadline(code="x", start=D("2024-06-03"), unit="working_days", amount=7)
    assert not deadline.overdue_on(D("2024-06-13"))
    assert deadline.overdue_on(D("2024-06-14"))
