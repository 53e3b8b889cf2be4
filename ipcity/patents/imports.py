"""Streaming patent imports: CSV, Excel (.xlsx) and JSON Lines, read row by row (constant memory),
validated per row, written in batches by an idempotent upsert on the application number. Rows whose
content hash is unchanged are skipped. See docs/patents-import.md and docs/adr/0302-import.md."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from operator import mul as _mul
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

from ipcity.core.excel import csv_writer
from ipcity.core.identifiers import ipc as ipc_id
from ipcity.core.identifiers import patent_number
from ipcity.core.identifiers import uscc as uscc_id
from ipcity.core.money import InvalidMoney, parse_money
from ipcity.core.spreadsheets import (
    SpreadsheetError,
    TableReader,
    bounded_lines,
    check_file_size,
    limits_for,
    too_many_rows,
)
from ipcity.core.text import has_control_characters

from . import analysis
from .choices import Award, LegalStatus, PatentType
from .classification import Concordance, encode_sei, patent_intensive_of, sei_codes
from .params import Parameters

MAPPINGS_DIR = Path(__file__).resolve().parent / "mappings"
CANONICAL_COLUMNS = [
    "application_number",
    "type",
    "title",
    "filing_date",
    "grant_date",
    "ipc_main",
    "ipc",
    "holders",
    "district",
    "legal_status",
    "overseas_family_granted",
    "pledge_amount",
    "award",
]
FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".jsonl": "jsonl", ".ndjson": "jsonl"}

# Model fields an import writes (in this order for the PostgreSQL COPY path).
WRITE_FIELDS = [
    "application_number",
    "type",
    "title",
    "abstract",
    "applicants",
    "holders",
    "holder_entity_id",
    "district_id",
    "is_domestic",
    "filing_date",
    "publication_number",
    "publication_date",
    "grant_date",
    "ipc_main",
    "ipc",
    "legal_status",
    "status_date",
    "annual_fee_paid_until",
    "overseas_family_granted",
    "overseas_family_since",
    "family_members",
    "pledge_amount",
    "pledge_date",
    "award",
    "award_date",
    "licence_date",
    "licensee",
    "transfer_date",
    "transferee",
    "sei_codes",
    "patent_intensive",
    "valid_from",
    "valid_until",
    "hv_from",
    "content_hash",
    "is_demo",
]


class ImportFileError(ValueError):
    """The file as a whole cannot be read (unknown format, no header, unknown mapping)."""


# ---------------------------------------------------------------- mappings


@dataclass
class Mapping:
    name: str
    columns: dict[str, str]
    values: dict[str, dict[str, str]] = field(default_factory=dict)

    def resolve(self, headers: list[str]) -> dict[str, str]:
        """header → field for the headers this mapping knows (first header per field wins)."""
        out: dict[str, str] = {}
        taken: set[str] = set()
        for header in headers:
            key = _norm_header(header)
            target = self.columns.get(key)
            if target and target not in taken:
                out[header] = target
                taken.add(target)
        return out


def _norm_header(text: str) -> str:
    return unicodedata.normalize("NFKC", str(text or "")).strip().lstrip("\ufeff")


def _read_mapping(path: Path) -> Mapping:
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    columns = {_norm_header(k): str(v) for k, v in (data.get("columns") or {}).items()}
    # NFKC turns full-width brackets into ASCII ones, so both spellings match.
    values = {
        f: {_norm_header(k): str(v) for k, v in table.items()}
        for f, table in (data.get("values") or {}).items()
    }
    return Mapping(name=str(data.get("name") or path.stem), columns=columns, values=values)


def available_mappings() -> list[str]:
    return ["auto"] + sorted(p.stem for p in MAPPINGS_DIR.glob("*.yaml"))


def load_mapping(name: str = "auto") -> Mapping:
    """A mapping by name (a file in ipcity/patents/mappings/), a path to a YAML file, or "auto":
    every known mapping at once (canonical names and the Chinese export names)."""
    if name in ("", "auto"):
        merged = Mapping(name="auto", columns={}, values={})
        for path in sorted(MAPPINGS_DIR.glob("*.yaml")):
            part = _read_mapping(path)
            for k, v in part.columns.items():
                merged.columns.setdefault(k, v)
            for f, table in part.values.items():
                merged.values.setdefault(f, {}).update(table)
        return merged
    candidate = MAPPINGS_DIR / f"{name}.yaml"
    if re.fullmatch(r"[A-Za-z0-9_-]+", name) and candidate.exists():
        return _read_mapping(candidate)
    path = Path(name)
    if path.suffix in {".yaml", ".yml"} and path.exists():
        return _read_mapping(path)
    raise ImportFileError(
        _("Unknown column mapping %(name)s. Known: %(known)s.")
        % {"name": name, "known": ", ".join(available_mappings())}
    )


# ---------------------------------------------------------------- readers


class Reader:
    """Iterates (row number, {header: text}) and reports how far through the file it is. Every limit of
    the "patents" import kind applies (ipcity.core.spreadsheets: rows, columns, line length, zip bombs);
    check_limits() refuses an over-long file before anything is written."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.total = path.stat().st_size
        self.position = 0
        self.limits = limits_for("patents")

    def rows(self) -> Iterator[tuple[int, dict[str, Any]]]:
        raise NotImplementedError

    def check_limits(self) -> None:
        """Raise ImportFileError if the file has more rows than the limit (or is a bomb): run before the
        first batch is written, so a refused file writes nothing. Cheap when an upper bound (lines, or
        row tags of the sheet XML) is within the limit; otherwise one counting pass, stopped at the limit."""
        raise NotImplementedError


class _TableReader(Reader):
    """CSV and .xlsx through the guarded core reader."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.table = TableReader(path, path.name, self.limits)

    def check_limits(self) -> None:
        try:
            self.table.count_rows()
        except SpreadsheetError as exc:
            raise ImportFileError(str(exc)) from None

    def rows(self) -> Iterator[tuple[int, dict[str, Any]]]:
        table = self.table
        try:
            iterator = table.rows()
            _number, header = next(iterator)
            headers = [str(h) if h is not None else "" for h in header]
            for number, values in iterator:
                self.position = table.position
                yield number, dict(zip(headers, values, strict=False))
        except SpreadsheetError as exc:
            if exc.code == "no_header":
                raise ImportFileError(_("The file is empty.")) from None
            raise ImportFileError(str(exc)) from None
        self.position = self.total


class CsvReader(_TableReader):
    pass


class XlsxReader(_TableReader):
    pass


class JsonlReader(Reader):
    def check_limits(self) -> None:
        with open(self.path, "rb") as raw:
            count = 0
            try:
                check_file_size(self.total, self.limits)
                for line in bounded_lines(raw, self.limits):
                    if line.strip():
                        count += 1
                        if count > self.limits.max_rows:
                            raise too_many_rows(self.limits)
            except SpreadsheetError as exc:
                raise ImportFileError(str(exc)) from None

    def rows(self) -> Iterator[tuple[int, dict[str, Any]]]:
        with open(self.path, "rb") as raw:
            try:
                for number, line in enumerate(bounded_lines(raw, self.limits), start=1):
                    self.position = raw.tell()
                    if not line.strip():
                        continue
                    try:
                        data = json.loads(line)
                    except (json.JSONDecodeError, UnicodeDecodeError):
                        yield number, {"__error__": _("This line is not valid JSON.")}
                        continue
                    if not isinstance(data, dict):
                        yield number, {"__error__": _("Each line must be a JSON object.")}
                        continue
                    yield number, data
            except SpreadsheetError as exc:
                raise ImportFileError(str(exc)) from None


def reader_for(path: Path) -> Reader:
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise ImportFileError(
            _("Unknown file type %(ext)s: use .csv, .xlsx or .jsonl.") % {"ext": path.suffix or "(none)"}
        )
    return {"csv": CsvReader, "xlsx": XlsxReader, "jsonl": JsonlReader}[kind](path)


# ---------------------------------------------------------------- row parsing


class RowError(Exception):
    def __init__(self, field_name: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field_name
        self.reason = reason


_TYPES = frozenset(PatentType.values)
_STATUSES = frozenset(LegalStatus.values)
_AWARDS = frozenset(Award.values)
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")
_EMPTY: dict[str, str] = {}
_TRUE = {"true", "1", "yes", "y", "是", "有", "t"}
_FALSE = {"false", "0", "no", "n", "否", "无", "f", ""}


def _text(value: Any) -> str:
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
    text = value.strip() if isinstance(value, str) else _text(value)
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
    text = _text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if text.isdigit():
        return int(text) > 0
    raise RowError(field_name, _("Write true or false, not %(value)s.") % {"value": text})


@dataclass
class Context:
    """What row parsing needs, loaded once per import."""

    params: Parameters
    concordance: Concordance
    districts: dict[str, int]  # name / code / division code → id
    entities: dict[str, tuple[int, int | None]]  # uscc → (entity id, district id)
    today: dt.date
    is_demo: bool = False
    _sei_cache: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _row_cache: dict[tuple[str, ...], tuple[list[str], str, str]] = field(default_factory=dict)

    def sei_of(self, symbols: list[str]) -> tuple[str, ...]:
        """SEI codes of a list of symbols (cached per symbol: symbols recur constantly)."""
        p, day = self.params, self.today
        chosen = symbols[:1] if p.sei_main_only(day) else symbols
        found: set[str] = set()
        for symbol in chosen:
            codes = self._sei_cache.get(symbol)
            if codes is None:
                codes = tuple(sei_codes(self.concordance.match(symbol, hierarchical=p.sei_hierarchical(day))))
                if len(self._sei_cache) < 200_000:
                    self._sei_cache[symbol] = codes
            found.update(codes)
        return tuple(sorted(found, key=lambda c: tuple(int(x) for x in c.split("."))))

    def sei_of_row(self, symbols: list[str]) -> tuple[list[str], str, str]:
        """(SEI codes, their encoded form, patent-intensive category) of a row's symbols, cached per
        list of symbols (main symbol first): a handful of combinations cover most rows."""
        key = tuple(symbols)
        hit = self._row_cache.get(key)
        if hit is None:
            codes = list(self.sei_of(symbols))
            hit = (codes, encode_sei(codes), patent_intensive_of(codes))
            if len(self._row_cache) < 200_000:
                self._row_cache[key] = hit
        return hit

    @property
    def derivation_key(self) -> str:
        """Changes when what the derived fields depend on changes, so a re-import updates them."""
        return f"{self.params.source_path}:{len(self.concordance)}"


def build_context(*, params: Parameters | None = None, is_demo: bool = False) -> Context:
    from django.utils import timezone

    from ipcity.orgs.models import District, Entity

    from . import params as params_mod
    from .classification import load_concordance

    districts: dict[str, int] = {}
    for d in District.objects.all():
        for key in (d.name, d.code, d.division_code, d.name_en):
            if key:
                districts[key.strip().lower()] = d.pk
    entities = {e.uscc: (e.pk, e.district_id) for e in Entity.objects.only("uscc", "district_id")}
    return Context(
        params=params or params_mod.current(),
        concordance=load_concordance(),
        districts=districts,
        entities=entities,
        today=timezone.localdate(),
        is_demo=is_demo,
    )


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
    """Canonical field values of one row (ready for the model), or RowError for the first bad field."""
    src: dict[str, Any] = {}
    for header, target in headers.items():
        value = raw.get(header)
        if value not in (None, "") and target not in src:
            src[target] = value
    # The text of every field, stripped (`_text`): non-text cells (Excel numbers, JSON values) are
    # normalised, text is only stripped. Dates and booleans are parsed from `src` (typed cells).
    txt: dict[str, str] = {k: v.strip() if type(v) is str else _text(v) for k, v in src.items()}
    get = txt.get
    values_map = mapping.values
    if has_control_characters("".join(txt.values())):  # one search per row; then find the field
        field_name = next(k for k, v in txt.items() if has_control_characters(v))
        raise RowError(field_name, _("Contains a control character (such as NUL); remove it."))

    number_text = get("application_number", "")
    if not number_text:
        raise RowError("application_number", _("The application number is missing."))
    try:
        canonical, number_year, number_type = _application_number(number_text)
    except patent_number.InvalidPatentNumber as exc:
        raise RowError(
            "application_number",
            _("%(value)s is not a valid application number: %(reason)s")
            % {"value": number_text, "reason": _number_reason(exc.code)},
        ) from None
    ptype = get("type", "")
    ptype = values_map.get("type", _EMPTY).get(ptype, ptype) or number_type
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
    title = get("title", "")
    if not title:
        raise RowError("title", _("The title is missing."))
    if len(title) > 500:
        raise RowError("title", _("The title is longer than 500 characters."))
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

    symbols: list[str] = []
    main_text = get("ipc_main", "")
    for name, texts in (
        ("ipc_main", [main_text] if main_text else []),
        ("ipc", _split_symbols(get("ipc", ""))),
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

    status = get("legal_status", "")
    status = values_map.get("legal_status", _EMPTY).get(status, status) or (
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

    family_members = get("family_members", "")
    family_text = get("overseas_family_granted", "")
    if family_text:
        family = parse_bool(family_text, "overseas_family_granted")
    else:
        members = [m for m in re.split(r"[;,\s]+", family_members) if m]
        family = any(not m.upper().startswith(("CN", "HK", "MO", "TW")) for m in members)
    family_since = parse_date(src.get("overseas_family_since"), "overseas_family_since")

    pledge: Decimal | None = None
    raw_pledge = src.get("pledge_amount")
    raw_wan = src.get("pledge_amount_wan")
    try:
        if _text(raw_pledge):
            text = _text(raw_pledge)
            factor = Decimal(10000) if text.endswith(("万", "万元")) else Decimal(1)
            pledge = parse_money(text.removesuffix("元").removesuffix("万")) * factor
        elif _text(raw_wan):
            pledge = parse_money(Decimal(_text(raw_wan).replace(",", "")) * 10000)
    except (InvalidMoney, ArithmeticError, ValueError):
        raise RowError(
            "pledge_amount", _("Not an amount in yuan: %(value)s") % {"value": _text(raw_pledge or raw_wan)}
        ) from None

    award = get("award", "")
    award = values_map.get("award", _EMPTY).get(award, award)
    if award not in _AWARDS:
        raise RowError(
            "award",
            _(
                "Unknown award %(value)s: use china_patent_award, china_patent_gold, china_patent_silver or national_st_award."
            )
            % {"value": award},
        )

    licence_date = parse_date(src.get("licence_date"), "licence_date")
    transfer_date = parse_date(src.get("transfer_date"), "transfer_date")
    for name, date in (("licence_date", licence_date), ("transfer_date", transfer_date)):
        if date is not None and date < filing:
            raise RowError(name, _("The date %(date)s is before the filing date.") % {"date": date})
    licensee, transferee = get("licensee", ""), get("transferee", "")
    for name, text in (("licensee", licensee), ("transferee", transferee)):
        if len(text) > 300:
            raise RowError(name, _("Longer than %(max)s characters.") % {"max": 300})

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


@lru_cache(maxsize=100_000)
def _ipc(text: str) -> str:
    return ipc_id.validate(text)


def content_hash(values: dict[str, Any], key: str) -> str:
    parts = [key]
    parts += [v if type(v) is str else "" if v is None else str(v) for v in map(values.get, _HASH_FIELDS)]
    return hashlib.md5("\x1f".join(parts).encode("utf-8"), usedforsecurity=False).hexdigest()


_HASH_FIELDS = tuple(
    f for f in WRITE_FIELDS if f not in {"content_hash", "valid_from", "valid_until", "hv_from"}
)


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


# ---------------------------------------------------------------- the run


@dataclass
class ImportResult:
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    rows: int = 0
    report_path: str = ""

    def summary(self) -> str:
        return f"imported {self.imported}, updated {self.updated}, unchanged {self.unchanged}, rejected {self.rejected}"


ProgressCallback = Callable[[int, int, "ImportResult"], None]


def default_report_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.errors.csv")


def run_import(
    path: Path,
    *,
    mapping_name: str = "auto",
    report_path: Path | None = None,
    progress: ProgressCallback | None = None,
    batch_size: int = 20000,
    ctx: Context | None = None,
    pipeline: bool | None = None,
    parser_process: bool | None = None,
) -> ImportResult:
    """Read the file, write good rows batch by batch (each batch its own transaction), report bad rows.

    `pipeline` (default: on PostgreSQL outside a transaction): a second thread writes batch n while
    batch n+1 is parsed. `parser_process` (default off): the file is read and parsed in a forked
    process that hands over parsed batches, so parsing and writing run on two cores; it did not
    measurably help on the shared 2-core machine (docs/adr/0302), so it is opt-in."""
    from django.db import connection

    mapping = load_mapping(mapping_name)
    reader = reader_for(path)
    reader.check_limits()  # a file over the row limit (or a bomb) is refused before any batch is written
    if pipeline is None:
        pipeline = connection.vendor == "postgresql" and not connection.in_atomic_block
    if parser_process is None:
        parser_process = False  # measured: no gain on the 2-core machine (docs/adr/0302)
    parser_process = parser_process and _can_fork()
    ctx = ctx or build_context()
    writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="patent-import") if pipeline else None
    try:
        batches = (
            _batches_from_process(reader, mapping, ctx, batch_size)
            if parser_process
            else _parse_batches(reader, mapping, ctx, batch_size)
        )
        return _run(path, batches, report_path, progress, writer)
    finally:
        if writer is not None:
            writer.shutdown(wait=True)


@dataclass
class Parsed:
    """One batch of parsed rows with what the file reading found on the way."""

    rows: list[dict[str, Any]]
    errors: list[tuple[int, str, str, str]]  # row, application number, field, reason
    seen: int  # rows read (good and bad)
    position: int
    total: int


def _parse_batches(reader: Reader, mapping: Mapping, ctx: Context, batch_size: int) -> Iterator[Parsed]:
    """Read and validate the file; yield batches of distinct good rows and the bad rows before them."""
    headers: dict[str, str] | None = None
    batch: dict[str, dict[str, Any]] = {}
    errors: list[tuple[int, str, str, str]] = []
    seen = 0
    for number, raw in reader.rows():
        seen += 1
        if "__error__" in raw:
            errors.append((number, "", "", raw["__error__"]))
            continue
        if headers is None:
            headers = mapping.resolve(list(raw.keys()))
            if "application_number" not in headers.values():
                raise ImportFileError(
                    _("No application number column found (looked for %(names)s).")
                    % {"names": ", ".join(k for k, v in mapping.columns.items() if v == "application_number")}
                )
        elif isinstance(reader, JsonlReader):
            for key in raw:
                if key not in headers:
                    target = mapping.columns.get(_norm_header(key))
                    if target and target not in headers.values():
                        headers[key] = target
        try:
            values = parse_row(raw, headers, mapping, ctx)
        except RowError as exc:
            num = _text(raw.get(next((h for h, t in headers.items() if t == "application_number"), ""), ""))
            errors.append((number, num, exc.field, exc.reason))
            continue
        key = values["application_number"]
        if key in batch:
            errors.append(
                (
                    number,
                    key,
                    "application_number",
                    _("The same application number appears earlier in this file."),
                )
            )
            continue
        batch[key] = values
        if len(batch) >= batch_size:
            yield Parsed(list(batch.values()), errors, seen, reader.position, reader.total)
            batch, errors, seen = {}, [], 0
    yield Parsed(list(batch.values()), errors, seen, reader.total, reader.total)


def _can_fork() -> bool:
    """fork exists here, and this process may have children (a daemonic Celery worker may not)."""
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods() and not multiprocessing.current_process().daemon


def _parser_main(
    queue: Any, reader: Reader, mapping: Mapping, ctx: Context, batch_size: int, language: str
) -> None:
    """The forked parser: never touches the database (it inherited the parent's connection objects,
    which stay the parent's); sends ("batch", Parsed), then ("done", None) or ("error", exception)."""
    from django.utils import translation

    translation.activate(language)
    try:
        for parsed in _parse_batches(reader, mapping, ctx, batch_size):
            queue.put(("batch", parsed))
        queue.put(("done", None))
    except ImportFileError as exc:
        queue.put(("error", exc))
    except Exception as exc:  # noqa: BLE001 - handed to the parent, which raises it
        queue.put(("error", RuntimeError(f"patent import parser failed: {exc!r}")))


def _batches_from_process(
    reader: Reader, mapping: Mapping, ctx: Context, batch_size: int
) -> Iterator[Parsed]:
    import multiprocessing

    from django.utils import translation

    mp = multiprocessing.get_context("fork")
    queue = mp.Queue(maxsize=2)  # at most two parsed batches waiting: memory stays bounded
    child = mp.Process(
        target=_parser_main,
        args=(queue, reader, mapping, ctx, batch_size, translation.get_language() or "en"),
        name="patent-import-parser",
        daemon=True,
    )
    child.start()
    try:
        while True:
            try:
                kind, payload = queue.get(timeout=5)
            except Exception:  # noqa: BLE001 - queue.Empty: is the parser still alive?
                if not child.is_alive():
                    raise RuntimeError("patent import parser ended unexpectedly") from None
                continue
            if kind == "batch":
                yield payload
            elif kind == "done":
                break
            else:
                raise payload
    finally:
        if child.is_alive():
            child.terminate()
        child.join()
        queue.close()


def _run(
    path: Path,
    batches: Iterator[Parsed],
    report_path: Path | None,
    progress: ProgressCallback | None,
    writer: ThreadPoolExecutor | None,
) -> ImportResult:
    from .writer import write_batch

    result = ImportResult()
    report = report_path or default_report_path(path)
    result.report_path = str(report)
    with open(report, "w", encoding="utf-8-sig", newline="") as report_fh:
        errors = csv_writer(report_fh)  # opened in Excel: imported text must not run
        errors.writerow(["row", "application_number", "field", "reason"])

        pending: list[Future[tuple[int, int, int]]] = []

        def collect() -> None:
            while pending:
                counts = pending.pop(0).result()
                result.imported += counts[0]
                result.updated += counts[1]
                result.unchanged += counts[2]

        for parsed in batches:
            result.rows += parsed.seen
            result.rejected += len(parsed.errors)
            errors.writerows(parsed.errors)
            if parsed.rows:
                if writer is None:
                    pending.append(_done(write_batch(parsed.rows)))
                else:
                    collect()  # at most one batch in flight: memory stays bounded
                    pending.append(writer.submit(_write_in_thread, parsed.rows))
            if writer is None:
                collect()
            if progress:
                progress(parsed.position, parsed.total, result)
        collect()
    return result


def _done(value: tuple[int, int, int]) -> Future[tuple[int, int, int]]:
    future: Future[tuple[int, int, int]] = Future()
    future.set_result(value)
    return future


def _write_in_thread(rows: list[dict[str, Any]]) -> tuple[int, int, int]:
    from django.db import connection

    from .writer import write_batch

    try:
        return write_batch(rows)
    finally:
        connection.close()
