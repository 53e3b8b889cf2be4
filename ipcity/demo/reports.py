"""Demo progress reports in every workflow state (marked 【演示】), after the plan and the demo accounts.

The report demo itself still lives in ipcity/plan/report_demo.py while reporting moves to its own app
(issue 9, item 1); it writes through the report services. Once `ipcity.reporting` exists, its content moves
here."""

from __future__ import annotations

from typing import Any

from ipcity.plan import report_demo


def load(*, stdout: Any, options: dict[str, Any]) -> None:
    report_demo.load(stdout=stdout, options=options)
