"""Dated parameters: every value has a validity period, a unit and the clause that fixes it.

A value of ``None`` means the plan leaves the amount open ("给予一定奖励", "适当上浮"): the parameter
exists, and any computation that needs it answers ``parameter_not_set`` until the plan office sets it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal

from .money import fmt

UNITS = {"CNY", "rate", "count"}


@dataclass(frozen=True)
class DatedValue:
    start: dt.date
    end: dt.date | None  # inclusive; None = open-ended
    value: Decimal | None
    note: str = ""

    def covers(self, on: dt.date) -> bool:
        return self.start <= on and (self.end is None or on <= self.end)


@dataclass(frozen=True)
class Parameter:
    name: str
    unit: str
    reference: str  # the clause that fixes (or leaves open) this value, e.g. "二(五)4"
    label_zh: str = ""
    label_en: str = ""
    values: tuple[DatedValue, ...] = ()
    decision_zh: str = ""  # where the main text and the annex differ: what was decided and why
    decision_en: str = ""
    minimum: Decimal | None = None  # bounds a value (and any what-if override) must respect
    maximum: Decimal | None = None

    def check(self, value: Decimal | None) -> tuple[str, str] | None:
        """None if ``value`` is acceptable, else a (zh, en) message."""
        if value is None:
            return None
        if value < 0:
            return "不能为负数", "must not be negative"
        if value >= Decimal("1e13"):
            return "超出范围", "is out of range"
        if self.minimum is not None and value < self.minimum:
            return f"不能小于 {self.minimum}", f"must be at least {self.minimum}"
        top = self.maximum if self.maximum is not None else (Decimal("1") if self.unit == "rate" else None)
        if top is not None and value > top:
            return f"不能大于 {top}", f"must be at most {top}"
        if self.unit == "CNY" and value != value.quantize(Decimal("0.01")):
            return "金额最多两位小数", "money has at most 2 decimal places"
        if self.unit == "count" and value != value.to_integral_value():
            return "须为整数", "must be a whole number"
        return None

    def value_at(self, on: dt.date) -> Decimal | None:
        """The value in force on a date; the last listed period wins where periods overlap (overrides)."""
        for dated in reversed(self.values):
            if dated.covers(on):
                return dated.value
        return None

    def overridden(self, value: Decimal | None, start: dt.date | None, end: dt.date | None) -> Parameter:
        """A copy where ``value`` applies from ``start`` to ``end`` (both inclusive, None = unbounded)."""
        dated = DatedValue(start or dt.date.min, end, value, note="override")
        return replace(self, values=(*self.values, dated))

    def text(self, value: Decimal | None) -> str:
        if value is None:
            return "—"
        if self.unit == "CNY":
            return format(value.quantize(Decimal("0.01")), "f")
        if self.unit == "count":
            return str(int(value))
        return fmt(value)

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "unit": self.unit,
            "reference": self.reference,
            "label_zh": self.label_zh,
            "label_en": self.label_en,
            "decision_zh": self.decision_zh,
            "decision_en": self.decision_en,
            "values": [
                {
                    "from": v.start.isoformat(),
                    "until": v.end.isoformat() if v.end else None,
                    "value": self.text(v.value) if v.value is not None else None,
                }
                for v in self.values
            ],
        }


@dataclass(frozen=True)
class Override:
    """A what-if change ("reform"): this parameter of this scheme takes ``value`` in [start, end]."""

    scheme: str
    parameter: str
    value: Decimal | None
    start: dt.date | None = None
    end: dt.date | None = None
    label: str = field(default="", compare=False)
