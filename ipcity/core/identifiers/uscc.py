"""统一社会信用代码 (GB 32100-2015).

python-stdnum's `stdnum.cn.uscc` requires the first 8 characters to be digits, which rejects real
codes whose registration authority is a letter (e.g. `Y` for "other authorities"). We implement the
standard's alphabet and check character ourselves and cross-check against stdnum in the tests
(docs/adr/0003-identifiers-uscc.md).
"""

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {c: i for i, c in enumerate(ALPHABET)}


class InvalidUSCC(ValueError):
    """The text is not a valid USCC; `code` is a machine reason, `str()` is human-readable English."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def normalise(value: str) -> str:
    return "".join(value.split()).replace("-", "").upper()


def check_character(first17: str) -> str:
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def validate(value: str) -> str:
    """Return the normalised code, or raise InvalidUSCC saying what is wrong."""
    code = normalise(value)
    if len(code) != 18:
        raise InvalidUSCC("length", f"must be 18 characters, got {len(code)}")
    bad = [c for c in code if c not in _VALUE]
    if bad:
        raise InvalidUSCC(
            "characters", f"contains characters not allowed in a USCC: {''.join(sorted(set(bad)))}"
        )
    if not code[2:8].isdigit():
        raise InvalidUSCC("division", "characters 3-8 must be the administrative division code (digits)")
    expected = check_character(code[:17])
    if code[17] != expected:
        raise InvalidUSCC("check", f"check character should be {expected}, not {code[17]}")
    return code


def is_valid(value: str) -> bool:
    try:
        validate(value)
    except InvalidUSCC:
        return False
    return True


def division_code(value: str) -> str:
    """The 6-digit administrative division (GB/T 2260) embedded in a valid code."""
    return validate(value)[2:8]
