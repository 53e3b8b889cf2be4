"""Chinese patent application numbers (专利申请号), validated by their check digit and normalised.

Since 2003: 4-digit filing year + 1 type digit + 7-digit serial + "." + check digit (13 characters).
Before 2003: 2-digit year + 1 type digit + 5-digit serial + "." + check digit (9 characters).
Check digit: digits times weights 2,3,4,5,6,7,8,9 (repeating), summed, mod 11; 10 is written X.
Accepted written forms: "CN"/"ZL" prefixes, with or without the dot, spaces, full-width characters.
The canonical form is the bare number with the dot: ``202210635727.1``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9)
TYPE_DIGITS = {
    "1": "invention",
    "2": "utility_model",
    "3": "design",
    "8": "invention",  # PCT application entering the Chinese national phase
    "9": "utility_model",  # PCT utility model
}


class InvalidPatentNumber(ValueError):
    """Not a valid application number; `code` is a machine reason, `str()` English for logs."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class ApplicationNumber:
    canonical: str
    year: int
    type_digit: str
    serial: str

    @property
    def patent_type(self) -> str:
        return TYPE_DIGITS[self.type_digit]

    @property
    def is_pct(self) -> bool:
        return self.type_digit in {"8", "9"}

    def __str__(self) -> str:
        return self.canonical


def check_digit(body: str) -> str:
    """The check character for the 8 or 12 digits before the dot."""
    total = sum(int(d) * WEIGHTS[i % len(WEIGHTS)] for i, d in enumerate(body))
    value = total % 11
    return "X" if value == 10 else str(value)


def normalise(value: str) -> str:
    """Strip prefixes, spaces and punctuation; upper-case; full-width characters to ASCII."""
    text = unicodedata.normalize("NFKC", str(value)).strip().upper()
    text = "".join(text.split())
    for prefix in ("ZL", "CN"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    return text.replace(".", "").replace("-", "").replace("·", "")


def parse(value: str) -> ApplicationNumber:
    """Return the parsed number or raise InvalidPatentNumber saying what is wrong."""
    text = normalise(value)
    if not text:
        raise InvalidPatentNumber("empty", "an application number is required")
    if text[-1:] in {"A", "B", "U", "S", "C"} and text[:-1].isdigit() and len(text) in {10, 11}:
        raise InvalidPatentNumber(
            "publication_number",
            "this looks like a publication number (e.g. CN114911801A), not an application number",
        )
    if len(text) not in {9, 13}:
        raise InvalidPatentNumber(
            "length", f"must have 12 digits and a check digit (or 8 before 2003), got {len(text)}"
        )
    body, given = text[:-1], text[-1]
    if not body.isdigit() or not (given.isdigit() or given == "X"):
        raise InvalidPatentNumber("characters", "only digits, and X as the check digit, are allowed")
    if len(body) == 12:
        year, type_digit, serial = int(body[:4]), body[4], body[5:]
        if not 2003 <= year <= 2100:
            raise InvalidPatentNumber(
                "year", f"the 12-digit form starts with a filing year from 2003, got {year}"
            )
    else:
        yy, type_digit, serial = int(body[:2]), body[2], body[3:]
        year = 1900 + yy if yy >= 85 else 2000 + yy
        if not (1985 <= year <= 2003):
            raise InvalidPatentNumber("year", f"the 8-digit form is for filings 1985-2003, got year {yy:02d}")
    if type_digit not in TYPE_DIGITS:
        raise InvalidPatentNumber("type", f"the type digit must be 1, 2, 3, 8 or 9, got {type_digit}")
    expected = check_digit(body)
    if given != expected:
        raise InvalidPatentNumber("check", f"check digit should be {expected}, not {given}")
    return ApplicationNumber(canonical=f"{body}.{given}", year=year, type_digit=type_digit, serial=serial)


def validate(value: str) -> str:
    """The canonical form (``202210635727.1``) or InvalidPatentNumber."""
    return parse(value).canonical


def is_valid(value: str) -> bool:
    try:
        parse(value)
    except InvalidPatentNumber:
        return False
    return True


def make(year: int, type_digit: str, serial: int) -> str:
    """Build a valid canonical number (for synthetic data and tests)."""
    body = (
        f"{year:04d}{type_digit}{serial:07d}" if year >= 2003 else f"{year % 100:02d}{type_digit}{serial:05d}"
    )
    return f"{body}.{check_digit(body)}"
