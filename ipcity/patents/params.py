"""Dated parameters of the patent registry, read from the policy package's patents.yaml."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings


class ParameterError(ValueError):
    pass


@dataclass(frozen=True)
class Dated:
    start: dt.date
    value: Any
    reference: str
    unconfirmed: bool


@dataclass(frozen=True)
class Parameters:
    pledge_thresholds: tuple[Dated, ...]
    maintained_years: tuple[Dated, ...]
    sei_symbols: tuple[Dated, ...]
    sei_matching: tuple[Dated, ...]
    patent_types: tuple[str, ...]
    awards: tuple[str, ...]
    population_basis: str
    source_path: str

    def _on(self, series: tuple[Dated, ...], date: dt.date) -> Dated:
        current = None
        for item in series:
            if item.start <= date:
                current = item
        if current is None:
            current = series[0]
        return current

    def pledge_threshold(self, date: dt.date) -> Decimal:
        return Decimal(str(self._on(self.pledge_thresholds, date).value))

    def maintenance_years(self, date: dt.date) -> int:
        return int(self._on(self.maintained_years, date).value)

    def sei_main_only(self, date: dt.date) -> bool:
        return str(self._on(self.sei_symbols, date).value) == "main"

    def sei_hierarchical(self, date: dt.date) -> bool:
        return str(self._on(self.sei_matching, date).value) == "hierarchical"


def _series(raw: Any, name: str) -> tuple[Dated, ...]:
    if not isinstance(raw, list) or not raw:
        raise ParameterError(f"{name}: a list of dated values is required")
    out = []
    for item in raw:
        if "reference" not in item or not str(item["reference"]).strip():
            raise ParameterError(f"{name}: every dated value needs a reference")
        start = item["from"]
        if isinstance(start, str):
            start = dt.date.fromisoformat(start)
        out.append(Dated(start, item["value"], str(item["reference"]), bool(item.get("unconfirmed"))))
    return tuple(sorted(out, key=lambda d: d.start))


def parse(data: dict[str, Any], source_path: str = "") -> Parameters:
    hv = data["high_value"]
    return Parameters(
        pledge_thresholds=_series(hv["pledge_amount_threshold"], "pledge_amount_threshold"),
        maintained_years=_series(hv["maintained_years"], "maintained_years"),
        sei_symbols=_series(hv["sei_symbols"], "sei_symbols"),
        sei_matching=_series(hv["sei_matching"], "sei_matching"),
        patent_types=tuple(hv.get("patent_types", ["invention"])),
        awards=tuple(hv.get("awards", [])),
        population_basis=str(data.get("kpi", {}).get("population_basis", "resident")),
        source_path=source_path,
    )


@lru_cache(maxsize=4)
def _load(path: str) -> Parameters:
    with open(path, encoding="utf-8") as fh:
        return parse(yaml.safe_load(fh), source_path=path)


def current() -> Parameters:
    """The parameters of the default policy package."""
    path = Path(settings.POLICY_ROOT) / settings.DEFAULT_POLICY / "patents.yaml"
    return _load(str(path))
