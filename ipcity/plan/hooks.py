"""Where apps built on the plan plug into it, so that the plan imports none of them (ADR 0025; the
import-linter contract "ipcity.plan imports no app built on it" in pyproject.toml).

- `register_public_reports(fn)`: the published progress of a task, shown on the task's public page and
  in GET /api/plan/tasks/{code} (ipcity.reporting registers it in its AppConfig.ready). Without a
  provider a task has no published progress.
- `plan_loaded`: sent by `load_policy` after a plan was loaded, with `plan=`; a receiver returns what it
  made for the plan (reporting: the new reporting periods), which the command reports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.dispatch import Signal

plan_loaded = Signal()

PublicReports = Callable[..., Iterable[Any]]
_public_reports: list[PublicReports] = []


def register_public_reports(fn: PublicReports) -> PublicReports:
    """Register the function `fn(*, user, task)` that gives a task's published progress reports."""
    if fn not in _public_reports:
        _public_reports.append(fn)
    return fn


def public_reports(*, user: Any, task: Any) -> list[Any]:
    """A task's published progress reports from every registered provider (none: an empty list)."""
    return [report for fn in _public_reports for report in fn(user=user, task=task)]
