"""One idiom for tabular imports (.xlsx and .csv): per-row errors in both languages, and an explicit policy.

Every import of a table goes the same way (docs/adding-a-model.md, "Imports"):

1. the file is read through the guarded reader (:class:`ipcity.core.spreadsheets.TableReader`: bombs,
   limits, encodings); a file the reader refuses is one error and nothing is written;
2. the header row is mapped to field names (:meth:`Columns.map_header`: the key, the Chinese or the
   English heading, or "中文 / English" as the template writes it; spaces and case ignored), or the
   columns are taken by position (``by_header=False``);
3. every non-blank data row is parsed by the import's ``parse_row(number, values, errors)``, which
   reports each problem with ``errors.add(row, column key, message, **params)``;
4. the rows are written by ``write_row(parsed, result)`` inside one ``transaction.atomic``, each row
   in its own savepoint; a refusal from a service (``ipcity.core.errors.REFUSALS``) refuses that row;
5. the :class:`Policy` decides what is written:

   * ``ALL_OR_NOTHING``: if any row is bad (when parsed or when written) nothing is written and every
     bad row is reported (entity import, ADR 0005; progress-report import, ADR 0021);
   * ``GOOD_ROWS``: the good rows are written and every bad row is reported (``result.skipped``).

   A problem with the file as a whole (unreadable, over a limit, a required column missing, an
   unknown column when ``unknown_headers="report"``, no data rows) writes nothing under either policy.

Messages are lazy (``gettext_lazy``) or msgids (``gettext_noop``); :func:`bilingual` renders them in
Chinese and English. The error list can be downloaded as a spreadsheet (:func:`error_report_xlsx`,
:func:`error_report_csv`), written through ``ipcity.core.excel`` so no cell runs as a formula.
"""

from __future__ import annotations

import enum
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any, Literal, TypeVar

from django.db import transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl.utils import get_column_letter

from .errors import REFUSALS, message_text
from .excel import append_row, csv_writer
from .spreadsheets import SpreadsheetError, TableReader

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

LANGUAGES = ("zh-hans", "en")
R = TypeVar("R", bound="ImportResult")


class Policy(enum.Enum):
    """What an import writes when some rows are bad."""

    ALL_OR_NOTHING = "all_or_nothing"  # one bad row: nothing is written
    GOOD_ROWS = "good_rows"  # the good rows are written, the bad ones reported


def bilingual(message: StrOrPromise, /, **params: Any) -> tuple[str, str]:
    """(Chinese, English) of a lazy message or of a msgid (``gettext_noop``), with ``%(name)s`` params."""
    out = []
    for lang in LANGUAGES:
        with translation.override(lang):
            text = str(message) if isinstance(message, Promise) else gettext(message)
            out.append(text % params if params else text)
    return out[0], out[1]


@dataclass
class RowError:
    """One problem: the row number as the spreadsheet shows it (0 or 1 for the file as a whole), the
    column as the import labels it ("" for the whole row), and the reason in both languages."""

    row: int
    column: str
    message_zh: str
    message_en: str
    code: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }

    def __str__(self) -> str:
        return f"row {self.row}, {self.column}: {self.message_zh} / {self.message_en}"


@dataclass
class ImportResult:
    """What an import did. ``rows``: non-blank data rows read; ``skipped``: bad rows (reported, not
    written); ``written``: what ``write_row`` chose to keep (e.g. the saved objects). Under
    ``ALL_OR_NOTHING`` with any error, ``created``/``updated``/``written`` are zero/empty."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    written: list[Any] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def reset_writes(self) -> None:
        """Called when the transaction is rolled back: nothing was written. Extend for extra counters."""
        self.created = self.updated = 0
        self.written = []


# --------------------------------------------------------------------------- columns and cells


def normalise_header(text: Any) -> str:
    """A heading as compared: no whitespace, lower case."""
    return "".join(str(text or "").split()).lower()


def cell_text(value: Any) -> str:
    """A cell as text: None is "", 12.0 is "12", surrounding spaces go."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    required: bool = False

    @property
    def heading(self) -> str:
        return f"{self.zh} / {self.en}"


@dataclass
class HeaderMap:
    positions: dict[str, int]  # key -> index of its column, in the order of the header row
    missing: list[str]  # required keys without a column
    unknown: list[tuple[int, str]]  # (index, heading) of columns that are none of the import's


class Columns:
    """The columns of one import. ``letters=True`` labels errors "E 完成百分比 / Percent complete"."""

    def __init__(self, columns: Iterable[Column], *, letters: bool = False) -> None:
        self.columns = list(columns)
        self.letters = letters
        self.keys = [c.key for c in self.columns]
        self._by_key = {c.key: c for c in self.columns}

    def __iter__(self) -> Any:
        return iter(self.columns)

    def __len__(self) -> int:
        return len(self.columns)

    def headings(self) -> list[str]:
        """The header row of a template: "中文 / English" for each column."""
        return [c.heading for c in self.columns]

    def label(self, key: str) -> str:
        column = self._by_key.get(key)
        if column is None:
            return key
        if self.letters:
            return f"{get_column_letter(self.keys.index(key) + 1)} {column.heading}"
        return column.heading

    def map_header(self, header: Sequence[Any]) -> HeaderMap:
        index: dict[str, str] = {}
        for c in self.columns:
            for text in (c.key, c.zh, c.en, c.heading, f"{c.zh}/{c.en}"):
                index[normalise_header(text)] = c.key
        positions: dict[str, int] = {}
        unknown: list[tuple[int, str]] = []
        for i, heading in enumerate(header):
            key = index.get(normalise_header(heading))
            if key is None:
                if cell_text(heading):
                    unknown.append((i, cell_text(heading)))
            elif key not in positions:
                positions[key] = i
        missing = [c.key for c in self.columns if c.required and c.key not in positions]
        return HeaderMap(positions, missing, unknown)


class RowErrors:
    """Collects the errors of an import; ``add`` renders a message in both languages."""

    def __init__(self, columns: Columns | None = None, errors: list[RowError] | None = None) -> None:
        self.columns = columns
        self.errors = errors if errors is not None else []

    def __len__(self) -> int:
        return len(self.errors)

    def add(
        self,
        row: int,
        key: str,
        message: StrOrPromise,
        /,
        *,
        code: str = "",
        column: str | None = None,
        **params: Any,
    ) -> None:
        """``key``: the column's key ("" for the whole row), labelled as the import labels its columns;
        ``column``: the label as is instead (e.g. an unknown heading as typed)."""
        zh, en = bilingual(message, **params)
        self.add_text(row, key, zh, en, code=code, column=column)

    def add_text(
        self,
        row: int,
        key: str,
        message_zh: str,
        message_en: str,
        *,
        code: str = "",
        column: str | None = None,
    ) -> None:
        """An already rendered message (e.g. a service's error, the same text in both columns)."""
        if column is None:
            column = (self.columns.label(key) if self.columns else key) if key else ""
        self.errors.append(RowError(row, column, message_zh, message_en, code))

    def file_error(self, row: int, exc: SpreadsheetError) -> None:
        zh, en = exc.both()
        self.errors.append(RowError(row, "", zh, en, exc.code or ""))


# --------------------------------------------------------------------------- the driver


def read_rows(
    reader: TableReader, errors: RowErrors, *, error_row: int = 1
) -> list[tuple[int, list[Any]]] | None:
    """Every row (header first) of the reader, or None with one error if the reader refuses the file."""
    try:
        return list(reader.rows())
    except SpreadsheetError as exc:
        errors.file_error(error_row, exc)
        return None


def _default_refusal(number: int, exc: Exception, errors: RowErrors) -> None:
    message = message_text(exc) if isinstance(exc, REFUSALS) else str(exc)
    errors.add(number, "", _("This row was refused: %(reason)s"), reason=message)


def run_import(
    source: TableReader | Sequence[tuple[int, list[Any]]],
    *,
    columns: Columns,
    parse_row: Callable[[int, dict[str, str], RowErrors], Any],
    write_row: Callable[[Any, R], None],
    policy: Policy,
    result: R,
    by_header: bool = True,
    unknown_headers: Literal["ignore", "report"] = "report",
    file_error_row: int = 1,
    empty_file: tuple[int, StrOrPromise] = (1, _("The file is empty.")),
    no_rows: tuple[int, StrOrPromise] = (2, _("The file has no data rows.")),
    on_refusal: Callable[[int, Exception, RowErrors], None] = _default_refusal,
    stop_at_refusal: bool = False,
    on_written: Callable[[R], None] | None = None,
) -> R:
    """Read, parse every row, then write under ``policy`` in one transaction (see the module docstring).

    ``source``: a TableReader, or its rows already read (header first). ``by_header=False`` takes the
    columns in order and ignores the header row's text. ``parse_row`` returns the parsed row (anything
    but None) or reports errors; ``write_row`` writes one parsed row and counts it in ``result``.
    ``on_refusal`` reports a row a service refused; ``on_written(result)`` runs in the same transaction
    once at least one row is written and kept (the place for ``audit_record`` of the import as a whole)."""
    errors = RowErrors(columns, result.errors)
    if isinstance(source, TableReader):
        rows = read_rows(source, errors, error_row=file_error_row)
        if rows is None:
            return result
    else:
        rows = list(source)

    width = len(columns)
    if by_header:
        if not rows:
            errors.add(empty_file[0], "", empty_file[1])
            return result
        header = columns.map_header(rows[0][1])
        for key in header.missing:
            errors.add(rows[0][0], key, _("Required column is missing from the header row."))
        if unknown_headers == "report":
            for _index, heading in header.unknown:
                errors.add(
                    rows[0][0],
                    "",
                    _("Unknown column “%(value)s”: it is none of this import's columns."),
                    code="unknown_column",
                    column=heading,
                    value=heading,
                )
        if errors:
            return result
        positions = header.positions

        def values_of(raw: list[Any]) -> dict[str, str] | None:
            if not any(cell_text(v) for v in raw):
                return None
            values = {key: cell_text(raw[pos]) if pos < len(raw) else "" for key, pos in positions.items()}
            for key in columns.keys:
                values.setdefault(key, "")
            return values
    else:

        def values_of(raw: list[Any]) -> dict[str, str] | None:
            cells = [cell_text(v) for v in (list(raw) + [None] * width)[:width]]
            return dict(zip(columns.keys, cells, strict=True)) if any(cells) else None

    data = [(number, values) for number, raw in rows[1:] if (values := values_of(raw)) is not None]
    if not data:
        errors.add(no_rows[0], "", no_rows[1])
        return result

    good: list[tuple[int, Any]] = []
    for number, values in data:
        result.rows += 1
        before = len(errors)
        parsed = parse_row(number, values, errors)
        if parsed is not None and len(errors) == before:
            good.append((number, parsed))
        else:
            result.skipped += 1
    if errors and policy is Policy.ALL_OR_NOTHING:
        return result

    with transaction.atomic():
        refused = False
        written = 0
        for number, parsed in good:
            try:
                with transaction.atomic():  # a savepoint: a refused row leaves nothing behind
                    write_row(parsed, result)
            except REFUSALS as exc:  # a DomainError, or Django's ValidationError / PermissionDenied
                refused = True
                result.skipped += 1
                on_refusal(number, exc, errors)
                if stop_at_refusal:
                    break
            else:
                written += 1
        if refused and policy is Policy.ALL_OR_NOTHING:
            transaction.set_rollback(True)
            result.reset_writes()
            return result
        if written and on_written is not None:
            on_written(result)
    return result


# --------------------------------------------------------------------------- the error report

ERROR_REPORT_HEADER = ["行 / Row", "列 / Column", "原因 / Reason (中文)", "Reason (English)"]


def _error_rows(errors: Iterable[RowError]) -> Iterable[list[Any]]:
    for e in errors:
        yield [e.row, e.column, e.message_zh, e.message_en]


def error_report_xlsx(errors: Iterable[RowError]) -> bytes:
    """The errors as an .xlsx (one row per error); text that looks like a formula stays text."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "errors"
    append_row(sheet, ERROR_REPORT_HEADER)
    for values in _error_rows(errors):
        append_row(sheet, values)
    for letter, width in zip("ABCD", (8, 30, 60, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def error_report_csv(errors: Iterable[RowError], stream: IO[str] | None = None) -> str:
    """The errors as CSV text (UTF-8 with BOM when saved, for Excel); formula-like text is quoted."""
    out = stream if stream is not None else io.StringIO()
    writer = csv_writer(out)
    writer.writerow(ERROR_REPORT_HEADER)
    writer.writerows(_error_rows(errors))
    return out.getvalue() if isinstance(out, io.StringIO) else ""
