"""Property-based: over random facts, no scheme pays more than its caps, pays a negative amount, or pays
when ineligible; and binding_cap is reported exactly when a cap cut the amount."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipcity.incentives.engine import Catalogue, FactSpec, Override, round_fen

SCHEMES = Path(__file__).resolve().parents[3] / "policies" / "yantai-2022-2024" / "schemes"
CAT = Catalogue.from_directory(SCHEMES)

money = st.decimals(
    min_value=0, max_value=Decimal("50000000"), places=2, allow_nan=False, allow_infinity=False
)
rate = st.decimals(min_value=0, max_value=Decimal("0.2"), places=4, allow_nan=False, allow_infinity=False)


def fact_strategy(spec: FactSpec) -> st.SearchStrategy[Any]:
    if spec.type == "money":
        return money.map(str)
    if spec.type == "rate":
        return rate.map(str)
    if spec.type == "int":
        return st.integers(min_value=0, max_value=3000 if spec.name == "days" else 30)
    if spec.type == "bool":
        return st.booleans()
    if spec.type == "date":
        return st.dates().map(dt.date.isoformat)
    if spec.type == "choice":
        return st.sampled_from(spec.choices)
    if spec.type == "items":
        item = st.fixed_dictionaries({f.name: fact_strategy(f) for f in spec.item_facts})
        return st.lists(item, min_size=1, max_size=5)
    raise AssertionError(spec.type)


@st.composite
def applications(draw: st.DrawFn) -> tuple[str, dt.date, dict[str, Any], list[Override]]:
    scheme = CAT.schemes[draw(st.sampled_from(sorted(CAT.schemes)))]
    facts = {}
    for spec in scheme.facts:
        if spec.required or draw(st.booleans()):
            facts[spec.name] = draw(fact_strategy(spec))
    on = draw(st.dates(min_value=dt.date(2022, 1, 1), max_value=dt.date(2025, 6, 30)))
    overrides = []
    if draw(st.booleans()):  # sometimes set the open parameters or change the fixed ones
        for name, param in scheme.parameters.items():
            if draw(st.booleans()):
                top = {"rate": Decimal("1"), "count": Decimal("40")}.get(param.unit, Decimal("3000000"))
                low = param.minimum if param.minimum is not None else Decimal("0")
                high = param.maximum if param.maximum is not None else top
                places = 2 if param.unit != "count" else 0
                value = draw(st.decimals(min_value=low, max_value=high, places=places, allow_nan=False))
                overrides.append(Override(scheme.id, name, value))
    return scheme.id, on, facts, overrides


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(applications())
def test_never_above_caps_never_negative_never_when_ineligible(app: tuple) -> None:
    scheme_id, on, facts, overrides = app
    scheme = CAT.schemes[scheme_id]
    result = CAT.calculate(scheme_id, on, facts, overrides)
    params: dict[str, Any] = dict(result.parameters)
    assert result.amount >= 0
    assert result.amount == result.amount.quantize(Decimal("0.01"))
    if not result.eligible:
        assert result.amount == 0
        assert result.reasons
        return
    assert not result.reasons
    rule = scheme.rule
    # per-item / per-application caps
    if rule.kind == "per_item":
        assert rule.cap is not None
        cap = params[rule.cap]
        assert result.amount <= cap * len(facts["items"])
        for item in facts["items"]:
            assert Decimal(item["requested_amount"]) >= 0
    else:
        cap_name = rule.cap_by.get(facts.get(rule.cap_by_fact)) if rule.cap_by_fact else rule.cap
        if cap_name:
            assert result.amount <= params[cap_name]
    if rule.kind == "capped_request":
        requested = Decimal(facts[rule.base_fact])
        assert result.amount <= requested
        # binding_cap is reported exactly when a cap cut the amount
        assert (result.binding_cap is None) == (result.amount == requested)
    if rule.kind == "share":
        assert rule.rate is not None
        uncapped = round_fen(Decimal(facts[rule.base_fact]) * params[rule.rate])
        if result.binding_cap is None:
            assert result.amount == uncapped
        else:
            assert result.amount <= uncapped
    # per-entity annual cap, across decisions
    if scheme.annual_cap_parameter and params[scheme.annual_cap_parameter] is not None:
        granted = Decimal(facts.get("granted_this_year", "0"))
        assert result.amount + granted <= params[scheme.annual_cap_parameter]
    # yearly quota
    if scheme.yearly_quota_parameter and params[scheme.yearly_quota_parameter] is not None:
        assert facts.get("awards_this_year", 0) < params[scheme.yearly_quota_parameter]
    # in force only within the plan period, never under credit punishment
    assert scheme.in_force_from <= on <= scheme.in_force_until
    assert not facts.get("credit_blocked")


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from(
        ["1e400", "-0", "1e-400", "NaN", "Infinity", "0.005", "１２", " 12 ", "1,000.5", "2023-02-30"]
    ),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)


@st.composite
def messy_requests(draw: st.DrawFn) -> tuple[str, Any, dict[str, Any]]:
    scheme = CAT.schemes[draw(st.sampled_from(sorted(CAT.schemes)))]
    facts: dict[str, Any] = {}
    for spec in scheme.facts:
        if draw(st.booleans()):
            facts[spec.name] = draw(json_values)
    if spec.type == "items" or draw(st.booleans()):
        facts["items"] = draw(st.lists(st.dictionaries(st.just("requested_amount"), json_values), max_size=3))
    return scheme.id, draw(json_values | st.just("2023-06-30")), facts


@settings(max_examples=800, deadline=None)
@given(messy_requests())
def test_any_input_is_answered_or_refused_per_field_never_crashes(request: tuple) -> None:
    from ipcity.incentives.engine import FactError

    scheme_id, on, facts = request
    try:
        result = CAT.calculate(scheme_id, on, facts)
    except FactError as exc:
        assert exc.errors and all(e["field"] and e["message_zh"] and e["message_en"] for e in exc.errors)
        return
    assert result.amount >= 0
    result.to_dict()
