"""Recompute the deadlines of 100,000 open cases after a holiday-calendar update.

    python bench/deadlines.py [--cases 100000]

Pure Python, no database: every case's event history is replayed through its procedure
(ipcity.protection.procedures.replay) against a fresh working-day table, as a job would after the
`chinesecalendar` package is upgraded. Mixed procedures; some cases have a stop/resume or an extension.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ipcity.core import workdays  # noqa: E402
from ipcity.protection.deadlines import WorkCalendar, compute_deadline  # noqa: E402
from ipcity.protection.procedures import load_procedures, replay  # noqa: E402


def histories(count: int, seed: int = 7) -> list[tuple[str, list[tuple[str, dt.date]]]]:
    rng = random.Random(seed)
    out: list[tuple[str, list[tuple[str, dt.date]]]] = []
    first = dt.date(2023, 1, 2)
    for _ in range(count):
        day = first + dt.timedelta(days=rng.randrange(0, 730))

        def later(d: dt.date, most: int = 6) -> dt.date:
            return d + dt.timedelta(days=rng.randrange(0, most))

        kind = rng.randrange(4)
        if kind == 0:
            h = [("received", day)]
            if rng.random() < 0.7:
                h.append(("accepted", later(day)))
                if rng.random() < 0.3:
                    s = later(h[-1][1], 20)
                    h += [("appraisal_requested", s), ("appraisal_completed", later(s, 15))]
            out.append(("complaint", h))
        elif kind == 1:
            h = [("received", day)]
            if rng.random() < 0.3:
                h.append(("verification_extended", later(day, 10)))
            out.append(("report", h))
        elif kind == 2:
            filed = later(day, 4)
            h = [("request_received", day), ("filed", filed), ("served", later(filed, 5))]
            if rng.random() < 0.3:
                s = later(h[-1][1], 30)
                h += [("suspended", s), ("resumed", later(s, 40))]
            if rng.random() < 0.2:
                h.append(("decision_extended", later(h[-1][1], 10)))
            out.append(("patent_adjudication", h))
        else:
            started = later(day)
            out.append(
                (
                    "mediation",
                    [
                        ("requested", day),
                        ("mediation_started", started),
                        ("agreement_effective", later(started, 20)),
                    ],
                )
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    args = parser.parse_args()
    procedures = load_procedures(ROOT / "policies" / "yantai-2022-2024" / "procedures")
    cases = histories(args.cases)

    started = time.perf_counter()
    calendar = WorkCalendar()  # a fresh table: the holiday data as now installed
    calendar.nth_working_day_after(dt.date(2023, 1, 1), 1)
    calendar.working_days_between(dt.date(2022, 12, 31), dt.date(2026, 12, 31))
    build = time.perf_counter() - started

    started = time.perf_counter()
    deadlines = 0
    for code, history in cases:
        deadlines += len(replay(procedures[code], history, calendar=calendar).deadlines)
    full = time.perf_counter() - started

    starts = [h[0][1] for _, h in cases]
    started = time.perf_counter()
    for day in starts:
        compute_deadline(code="x", start=day, unit="working_days", amount=7, calendar=calendar)
    single = time.perf_counter() - started

    started = time.perf_counter()
    for day in starts:
        workdays.add_working_days(day + dt.timedelta(days=1), 7)
    naive = time.perf_counter() - started

    print(f"working-day table for 2022-2026 built in {build * 1000:.1f} ms")
    print(
        f"{args.cases} cases replayed (events checked, {deadlines} deadlines with bilingual basis): "
        f"{full:.2f} s ({args.cases / full:,.0f} cases/s)"
    )
    print(f"{args.cases} single 7-working-day deadlines (compute_deadline): {single:.2f} s")
    print(f"{args.cases} day-by-day counts (ipcity.core.workdays.add_working_days, no basis): {naive:.2f} s")


if __name__ == "__main__":
    main()
