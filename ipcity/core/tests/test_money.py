from decimal import Decimal

import pytest

from ipcity.core.money import InvalidMoney, parse_money


@pytest.mark.parametrize("text", ["1e9999999", "-1e9999999", "1e20", "100000000000000000000.001"])
def test_absurd_amounts_are_refused_not_crashing(text: str) -> None:
    """Regression: quantize() to the fen raised decimal.InvalidOperation beyond 28 digits (a 500 in grants'
    amount fields)."""
    with pytest.raises(InvalidMoney) as exc:
        parse_money(text, allow_negative=True)
    assert exc.value.code == "too_large"


def test_amounts_just_below_the_bound_still_parse() -> None:
    assert parse_money("99999999999999999999.99") == Decimal("99999999999999999999.99")
    assert parse_money("1,234.5") == Decimal("1234.50")
    with pytest.raises(InvalidMoney):
        parse_money("1.001")
