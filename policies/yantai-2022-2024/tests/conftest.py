"""Collects the declarative scheme tests (``*.yaml`` in this folder) as pytest items, OpenFisca style.

Each file is a list of cases::

    - name: normal case
      scheme: madrid_trademark
      date: 2023-06-30
      facts: {items: [{requested_amount: "25000"}]}
      eligible: true
      amount: "20000.00"
      reasons: []
      binding_cap: per_item        # optional
      overrides: {cap_per_item: "30000"}   # optional
      error_fields: [facts.items]  # optional: the request must be refused (422) on these fields

The engine is pure Python, so these tests need no database.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
import yaml

SCHEMES = Path(__file__).resolve().parent.parent / "schemes"


@lru_cache(maxsize=1)
def catalogue() -> Any:
    from ipcity.incentives.engine import Catalogue

    return Catalogue.from_directory(SCHEMES)


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix == ".yaml" and file_path.parent == Path(__file__).resolve().parent:
        return SchemeTestFile.from_parent(parent, path=file_path)
    return None


class SchemeTestFile(pytest.File):
    def collect(self) -> Any:
        cases = yaml.safe_load(self.path.read_text(encoding="utf-8")) or []
        for index, case in enumerate(cases):
            yield SchemeTestItem.from_parent(self, name=case.get("name") or f"case {index + 1}", case=case)


class SchemeTestItem(pytest.Item):
    def __init__(self, *, case: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        from ipcity.incentives.engine import FactError

        case = self.case
        date = case["date"]
        date = date.isoformat() if hasattr(date, "isoformat") else str(date)
        if "error_fields" in case:
            with pytest.raises(FactError) as raised:
                catalogue().calculate(case["scheme"], date, case.get("facts", {}), case.get("overrides"))
            fields = {e["field"] for e in raised.value.errors}
            missing = set(case["error_fields"]) - fields
            if missing:
                raise CaseFailure(f"expected errors on {sorted(missing)}, got {sorted(fields)}")
            return
        result = catalogue().calculate(case["scheme"], date, case.get("facts", {}), case.get("overrides"))
        problems = []
        if "eligible" in case and result.eligible != case["eligible"]:
            problems.append(f"eligible: expected {case['eligible']}, got {result.eligible}")
        if "amount" in case and format(result.amount, "f") != str(case["amount"]):
            problems.append(f"amount: expected {case['amount']}, got {result.amount}")
        if "reasons" in case and sorted(result.reasons) != sorted(case["reasons"] or []):
            problems.append(f"reasons: expected {case['reasons']}, got {result.reasons}")
        if "binding_cap" in case and result.binding_cap != case["binding_cap"]:
            problems.append(f"binding_cap: expected {case['binding_cap']}, got {result.binding_cap}")
        if problems:
            trace = "\n".join(f"  [{s.clause}] {s.formula_en}" for s in result.trace)
            raise CaseFailure("\n".join(problems) + "\ntrace:\n" + trace)

    def repr_failure(self, excinfo: Any, style: Any = None) -> str:
        if isinstance(excinfo.value, CaseFailure):
            return f"{self.path.name} :: {self.name}\n{excinfo.value}"
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"{self.case.get('scheme')}: {self.name}"


class CaseFailure(Exception):
    pass
