"""The interface the grants workflow relies on (ipcity.incentives.catalogue.get_catalogue)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ipcity.incentives import engine
from ipcity.incentives.catalogue import get_catalogue, reload_catalogue


def test_get_catalogue_is_cached_and_reloadable() -> None:
    first = get_catalogue()
    assert get_catalogue() is first
    reload_catalogue()
    assert get_catalogue() is not first
    assert len(get_catalogue().schemes) == 27


def test_scheme_shape() -> None:
    scheme = get_catalogue().schemes["first_patent_pledge_interest"]
    for attr in ("id", "title_zh", "title_en", "clause", "summary_zh", "summary_en", "subject", "facts"):
        assert getattr(scheme, attr), attr
    assert set(scheme.subject) == {"label_zh", "label_en"}
    assert isinstance(scheme.annual_cap_per_entity, bool)
    assert isinstance(scheme.yearly_quota, bool) and isinstance(scheme.per_item, bool)
    types = {f.name: f.type for f in scheme.facts}
    assert types["principal"] == "money" and types["actual_rate"] == "rate" and types["days"] == "int"
    assert types["first_pledge"] == "bool" and types["awards_this_year"] == "int"
    for fact in scheme.facts:
        assert fact.type in {"money", "rate", "int", "bool", "date", "choice", "items"}
        assert fact.label_zh and fact.label_en


def test_calculate_result_shape() -> None:
    result = get_catalogue().calculate(
        "overseas_litigation",
        on=dt.date(2023, 5, 1),
        facts={"outcome": "won", "legal_fees": "100000", "granted_this_year": "0"},
        overrides=None,
        with_trace=True,
    )
    assert result.eligible is True and result.amount == Decimal("50000.00")
    assert result.reasons == [] and result.binding_cap is None
    assert result.parameters == {"subsidy_rate": Decimal("0.50"), "annual_cap": Decimal("1000000.00")}
    step = result.trace[0]
    assert {"step", "clause", "formula_zh", "formula_en", "value"} <= set(vars(step))
    body = result.to_dict()
    assert body["amount"] == "50000.00" and body["currency"] == "CNY"
    assert body["parameters"] == {"subsidy_rate": "0.50", "annual_cap": "1000000.00"}


def test_errors_are_the_engine_types() -> None:
    with pytest.raises(engine.UnknownScheme):
        get_catalogue().calculate("nope", on=dt.date(2023, 5, 1), facts={})
    with pytest.raises(engine.FactError) as raised:
        get_catalogue().calculate("overseas_litigation", on=dt.date(2023, 5, 1), facts={"outcome": "won"})
    assert raised.value.errors == [
        {
            "field": "facts.legal_fees",
            "code": "missing",
            "message_zh": "必填",
            "message_en": "this fact is required",
        }
    ]
