"""The order in which the demo parts load. Each part is a module with `load(*, stdout, options)`: it writes
only through services, is idempotent (a second run adds nothing) and marks what it makes as 演示 / demo."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from . import accounts, grants, orgs, patents, plan, reports

# Later parts use what earlier parts made: entities before the applicant accounts, accounts before the
# progress reports and the grants call, the plan's indicators before the patent KPIs feed them.
PARTS: tuple[ModuleType, ...] = (orgs, accounts, plan, reports, grants, patents)


def load(*, stdout: Any, options: dict[str, Any]) -> None:
    for part in PARTS:
        part.load(stdout=stdout, options=options)
