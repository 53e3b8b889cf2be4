"""Money is Decimal yuan with 2 places (STYLE rule 5). Parsing refuses floats' surprises at the edge."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN = Decimal("0.01")
# No amount on the platform comes near this; beyond it quantize() to the fen would leave 28 digits.
MAX_AMOUNT = Decimal("1e20")


class InvalidMoney(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def parse_money(value: object, *, allow_negative: bool = False) -> Decimal:
    """A decimal string or number with at most 2 decimal places; floats are read via their repr."""
    if isinstance(value, bool) or value is None:
        raise InvalidMoney("not_a_number", "must be a decimal amount in yuan")
    text = repr(value) if isinstance(value, float) else str(value).strip().replace(",", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise InvalidMoney("not_a_number", "must be a decimal amount in yuan") from None
    if not amount.is_finite():
        raise InvalidMoney("not_a_number", "must be a finite amount")
    if amount.copy_abs() >= MAX_AMOUNT:
        # quantize() beyond the context's 28 digits raises InvalidOperation (a 500 for "1e9999999").
        raise InvalidMoney("too_large", "is too large")
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2 and amount != amount.quantize(FEN):
        raise InvalidMoney("too_many_decimals", "must have at most 2 decimal places (fen)")
    if amount < 0 and not allow_negative:
        raise InvalidMoney("negative", "must not be negative")
    return amount.quantize(FEN)


def round_fen(amount: Decimal) -> Decimal:
    """The one rounding: half up, to the fen."""
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)
