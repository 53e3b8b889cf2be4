"""Fixtures of the patent registry's tests: a small SEI concordance, districts, and a row builder."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest

from ipcity.core.identifiers.patent_number import make


@pytest.fixture(scope="session")
def sei_snapshot() -> Any:
    """`manage.py load_sei` (the whole concordance, 34,607 mappings), run once per database state per test
    session; `sei_snapshot.apply()` writes its rows back and returns what the command printed."""
    from django.core.management import call_command

    from ipcity.core.testing import DataSnapshot

    def load() -> str:
        out = io.StringIO()
        call_command("load_sei", stdout=out)
        return out.getvalue()

    return DataSnapshot(load)


@pytest.fixture
def sei(db: Any) -> None:
    """A few real rules and mappings (the whole concordance is loaded in test_classification)."""
    from ipcity.patents.models import SeiIpc, SeiRule

    SeiRule.objects.bulk_create(
        [
            SeiRule(id=13, code="1.2", name="电子核心产业"),
            SeiRule(id=17, code="1.5", name="人工智能"),
            SeiRule(id=193, code="4.2", name="生物医学工程产业"),
        ]
    )
    SeiIpc.objects.bulk_create(
        [
            SeiIpc(ipc_code="G06N3/08", rule_id=17),
            SeiIpc(ipc_code="A61B", rule_id=193),
            SeiIpc(ipc_code="H01L", rule_id=13, source="supplement"),
        ]
    )


@pytest.fixture
def districts(plan: Any) -> dict[str, Any]:
    from ipcity.orgs.models import District

    return {d.name: d for d in District.objects.all()}


def row(**overrides: Any) -> dict[str, str]:
    """A canonical import row for a valid invention patent with no criterion met (on 2024-12-31)."""
    base = {
        "application_number": make(2020, "1", 1234),
        "type": "invention",
        "title": "一种测试装置",
        "filing_date": "2020-03-01",
        "grant_date": "2022-05-10",
        "ipc_main": "B65D5/02",
        "ipc": "",
        "holders": "烟台测试有限公司",
        "district": "芝罘区",
        "legal_status": "valid",
        "overseas_family_granted": "false",
        "pledge_amount": "",
        "award": "",
    }
    base.update({k: str(v) for k, v in overrides.items()})
    return base


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    import csv

    headers: list[str] = []
    for r in rows:
        headers += [k for k in r if k not in headers]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=headers)
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def import_rows(tmp_path: Path, districts: Any, sei: Any) -> Any:
    """import_rows([row, ...]) → ImportResult, through the real service (CSV file)."""
    from ipcity.patents.services import patent_file_import

    counter = {"n": 0}

    def run(rows: list[dict[str, str]], name: str | None = None) -> Any:
        counter["n"] += 1
        path = write_csv(tmp_path / (name or f"file{counter['n']}.csv"), rows)
        return patent_file_import(actor="test", path=path, mapping="auto")

    return run


D = dt.date
