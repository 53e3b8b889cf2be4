"""Decimal helpers. The engine never touches float: money is yuan with 2 places, rates are Decimal."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN = Decimal("0.01")
ZERO = Decimal("0")


def to_decimal(value: object) -> Decimal:
    """Read a number without float surprises: floats via repr, strings stripped of thousands separators."""
    if isinstance(value, bool) or value is None:
        raise InvalidOperation("not a number")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, float):
        result = Decimal(repr(value))
    else:
        result = Decimal(str(value).strip().replace(",", ""))
    if not result.is_finite():
        raise InvalidOperation("not finite")
    return result


def round_fen(amount: Decimal) -> Decimal:
    """The one rounding of a computation: half up, to the fen."""
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


def fmt(value: Decimal | int | None) -> str:
    """Plain text of a number for traces: money-like values keep their places, no exponent notation."""
    if value is None:
        return "—"
    if isinstance(value, int):
        return str(value)
    text = format(value, "f")
    if "." in text and value == value.quantize(FEN) and len(text.split(".")[1]) > 2:
        text = format(value.quantize(FEN), "f")
    return text
