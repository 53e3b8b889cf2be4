"""Evaluation: facts + dated parameters -> amount, with every step traced to its clause.

Order: in force? -> credit -> scheme conditions -> yearly quota -> annual cap already reached ->
amount before caps (rule function) -> per-item / per-application cap -> remaining annual cap ->
one rounding, half up, to the fen.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from .model import REASON_TEXT, Result, Scheme, TraceStep
from .money import FEN, ZERO, fmt, round_fen
from .parameters import Parameter

PLAN_CLAUSE = "烟政办字〔2022〕19号"


class ParameterNotSet(Exception):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def m(value: Decimal) -> str:
    """Money in a formula: yuan with 2 places (unrounded intermediates keep their digits)."""
    rounded = value.quantize(FEN)
    if value == rounded:
        return format(rounded, "f")
    return format(value.normalize(), "f")


class Context:
    """What a rule function sees: facts, parameters (on the date) and a trace to write to."""

    def __init__(
        self,
        scheme: Scheme,
        on: dt.date,
        facts: dict[str, Any],
        parameters: dict[str, Parameter],
        with_trace: bool,
    ) -> None:
        self.scheme = scheme
        self.on = on
        self.facts = facts
        self.parameters = parameters
        self.with_trace = with_trace
        self.trace: list[TraceStep] = []
        self.values = {n: p.value_at(on) for n, p in parameters.items()}

    def fact(self, name: str) -> Any:
        return self.facts.get(name)

    def param(self, name: str) -> Decimal:
        value = self.values.get(name)
        if value is None:
            raise ParameterNotSet(name)
        return value

    @staticmethod
    def money(value: Decimal) -> str:
        return m(value)

    @staticmethod
    def num(value: Decimal | int) -> str:
        if isinstance(value, int):
            return str(value)
        return (
            fmt(value.normalize()) if value == value.to_integral_value() else format(value.normalize(), "f")
        )

    def reference(self, name: str) -> str:
        return self.parameters[name].reference

    def step(self, step: str, clause: str, zh: str, en: str, value: object) -> None:
        if self.with_trace:
            if isinstance(value, bool):
                text = "true" if value else "false"
            else:
                text = m(value) if isinstance(value, Decimal) else str(value)
            self.trace.append(TraceStep(step, clause, zh, en, text))


def _pct(rate: Decimal) -> str:
    return fmt((rate * 100).normalize()) + "%"


def base_amount(ctx: Context) -> tuple[Decimal, str | None]:
    """The amount after per-item/per-application caps, and which of those caps bound."""
    rule = ctx.scheme.rule
    binding: str | None = None
    if rule.kind == "per_item":
        assert rule.cap is not None
        cap = ctx.param(rule.cap)
        total = ZERO
        for index, item in enumerate(ctx.fact("items")):
            requested = item["requested_amount"]
            paid = min(requested, cap)
            if requested > cap:
                binding = "per_item"
            total += paid
            if ctx.with_trace:
                ctx.step(
                    f"item_{index + 1}",
                    ctx.reference(rule.cap),
                    f"第{index + 1}件：min(申请 {m(requested)}, 每件上限 {m(cap)}) = {m(paid)}"
                    + ("（上限生效）" if requested > cap else ""),
                    f"item {index + 1}: min(requested {m(requested)}, cap per item {m(cap)}) = {m(paid)}"
                    + (" (cap binds)" if requested > cap else ""),
                    paid,
                )
        if ctx.with_trace:
            ctx.step(
                "items_total",
                rule.clause,
                f"各件合计 = {m(total)}",
                f"sum over {len(ctx.fact('items'))} items = {m(total)}",
                total,
            )
        return total, binding

    if rule.kind == "capped_request":
        amount = ctx.fact(rule.base_fact)
        if ctx.with_trace:
            ctx.step(
                "requested",
                rule.clause,
                f"申请金额 = {m(amount)}",
                f"requested amount = {m(amount)}",
                amount,
            )
    elif rule.kind == "share":
        assert rule.rate is not None
        base = ctx.fact(rule.base_fact)
        rate = ctx.param(rule.rate)
        amount = base * rate
        if ctx.with_trace:
            ctx.step(
                "share",
                ctx.reference(rule.rate),
                f"{m(base)} × {_pct(rate)} = {m(amount)}",
                f"{rule.base_fact} {m(base)} × {_pct(rate)} = {m(amount)}",
                amount,
            )
    elif rule.kind == "custom":
        assert rule.compute is not None
        amount = rule.compute(ctx)
    else:  # pragma: no cover - the loader refuses unknown kinds
        raise ValueError(rule.kind)

    cap_name = rule.cap
    if rule.cap_by_fact:
        cap_name = rule.cap_by.get(ctx.fact(rule.cap_by_fact))
    if cap_name:
        cap = ctx.param(cap_name)
        capped = min(amount, cap)
        if amount > cap:
            binding = "per_application"
        if ctx.with_trace:
            ctx.step(
                "cap_per_application",
                ctx.reference(cap_name),
                f"min({m(amount)}, 上限 {m(cap)}) = {m(capped)}" + ("（上限生效）" if amount > cap else ""),
                f"min({m(amount)}, cap {m(cap)}) = {m(capped)}" + (" (cap binds)" if amount > cap else ""),
                capped,
            )
        amount = capped
    return amount, binding


def evaluate(
    scheme: Scheme,
    on: dt.date,
    facts: dict[str, Any],
    parameters: dict[str, Parameter],
    *,
    with_trace: bool = True,
) -> Result:
    ctx = Context(scheme, on, facts, parameters, with_trace)
    reasons: list[str] = []
    texts: dict[str, tuple[str, str]] = {}
    binding: str | None = None

    # 1. In force on the date?
    in_force = scheme.in_force_from <= on <= scheme.in_force_until
    if ctx.with_trace:
        ctx.step(
            "in_force",
            PLAN_CLAUSE,
            f"实施期 {scheme.in_force_from} 至 {scheme.in_force_until}，日期 {on}：{'在期内' if in_force else '不在期内'}",
            f"in force {scheme.in_force_from} to {scheme.in_force_until}, date {on}: "
            f"{'inside' if in_force else 'outside'}",
            in_force,
        )
    if not in_force:
        reasons.append("scheme_not_in_force")

    # 2. Credit punishment.
    if facts.get("credit_blocked"):
        reasons.append("credit_punishment")
        if ctx.with_trace:
            ctx.step(
                "credit",
                "二(一)3",
                "申请人处于失信惩戒期：不予奖励",
                "applicant is under credit punishment: not eligible",
                False,
            )

    # 3. The scheme's own conditions.
    for cond in scheme.conditions:
        value = facts.get(cond.fact)
        ok = cond.holds(value)
        shown = "是" if value is True else "否" if value is False else value
        if ctx.with_trace:
            ctx.step(
                f"condition:{cond.fact}",
                cond.clause,
                f"{cond.zh}：{cond.fact} = {shown} → {'满足' if ok else '不满足'}",
                f"{cond.en}: {cond.fact} = {str(value).lower() if isinstance(value, bool) else value}"
                f" → {'met' if ok else 'not met'}",
                ok,
            )
        if not ok and cond.reason not in reasons:
            reasons.append(cond.reason)
            texts[cond.reason] = (f"不满足条件：{cond.zh}", f"condition not met: {cond.en}")

    # 4. Yearly quota (awards_this_year).
    if scheme.yearly_quota_parameter:
        quota = ctx.values.get(scheme.yearly_quota_parameter)
        awards = facts.get("awards_this_year") or 0
        if quota is not None:
            left = int(quota) - awards
            if ctx.with_trace:
                ctx.step(
                    "quota",
                    ctx.reference(scheme.yearly_quota_parameter),
                    f"年度名额 {int(quota)} − 本年已奖励 {awards} = 剩余 {max(left, 0)}",
                    f"yearly quota {int(quota)} − awards this year {awards} = {max(left, 0)} left",
                    max(left, 0),
                )
            if left <= 0:
                reasons.append("quota_exhausted")
                binding = "quota"

    # 5. Annual cap per entity already reached (granted_this_year)?
    annual_cap: Decimal | None = None
    granted: Decimal = facts.get("granted_this_year") or ZERO
    if scheme.annual_cap_parameter:
        annual_cap = ctx.values.get(scheme.annual_cap_parameter)
        if annual_cap is not None and granted >= annual_cap:
            reasons.append("annual_cap_reached")
            binding = "annual_cap"
            if ctx.with_trace:
                ctx.step(
                    "annual_cap",
                    ctx.reference(scheme.annual_cap_parameter),
                    f"本年已获 {m(granted)} ≥ 年度上限 {m(annual_cap)}：已达上限",
                    f"granted this year {m(granted)} ≥ annual cap {m(annual_cap)}: cap reached",
                    ZERO,
                )

    if reasons:
        return _result(scheme, on, ctx, False, ZERO, reasons, texts, binding)

    # 6. Amount before caps, then per-item / per-application caps.
    try:
        amount, binding = base_amount(ctx)
    except ParameterNotSet as missing:
        param = parameters[missing.name]
        if ctx.with_trace:
            ctx.step(
                "parameter_not_set",
                param.reference,
                f"参数“{param.label_zh or param.name}”（{param.name}）方案未定具体数额，待市知识产权主管部门设定",
                f"parameter '{param.label_en or param.name}' ({param.name}) is left open by the plan "
                "and not set yet",
                "—",
            )
        texts["parameter_not_set"] = (
            f"参数 {param.name} 未设定（{param.reference}）",
            f"parameter {param.name} is not set ({param.reference})",
        )
        return _result(scheme, on, ctx, False, ZERO, ["parameter_not_set"], texts, None)

    # 7. What is left of the entity's annual cap.
    if annual_cap is not None and scheme.annual_cap_parameter:
        remaining = annual_cap - granted
        capped = min(amount, remaining)
        binds = amount > remaining
        if ctx.with_trace:
            ctx.step(
                "annual_cap",
                ctx.reference(scheme.annual_cap_parameter),
                f"min({m(amount)}, 年度上限 {m(annual_cap)} − 本年已获 {m(granted)}) = {m(capped)}"
                + ("（年度上限生效）" if binds else ""),
                f"min({m(amount)}, annual cap {m(annual_cap)} − granted this year {m(granted)}) = {m(capped)}"
                + (" (annual cap binds)" if binds else ""),
                capped,
            )
        if binds:
            binding = "annual_cap"
        amount = capped

    # 8. The one rounding.
    final = round_fen(amount)
    if ctx.with_trace:
        ctx.step(
            "round",
            PLAN_CLAUSE,
            f"四舍五入到分：{m(amount)} → {m(final)}",
            f"round half up to the fen: {m(amount)} → {m(final)}",
            final,
        )
    return _result(scheme, on, ctx, True, final, [], texts, binding)


def _result(
    scheme: Scheme,
    on: dt.date,
    ctx: Context,
    eligible: bool,
    amount: Decimal,
    reasons: list[str],
    texts: dict[str, tuple[str, str]],
    binding: str | None,
) -> Result:
    for code in reasons:
        texts.setdefault(code, REASON_TEXT.get(code, (code, code)))
    return Result(
        scheme=scheme.id,
        date=on,
        eligible=eligible,
        amount=round_fen(amount),
        reasons=reasons,
        trace=ctx.trace,
        parameters=dict(ctx.values),
        binding_cap=binding,
        reason_texts=texts,
        parameter_units={n: p.unit for n, p in ctx.parameters.items()},
    )
