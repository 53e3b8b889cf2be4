"""IPC symbols (International Patent Classification): validated and normalised.

Section A-H, class (2 digits), subclass letter, optionally main group (1-4 digits) "/" subgroup
(2-6 digits): ``A01B1/24``, ``H10D``, ``G06F16/35``. Accepted written forms: spaces anywhere
(``G06F 16/35``), full-width characters, a trailing edition in brackets (``G06F 16/35 (2019.01)``),
leading zeros in the main group (``G06F016/35``) and WIPO's 14-character form (``G06F0016350000``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_SYMBOL = re.compile(r"^([A-H])(\d{2})([A-Z])(?:(\d{1,4})/(\d{2,6}))?$")
_WIPO14 = re.compile(r"^([A-H])(\d{2})([A-Z])(\d{4})(\d{6})$")
_EDITION = re.compile(r"\(\d{4}\.\d{2}\)$")


class InvalidIPC(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class IPCSymbol:
    section: str
    klass: str  # "G06"
    subclass: str  # "G06F"
    main_group: str | None  # "16"
    subgroup: str | None  # "35"

    @property
    def symbol(self) -> str:
        if self.main_group is None:
            return self.subclass
        return f"{self.subclass}{self.main_group}/{self.subgroup}"

    @property
    def group(self) -> str | None:
        """The main group's own symbol, e.g. G06F16/00."""
        return None if self.main_group is None else f"{self.subclass}{self.main_group}/00"

    def ancestors(self) -> list[str]:
        """The symbol itself, then its main group, subclass and class, most specific first."""
        out = [self.symbol]
        if self.group and self.group != self.symbol:
            out.append(self.group)
        if self.main_group is not None:
            out.append(self.subclass)
        out.append(self.klass)
        return out

    def __str__(self) -> str:
        return self.symbol


def _clean(value: str) -> str:
    text = unicodedata.normalize("NFKC", str(value)).strip().upper()
    text = _EDITION.sub("", text.replace(" ", "").replace("\u3000", ""))
    return "".join(text.split())


def parse(value: str) -> IPCSymbol:
    text = _clean(value)
    if not text:
        raise InvalidIPC("empty", "an IPC symbol is required")
    wipo = _WIPO14.match(text)
    if wipo:
        section, cls, sub, main, subgroup = wipo.groups()
        subgroup = subgroup.rstrip("0").ljust(2, "0")
        text = f"{section}{cls}{sub}{int(main)}/{subgroup}"
    match = _SYMBOL.match(text)
    if not match:
        raise InvalidIPC(
            "format", f"'{value}' is not an IPC symbol like A01B1/24, G06F16/35 or H10D (subclass only)"
        )
    section, cls, sub, main, subgroup = match.groups()
    if main is not None:
        main = str(int(main))
        if main == "0":
            raise InvalidIPC("format", "the main group cannot be 0")
    return IPCSymbol(
        section=section,
        klass=f"{section}{cls}",
        subclass=f"{section}{cls}{sub}",
        main_group=main,
        subgroup=subgroup,
    )


def validate(value: str) -> str:
    return parse(value).symbol


def is_valid(value: str) -> bool:
    try:
        parse(value)
    except InvalidIPC:
        return False
    return True


def split_symbols(value: str) -> list[str]:
    """Split a list of symbols written with ; , | or newlines (not spaces: 'G06F 16/35' is one symbol)."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    for sep in (",", "|", "\n", "；", "，"):
        text = text.replace(sep, ";")
    return [part.strip() for part in text.split(";") if part.strip()]
