"""One row: parse and validate every field into the model's values, or RowError for the first bad field."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from operator import mul as _mul
from typing import Any

from django.utils.translation import gettext as _

from ipcity.core.identifiers import ipc as ipc_id
from ipcity.core.identifiers import patent_number
from ipcity.core.identifiers import uscc as uscc_id
from ipcity.core.money import InvalidMoney, parse_money
from ipcity.core.text import has_control_characters

from .. import analysis
from ..choices import Award, LegalStatus, PatentType
from .context import Context
from .errors import RowError
from .hashing import content_hash
from .mapping import Mapping

_TYPES = frozenset(PatentType.values)
_STATUSES = frozenset(LegalStatus.values)
_AWARDS = frozenset(Award.values)
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")
_EMPTY: dict[str, str] = {}
_TRUE = {"true", "1", "yes", "y", "是", "有", "t"}
_FALSE = {"false", "0", "no", "n", "否", "无", "f", ""}


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip() if not isinstance(value, str) else value.strip()


def parse_date(value: Any, field_name: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = value.strip() if isinstance(value, str) else cell_text(value)
    if not text:
        return None
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            fast = dt.date.fromisoformat(text)
        except ValueError:
            pass
        else:
            if 1985 <= fast.year <= 2100:
                return fast
    text = unicodedata.normalize("NFKC", text).split(" ")[0].split("T")[0]
    for fmt in _DATE_FORMATS:
        try:
            parsed = dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
        if not 1985 <= parsed.year <= 2100:
            raise RowError(field_name, _("The date %(value)s is out of range (1985-2100).") % {"value": text})
        return parsed
    raise RowError(field_name, _("Not a date: %(value)s (use YYYY-MM-DD).") % {"value": text})


def parse_bool(value: Any, field_name: str) -> bool:
    if isinstance(value, bool):
        return value
    text = cell_text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if text.isdigit():
        return int(text) > 0
    raise RowError(field_name, _("Write true or false, not %(value)s.") % {"value": text})


@dataclass
class Facts:
    """Attribute view of a parsed row, for the analysis functions."""

    type: str
    filing_date: dt.date
    grant_date: dt.date | None
    legal_status: str
    status_date: dt.date | None
    sei_codes: str
    overseas_family_granted: bool
    overseas_family_since: dt.date | None
    pledge_amount: Decimal | None
    pledge_date: dt.date | None
    award: str
    award_date: dt.date | None


def _mapped(value: str, mapping: Mapping, field_name: str) -> str:
    return mapping.values.get(field_name, {}).get(value, value)


_NUMBER_FAST = re.compile(r"[0-9]{12}\.[0-9X]")
_NUMBER_WEIGHTS = tuple(patent_number.WEIGHTS[i % len(patent_number.WEIGHTS)] for i in range(12))
_NUMBER_BIAS = 48 * sum(_NUMBER_WEIGHTS)  # the weights times ord("0"): digits are read as bytes
_IS_PCT = frozenset({"8", "9"})


def _application_number(text: str) -> tuple[str, int, str]:
    """(canonical, year, patent type) of a written application number, or InvalidPatentNumber.

    The canonical 12-digit form (what nearly every export writes) is checked here directly — the
    same rules as `patent_number.parse` (year 2003-2100, type digit, check digit) without its
    normalisation; anything else, and anything failing here, goes through `patent_number.parse`,
    which also says what is wrong."""
    if len(text) == 14 and _NUMBER_FAST.fullmatch(text):
        year = int(text[:4])
        kind = patent_number.TYPE_DIGITS.get(text[4])
        if kind is not None and 2003 <= year <= 2100:
            value = (sum(map(_mul, text[:12].encode(), _NUMBER_WEIGHTS)) - _NUMBER_BIAS) % 11
            if text[13] == ("X" if value == 10 else str(value)):
                return text, (0 if text[4] in _IS_PCT else year), kind
    number = patent_number.parse(text)
    return number.canonical, (0 if number.is_pct else number.year), number.patent_type


def parse_row(raw: dict[str, str], headers: dict[str, str], mapping: Mapping, ctx: Context) -> dict[str, Any]:
    """Canonical field values of one row (ready for the model), or RowError for the first bad field.

    The fields are checked in a fixed order (the first bad one is reported), each by its own parser below."""
    src: dict[str, Any] = {}
    for header, target in headers.items():
        value = raw.get(header)
        if value not in (None, "") and target not in src:
            src[target] = value
    # The text of every field, stripped (`cell_text`): non-text cells (Excel numbers, JSON values) are
    # normalised, text is only stripped. Dates and booleans are parsed from `src` (typed cells).
    txt: dict[str, str] = {k: v.strip() if type(v) is str else cell_text(v) for k, v in src.items()}
    get = txt.get
    values_map = mapping.values
    _check_control_characters(txt)

    canonical, number_year, number_type = _parse_application_number(get("application_number", ""))
    ptype = _parse_type(get("type", ""), values_map, number_type)
    title = _parse_title(get("title", ""))
    filing, grant = _parse_filing_and_grant(src, number_year)
    symbols = _parse_symbols(get("ipc_main", ""), get("ipc", ""))
    status, status_date = _parse_legal_status(get("legal_status", ""), values_map, src, grant)
    family_members = get("family_members", "")
    family = _parse_overseas_family(get("overseas_family_granted", ""), family_members)
    family_since = parse_date(src.get("overseas_family_since"), "overseas_family_since")
    pledge = _parse_pledge(src.get("pledge_amount"), src.get("pledge_amount_wan"))
    award = _parse_award(get("award", ""), values_map)
    licence_date, transfer_date = _parse_transaction_dates(src, filing)
    licensee, transferee = _parse_counterparties(get("licensee", ""), get("transferee", ""))
    district_id, entity_id = _parse_location(txt, ctx)

    is_domestic = parse_bool(src["is_domestic"], "is_domestic") if get("is_domestic") else True
    facts = Facts(
        type=ptype,
        filing_date=filing,
        grant_date=grant,
        legal_status=status,
        status_date=status_date,
        sei_codes="",
        overseas_family_granted=family,
        overseas_family_since=family_since,
        pledge_amount=pledge,
        pledge_date=parse_date(src.get("pledge_date"), "pledge_date"),
        award=award,
        award_date=parse_date(src.get("award_date"), "award_date"),
    )
    p = ctx.params
    codes, facts.sei_codes, intensive = ctx.sei_of_row(symbols)
    values: dict[str, Any] = {
        "application_number": canonical,
        "type": ptype,
        "title": title,
        "abstract": get("abstract", ""),
        "applicants": get("applicants") or get("holders", ""),
        "holders": get("holders") or get("applicants", ""),
        "holder_entity_id": entity_id,
        "district_id": district_id,
        "is_domestic": is_domestic,
        "filing_date": filing,
        "publication_number": get("publication_number", "")[:20],
        "publication_date": parse_date(src.get("publication_date"), "publication_date"),
        "grant_date": grant,
        "ipc_main": symbols[0] if symbols else "",
        "ipc": ";".join(symbols),
        "legal_status": status,
        "status_date": status_date,
        "annual_fee_paid_until": parse_date(src.get("annual_fee_paid_until"), "annual_fee_paid_until"),
        "overseas_family_granted": family,
        "overseas_family_since": family_since,
        "family_members": family_members,
        "pledge_amount": pledge,
        "pledge_date": facts.pledge_date,
        "award": award,
        "award_date": facts.award_date,
        "licence_date": licence_date,
        "licensee": licensee,
        "transfer_date": transfer_date,
        "transferee": transferee,
        "sei_codes": facts.sei_codes,
        "patent_intensive": intensive,
        "is_demo": ctx.is_demo,
    }
    values["content_hash"] = content_hash(values, ctx.derivation_key)
    derived = analysis.derive(facts, p)
    values["valid_from"], values["valid_until"], values["hv_from"] = (
        derived.valid_from,
        derived.valid_until,
        derived.hv_from,
    )
    return values


def _check_control_characters(txt: dict[str, str]) -> None:
    if has_control_characters("".join(txt.values())):  # one search per row; then find the field
        field_name = next(k for k, v in txt.items() if has_control_characters(v))
        raise RowError(field_name, _("Contains a control character (such as NUL); remove it."))


def _parse_application_number(number_text: str) -> tuple[str, int, str]:
    """(canonical number, its year (0 for PCT), the type its type digit means)."""
    if not number_text:
        raise RowError("application_number", _("The application number is missing."))
    try:
        return _application_number(number_text)
    except patent_number.InvalidPatentNumber as exc:
        raise RowError(
            "application_number",
            _("%(value)s is not a valid application number: %(reason)s")
            % {"value": number_text, "reason": _number_reason(exc.code)},
        ) from None


def _parse_type(text: str, values_map: dict[str, dict[str, str]], number_type: str) -> str:
    ptype = values_map.get("type", _EMPTY).get(text, text) or number_type
    if ptype not in _TYPES:
        raise RowError(
            "type", _("Unknown type %(value)s: use invention, utility_model or design.") % {"value": ptype}
        )
    if ptype != number_type:
        raise RowError(
            "type",
            _("The type %(type)s does not match the application number, whose type digit means %(expected)s.")
            % {"type": ptype, "expected": number_type},
        )
    return ptype


def _parse_title(title: str) -> str:
    if not title:
        raise RowError("title", _("The title is missing."))
    if len(title) > 500:
        raise RowError("title", _("The title is longer than 500 characters."))
    return title


def _parse_filing_and_grant(src: dict[str, Any], number_year: int) -> tuple[dt.date, dt.date | None]:
    filing = parse_date(src.get("filing_date"), "filing_date")
    if filing is None:
        raise RowError("filing_date", _("The filing date is missing."))
    if number_year and filing.year != number_year:
        raise RowError(
            "filing_date",
            _("The filing date %(date)s is not in the year %(year)s of the application number.")
            % {"date": filing, "year": number_year},
        )
    grant = parse_date(src.get("grant_date"), "grant_date")
    if grant and grant < filing:
        raise RowError("grant_date", _("The grant date is before the filing date."))
    return filing, grant


def _parse_symbols(main_text: str, ipc_text: str) -> list[str]:
    """The IPC symbols, main symbol first, without repeats."""
    symbols: list[str] = []
    for name, texts in (
        ("ipc_main", [main_text] if main_text else []),
        ("ipc", _split_symbols(ipc_text)),
    ):
        for text in texts:
            try:
                symbol = _ipc(text)
            except ipc_id.InvalidIPC:
                raise RowError(
                    name, _("%(value)s is not an IPC symbol (e.g. G06F16/35).") % {"value": text}
                ) from None
            if symbol not in symbols:
                symbols.append(symbol)
    return symbols


def _parse_legal_status(
    text: str, values_map: dict[str, dict[str, str]], src: dict[str, Any], grant: dt.date | None
) -> tuple[str, dt.date | None]:
    status = values_map.get("legal_status", _EMPTY).get(text, text) or (
        LegalStatus.VALID if grant else LegalStatus.PENDING
    )
    if status not in _STATUSES:
        raise RowError(
            "legal_status",
            _("Unknown legal status %(value)s: use valid, lapsed, expired, invalidated or pending.")
            % {"value": status},
        )
    if status != LegalStatus.PENDING and not grant:
        raise RowError("grant_date", _("A %(status)s patent needs its grant date.") % {"status": status})
    status_date = parse_date(src.get("legal_status_date"), "legal_status_date")
    if status_date and grant and status_date < grant:
        raise RowError("legal_status_date", _("The legal status date is before the grant date."))
    return status, status_date


def _parse_overseas_family(family_text: str, family_members: str) -> bool:
    """Written, or else: any family member outside CN/HK/MO/TW."""
    if family_text:
        return parse_bool(family_text, "overseas_family_granted")
    members = [m for m in re.split(r"[;,\s]+", family_members) if m]
    return any(not m.upper().startswith(("CN", "HK", "MO", "TW")) for m in members)


def _parse_pledge(raw_pledge: Any, raw_wan: Any) -> Decimal | None:
    """The pledge amount in yuan: written in yuan (or with 万), or in 10,000 yuan."""
    try:
        if cell_text(raw_pledge):
            text = cell_text(raw_pledge)
            factor = Decimal(10000) if text.endswith(("万", "万元")) else Decimal(1)
            return parse_money(text.removesuffix("元").removesuffix("万")) * factor
        if cell_text(raw_wan):
            return parse_money(Decimal(cell_text(raw_wan).replace(",", "")) * 10000)
    except (InvalidMoney, ArithmeticError, ValueError):
        raise RowError(
            "pledge_amount",
            _("Not an amount in yuan: %(value)s") % {"value": cell_text(raw_pledge or raw_wan)},
        ) from None
    return None


def _parse_award(text: str, values_map: dict[str, dict[str, str]]) -> str:
    award = values_map.get("award", _EMPTY).get(text, text)
    if award not in _AWARDS:
        raise RowError(
            "award",
            _(
                "Unknown award %(value)s: use china_patent_award, china_patent_gold, china_patent_silver or national_st_award."
            )
            % {"value": award},
        )
    return award


def _parse_transaction_dates(src: dict[str, Any], filing: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """(licence date, transfer date): neither before the filing date."""
    licence_date = parse_date(src.get("licence_date"), "licence_date")
    transfer_date = parse_date(src.get("transfer_date"), "transfer_date")
    for name, date in (("licence_date", licence_date), ("transfer_date", transfer_date)):
        if date is not None and date < filing:
            raise RowError(name, _("The date %(date)s is before the filing date.") % {"date": date})
    return licence_date, transfer_date


def _parse_counterparties(licensee: str, transferee: str) -> tuple[str, str]:
    for name, text in (("licensee", licensee), ("transferee", transferee)):
        if len(text) > 300:
            raise RowError(name, _("Longer than %(max)s characters.") % {"max": 300})
    return licensee, transferee


def _parse_location(txt: dict[str, str], ctx: Context) -> tuple[int | None, int | None]:
    """(district id, holder entity id): the written district; else the known entity's; else the district
    of the USCC's division code; else a district named in the holder's address."""
    get = txt.get
    district_id = None
    district_text = get("district", "")
    if district_text:
        district_id = ctx.districts.get(district_text.lower())
        if district_id is None:
            raise RowError("district", _("Unknown district %(value)s.") % {"value": district_text})
    entity_id = None
    holder_uscc = get("holder_uscc", "")
    if holder_uscc:
        try:
            code = uscc_id.validate(holder_uscc)
        except uscc_id.InvalidUSCC:
            raise RowError(
                "holder_uscc",
                _("%(value)s is not a valid unified social credit code.") % {"value": holder_uscc},
            ) from None
        if code in ctx.entities:
            entity_id, entity_district = ctx.entities[code]
            district_id = district_id or entity_district
        if district_id is None:
            district_id = ctx.districts.get(code[2:8])
    address = get("holder_address", "")
    if district_id is None and address:
        district_id = next(
            (pk for key, pk in ctx.districts.items() if len(key) >= 3 and key in address.lower()), None
        )
    return district_id, entity_id


@lru_cache(maxsize=100_000)
def _ipc(text: str) -> str:
    return ipc_id.validate(text)


@lru_cache(maxsize=4096)
def _split_symbols(text: str) -> tuple[str, ...]:
    """`ipc_id.split_symbols`, cached: the same symbol lists recur constantly."""
    return tuple(ipc_id.split_symbols(text))


def _number_reason(code: str) -> str:
    return {
        "empty": _("it is empty"),
        "publication_number": _("this is a publication number, not an application number"),
        "length": _("it must have 12 digits and a check digit (8 before 2003)"),
        "characters": _("only digits, and X as the check digit, are allowed"),
        "year": _("the year is not possible"),
        "type": _("the type digit must be 1, 2, 3, 8 or 9"),
        "check": _("the check digit is wrong"),
    }.get(code, code)
