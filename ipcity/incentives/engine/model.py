"""Schemes, trace steps and results."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .facts import COMMON_FACTS, FactSpec
from .parameters import Parameter

CAP_KINDS = ("per_item", "per_application", "annual_cap", "quota")


@dataclass(frozen=True)
class TraceStep:
    step: str
    clause: str
    formula_zh: str
    formula_en: str
    value: str

    def to_dict(self) -> dict[str, str]:
        return {
            "step": self.step,
            "clause": self.clause,
            "formula": self.formula_zh,
            "formula_zh": self.formula_zh,
            "formula_en": self.formula_en,
            "value": self.value,
        }


@dataclass(frozen=True)
class Condition:
    """An eligibility condition on one fact; failing it adds ``reason``."""

    fact: str
    reason: str
    clause: str
    zh: str  # what the condition requires, in plain words
    en: str
    equals: Any = None  # bool or choice value
    one_of: tuple[str, ...] = ()
    minimum: int | None = None

    def holds(self, value: Any) -> bool:
        if self.one_of:
            return value in self.one_of
        if self.minimum is not None:
            return value is not None and value >= self.minimum
        return bool(value == self.equals)


@dataclass(frozen=True)
class AmountRule:
    """How the amount before caps is computed, and which per-application cap applies."""

    kind: str  # capped_request | per_item | share | custom
    clause: str
    base_fact: str = "requested_amount"
    rate: str | None = None  # parameter name (share)
    cap: str | None = None  # parameter name: cap per application (or per item for per_item)
    cap_by_fact: str | None = None  # choose the cap parameter by this choice fact
    cap_by: dict[str, str] = field(default_factory=dict)  # choice value -> parameter name
    compute: Callable[..., Decimal] | None = None  # custom rule function from schemes/<id>.py


@dataclass(frozen=True)
class Scheme:
    id: str
    title_zh: str
    title_en: str
    clause: str
    clauses: dict[str, str]  # clause reference -> its text (main text and annex)
    summary_zh: str
    summary_en: str
    who_zh: str
    who_en: str
    how_much_zh: str
    how_much_en: str
    subject: dict[str, str]
    in_force_from: dt.date
    in_force_until: dt.date
    facts: list[FactSpec]  # scheme facts followed by the common facts
    conditions: tuple[Condition, ...]
    rule: AmountRule
    parameters: dict[str, Parameter]
    annual_cap_parameter: str | None = None
    yearly_quota_parameter: str | None = None
    # Awards one entity may receive under the scheme in a budget year (the platform enforces it at
    # approval, under the entity ledger's row lock: ipcity/grants/services.py).
    per_entity_per_year_parameter: str | None = None
    decisions: tuple[dict[str, str], ...] = ()  # main text vs annex, with both clauses cited
    source: str = ""

    @property
    def annual_cap_per_entity(self) -> bool:
        return self.annual_cap_parameter is not None

    @property
    def yearly_quota(self) -> bool:
        return self.yearly_quota_parameter is not None

    @property
    def per_item(self) -> bool:
        return self.rule.kind == "per_item"

    @property
    def fact_specs(self) -> tuple[FactSpec, ...]:
        return tuple(self.facts)

    @property
    def own_facts(self) -> list[FactSpec]:
        common = {f.name for f in COMMON_FACTS}
        return [f for f in self.facts if f.name not in common]

    def reference_date(self, today: dt.date) -> dt.date:
        """The date to show "current" values for: today, clamped to the period the scheme is in force."""
        return min(max(today, self.in_force_from), self.in_force_until)

    def parameter_values(self, on: dt.date) -> dict[str, Decimal | None]:
        return {name: p.value_at(on) for name, p in self.parameters.items()}

    def to_dict(self, on: dt.date | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            "clause": self.clause,
            "clauses": [{"clause": k, "text_zh": v} for k, v in self.clauses.items()],
            "summary_zh": self.summary_zh,
            "summary_en": self.summary_en,
            "who_zh": self.who_zh,
            "who_en": self.who_en,
            "how_much_zh": self.how_much_zh,
            "how_much_en": self.how_much_en,
            "in_force": {"from": self.in_force_from.isoformat(), "until": self.in_force_until.isoformat()},
            "subject": self.subject,
            "per_item": self.per_item,
            "annual_cap_per_entity": self.annual_cap_per_entity,
            "yearly_quota": self.yearly_quota,
            "facts": [f.to_dict() for f in self.facts],
            "conditions": [
                {"fact": c.fact, "reason": c.reason, "clause": c.clause, "text_zh": c.zh, "text_en": c.en}
                for c in self.conditions
            ],
            "parameters": [p.to_dict() for p in self.parameters.values()],
            "decisions": list(self.decisions),
        }
        if on is not None:
            data["parameters_on"] = {
                "date": on.isoformat(),
                "values": {
                    n: (p.text(v) if (v := p.value_at(on)) is not None else None)
                    for n, p in self.parameters.items()
                },
            }
        return data


REASON_TEXT: dict[str, tuple[str, str]] = {
    "scheme_not_in_force": (
        "该日期不在本项目实施期内",
        "the date is outside the period the scheme is in force",
    ),
    "credit_punishment": ("申请人处于失信惩戒期", "the applicant is under credit punishment"),
    "quota_exhausted": ("本年度名额已用完", "this year's quota of awards is used up"),
    "annual_cap_reached": ("本年度该主体已达年度总额上限", "this entity has reached its annual cap"),
    "parameter_not_set": (
        "方案未规定具体金额或比例，待市知识产权主管部门设定参数",
        "the plan leaves this amount open; the plan office has not set the parameter yet",
    ),
}


@dataclass
class Result:
    scheme: str
    date: dt.date
    eligible: bool
    amount: Decimal
    reasons: list[str]
    trace: list[TraceStep]
    parameters: dict[str, Decimal | None]
    binding_cap: str | None = None
    reason_texts: dict[str, tuple[str, str]] = field(default_factory=dict)
    parameter_units: dict[str, str] = field(default_factory=dict)

    def _param_text(self, name: str, value: Decimal | None) -> str | None:
        if value is None:
            return None
        unit = self.parameter_units.get(name, "CNY")
        if unit == "CNY":
            return format(value.quantize(Decimal("0.01")), "f")
        if unit == "count":
            return str(int(value))
        return format(value, "f")

    def to_dict(self) -> dict[str, Any]:
        return {
            "scheme": self.scheme,
            "date": self.date.isoformat(),
            "eligible": self.eligible,
            "amount": format(self.amount, "f"),
            "currency": "CNY",
            "reasons": list(self.reasons),
            "reason_messages": [
                {
                    "code": code,
                    "message_zh": self.reason_texts.get(code, REASON_TEXT.get(code, (code, code)))[0],
                    "message_en": self.reason_texts.get(code, REASON_TEXT.get(code, (code, code)))[1],
                }
                for code in self.reasons
            ],
            "binding_cap": self.binding_cap,
            "trace": [s.to_dict() for s in self.trace],
            "parameters": {n: self._param_text(n, v) for n, v in self.parameters.items()},
        }


_NUMERALS = {c: i for i, c in enumerate("〇一二三四五六七八九", start=0)}


def clause_key(clause: str) -> tuple[int, ...]:
    """Sort key for clause references like "二(五)4" or "附件 三(三)2": main text first, in plan order."""
    annex = clause.strip().startswith("附件")
    numbers: list[int] = []
    current = ""
    for char in clause.replace("附件", ""):
        if char in _NUMERALS:
            numbers.append(_NUMERALS[char])
        elif char.isdigit():
            current += char
            continue
        if current:
            numbers.append(int(current))
            current = ""
        if char == "/":
            break
    if current:
        numbers.append(int(current))
    if annex and numbers:  # annex section N restates programme (N) of 二、主要任务: sort after its items
        return (2, numbers[0], 99, *numbers[1:])
    return tuple(numbers)
