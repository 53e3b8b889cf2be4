"""One guarded reader for uploaded spreadsheets (.xlsx) and CSV files.

An upload is hostile until read: a 511 KB .xlsx can inflate to 500 MiB of XML, and a 1.6 KB sheet can
declare ``A1:ZZ60000`` so that openpyxl pads 42 million empty cells. This module is the only place an
import opens an uploaded table:

* an .xlsx is inspected as a zip **before** openpyxl opens it: number of members, total declared
  uncompressed size, per-member compression ratio, no encrypted members, no nested archives, no
  external links (Python's zipfile never inflates a member past its declared size: a lying header
  gives a CRC error, not more bytes);
* the workbook is opened ``read_only`` (streaming), its declared dimension is discarded
  (``reset_dimensions``), and rows are read no wider than the header row;
* XML entity expansion is refused by defusedxml, which openpyxl uses when it is installed (a
  dependency);
* a CSV is decoded incrementally (UTF-8 with or without BOM, or GB18030) with a line-length limit;
* every reader counts non-blank data rows and stops with "文件超过 N 行 / The file has more than N
  rows" at the first row over the limit of its import kind; the callers reject the whole file
  (nothing is written), the patent import checks the count before its first batch.

Limits are per import kind (``limits_for("entities")``), defaults below, overridable in
``settings.IMPORT_LIMITS`` (docs/operations.md). Errors are :class:`SpreadsheetError`, a
``ValidationError`` that can render itself in both languages.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MiB = 1024 * 1024
GiB = 1024 * MiB
EXCEL_MAX_ROWS = 1_048_576  # a row number beyond the format's own limit is a malformed (or hostile) sheet
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Limits:
    max_rows: int = 20_000  # non-blank data rows (the header row not counted)
    max_columns: int = 100  # width of the header row; data rows are read no wider than the header
    max_cell_chars: int = 32_767  # Excel's own limit for one cell
    max_line_chars: int = 1 * MiB  # one physical line of a CSV or JSON Lines file
    max_uncompressed_bytes: int = 100 * MiB  # all members of an .xlsx together, as declared
    max_ratio: int = 100  # uncompressed / compressed size of one member …
    ratio_floor_bytes: int = 4 * MiB  # … checked for members larger than this
    max_members: int = 500
    max_file_bytes: int = 0  # the file itself; 0: settings.UPLOAD_MAX_BYTES


# Per import kind; settings.IMPORT_LIMITS[kind] overrides any of these fields.
KIND_DEFAULTS: dict[str, dict[str, int]] = {
    "entities": {"max_rows": 20_000, "max_uncompressed_bytes": 100 * MiB},
    "reports": {"max_rows": 2_000, "max_uncompressed_bytes": 50 * MiB},
    "patents": {
        "max_rows": 5_000_000,
        "max_columns": 200,
        "max_uncompressed_bytes": 8 * GiB,
        "max_file_bytes": 4 * GiB,
    },
    "simulation": {"max_rows": 200_000, "max_uncompressed_bytes": 200 * MiB},
}


def limits_for(kind: str) -> Limits:
    configured = getattr(settings, "IMPORT_LIMITS", {}).get(kind, {})
    known = {f.name for f in fields(Limits)}
    values = {k: int(v) for k, v in {**KIND_DEFAULTS.get(kind, {}), **configured}.items() if k in known}
    values.setdefault("max_file_bytes", 0)
    if not values["max_file_bytes"]:
        values["max_file_bytes"] = int(settings.UPLOAD_MAX_BYTES)
    return replace(Limits(), **values)


class SpreadsheetError(ValidationError):
    """The file as a whole is refused; renders in either language (``both()`` → (zh, en))."""

    def __init__(self, message: StrOrPromise, code: str, **params: Any) -> None:
        super().__init__(message, code=code, params=params or None)
        self.lazy_message = message
        self.message_params = params

    def in_language(self, language: str) -> str:
        with translation.override(language):
            text = str(self.lazy_message)
        return text % self.message_params if self.message_params else text

    def both(self) -> tuple[str, str]:
        return self.in_language("zh-hans"), self.in_language("en")

    def __str__(self) -> str:
        zh, en = self.both()
        return f"{zh} / {en}"


def too_many_rows(limits: Limits) -> SpreadsheetError:
    return SpreadsheetError(
        _("The file has more than %(max)s rows; split it into smaller files."),
        "too_many_rows",
        max=limits.max_rows,
    )


def check_file_size(size: int, limits: Limits) -> None:
    if size > limits.max_file_bytes:
        raise SpreadsheetError(
            _("The file is too large (%(size)s MB; at most %(max)s MB)."),
            "too_large",
            size=size // MiB,
            max=limits.max_file_bytes // MiB,
        )


# --------------------------------------------------------------------------- .xlsx as a zip

_NESTED_ARCHIVES = (".zip", ".xlsx", ".xlsm", ".xlsb", ".xls", ".docx", ".pptx", ".jar", ".gz", ".7z", ".rar")


def check_xlsx_archive(source: Path | IO[bytes], limits: Limits) -> None:
    """Refuse a workbook whose zip container could exhaust memory or reach outside the file."""
    unreadable = SpreadsheetError(
        _("The file is not an Excel workbook (.xlsx) that can be read."), "not_xlsx"
    )
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise unreadable from None
    finally:
        if not isinstance(source, Path):
            source.seek(0)
    if len(members) > limits.max_members:
        raise SpreadsheetError(
            _("The workbook has too many parts (%(count)s; at most %(max)s)."),
            "too_many_members",
            count=len(members),
            max=limits.max_members,
        )
    names = {m.filename.lower() for m in members}
    if "[content_types].xml" not in names:
        raise unreadable
    total = 0
    for member in members:
        name = member.filename.lower()
        if member.flag_bits & 0x1:
            raise SpreadsheetError(_("The workbook is encrypted: save it without a password."), "encrypted")
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise unreadable
        if name.endswith(_NESTED_ARCHIVES):
            raise SpreadsheetError(
                _("The workbook contains an embedded file or archive (%(name)s); remove it and save again."),
                "nested_archive",
                name=member.filename[:100],
            )
        if "externallink" in name:
            raise SpreadsheetError(
                _("The workbook links to other workbooks; remove the external links and save again."),
                "external_link",
            )
        total += member.file_size
        if member.file_size > limits.ratio_floor_bytes and member.file_size > limits.max_ratio * max(
            member.compress_size, 1
        ):
            raise SpreadsheetError(
                _(
                    "The workbook is compressed suspiciously well (%(name)s expands %(ratio)s times); it is refused."
                ),
                "compression_ratio",
                name=member.filename[:100],
                ratio=member.file_size // max(member.compress_size, 1),
            )
    if total > limits.max_uncompressed_bytes:
        raise SpreadsheetError(
            _("The workbook expands to %(size)s MB; at most %(max)s MB are accepted."),
            "too_large_uncompressed",
            size=total // MiB,
            max=limits.max_uncompressed_bytes // MiB,
        )


# Row start tags in the sheet XML (any namespace prefix): an upper bound on the number of rows.
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")


def _first_worksheet_path(archive: zipfile.ZipFile) -> str:
    """The zip path of the workbook's first worksheet (what openpyxl's ``worksheets[0]`` reads),
    found from the manifest and the workbook's relations without loading shared strings or styles."""
    from openpyxl.packaging.manifest import Manifest
    from openpyxl.reader.excel import _find_workbook_part
    from openpyxl.reader.workbook import WorkbookParser
    from openpyxl.xml.functions import fromstring

    package = Manifest.from_tree(fromstring(archive.read("[Content_Types].xml")))
    parser = WorkbookParser(archive, _find_workbook_part(package).PartName[1:])
    parser.parse()
    names = set(archive.namelist())
    for _sheet, rel in parser.find_sheets():
        if rel.target in names and "chartsheet" not in rel.Type:
            return str(rel.target)
    raise KeyError("no worksheet")


def xlsx_row_tags(source: Path | IO[bytes]) -> int:
    """Count the row elements of the first sheet by streaming its XML (no parsing, constant memory).
    Call after check_xlsx_archive. An upper bound on the rows openpyxl yields (blank ones included)."""
    try:
        with zipfile.ZipFile(source) as archive:
            count = 0
            tail = b""
            with archive.open(_first_worksheet_path(archive)) as xml:
                while chunk := xml.read(CHUNK):
                    data = tail + chunk
                    count += len(_ROW_TAG.findall(data))
                    # a tag cut by the chunk boundary is counted in the next round, never twice
                    cut = data.rfind(b"<")
                    tail = data[cut:] if cut >= 0 and len(data) - cut < 64 else b""
                    if tail:
                        count -= len(_ROW_TAG.findall(tail))
            return count
    except SpreadsheetError:
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged workbook (zip, XML, missing part, entity declaration)
        raise _unreadable(exc) from None
    finally:
        if not isinstance(source, Path):
            source.seek(0)


def _unreadable(exc: Exception) -> SpreadsheetError:
    from defusedxml import DefusedXmlException

    if isinstance(exc, SpreadsheetError):
        return exc
    chain: list[BaseException] = []
    cause: BaseException | None = exc
    while cause is not None and len(chain) < 10:  # openpyxl wraps the parser's error in a ValueError
        chain.append(cause)
        cause = cause.__cause__ or cause.__context__
    if any(isinstance(e, DefusedXmlException) for e in chain):
        return SpreadsheetError(
            _("The workbook declares XML entities or a DTD (an “XML bomb”); it is refused."), "xml_entities"
        )
    return SpreadsheetError(_("The file is not an Excel workbook (.xlsx) that can be read."), "not_xlsx")


# --------------------------------------------------------------------------- the reader


def _blank(values: list[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


class TableReader:
    """Rows of the first sheet of an .xlsx, or of a CSV, header first, with every limit applied.

    ``rows()`` yields ``(row number, values)`` for the header row and then every non-blank data row,
    each no wider than the header. ``position``/``total`` tell how far through the file it is (bytes,
    or an estimate for .xlsx once ``expected_rows`` is known)."""

    def __init__(self, source: Path | IO[bytes], filename: str, limits: Limits) -> None:
        self.source = source
        self.limits = limits
        self.format = "xlsx" if filename.lower().endswith(".xlsx") else "csv"
        self.total = source.stat().st_size if isinstance(source, Path) else _size(source)
        self.position = 0
        self.expected_rows = 0  # .xlsx: row tags counted by count_rows(), for progress

    # ------------------------------------------------------------------ public

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        check_file_size(self.total, self.limits)
        yield from self._xlsx_rows() if self.format == "xlsx" else self._csv_rows()

    def count_rows(self) -> int:
        """The number of non-blank data rows, raising too_many_rows past the limit; cheap when a fast
        upper bound (lines of a CSV, row tags of a sheet) is already within the limit."""
        check_file_size(self.total, self.limits)
        if self.format == "xlsx":
            check_xlsx_archive(self.source, self.limits)
            bound = xlsx_row_tags(self.source)
            self.expected_rows = bound
        else:
            bound = _count_newlines(self.source) + 1
        if bound <= self.limits.max_rows + 1:
            return max(bound - 1, 0)
        count = sum(1 for _ in self.rows()) - 1  # raises past the limit
        self.position = 0
        return max(count, 0)

    # ------------------------------------------------------------------ xlsx

    def _xlsx_rows(self) -> Iterator[tuple[int, list[Any]]]:
        import openpyxl

        limits = self.limits
        check_xlsx_archive(self.source, limits)
        try:
            book = openpyxl.load_workbook(self.source, read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds (zip, KeyError, XML, defusedxml)
            raise _unreadable(exc) from None
        try:
            if not book.worksheets:
                raise SpreadsheetError(_("The file is empty."), "empty")
            sheet: Any = book.worksheets[0]
            sheet.reset_dimensions()  # the declared <dimension ref> is not trusted: never pad to it
            try:
                header_rows = sheet.iter_rows(
                    min_row=1, max_row=1, max_col=limits.max_columns + 1, values_only=True
                )
                header = list(next(header_rows, ()))
                width = self._header_width(header)
                yield 1, header[:width]
                data_rows = 0
                for number, values in enumerate(
                    sheet.iter_rows(min_row=2, max_col=width, values_only=True), start=2
                ):
                    if values.count(None) == len(values) and number <= EXCEL_MAX_ROWS:
                        continue  # a missing row openpyxl fills in: skipped without a look
                    if number > EXCEL_MAX_ROWS:
                        raise SpreadsheetError(
                            _("The sheet has rows beyond Excel's last row (%(max)s); it is damaged."),
                            "row_number",
                            max=EXCEL_MAX_ROWS,
                        )
                    if self.expected_rows:
                        self.position = int(self.total * min(number, self.expected_rows) / self.expected_rows)
                    row = list(values)
                    if _blank(row):
                        continue
                    data_rows += 1
                    if data_rows > limits.max_rows:
                        raise too_many_rows(limits)
                    self._check_cells(number, row)
                    yield number, row
            except SpreadsheetError:
                raise
            except Exception as exc:  # noqa: BLE001 - a damaged sheet XML, an entity declaration (defusedxml) …
                raise _unreadable(exc) from None
            self.position = self.total
        finally:
            book.close()
            if not isinstance(self.source, Path):
                self.source.seek(0)

    # ------------------------------------------------------------------ csv

    def _csv_rows(self) -> Iterator[tuple[int, list[Any]]]:
        import csv

        limits = self.limits
        stream: IO[bytes] = open(self.source, "rb") if isinstance(self.source, Path) else self.source  # noqa: SIM115
        try:
            stream.seek(0)
            encoding = _detect_encoding(stream.read(CHUNK))
            stream.seek(0)
            lines = self._lines(stream, encoding)
            reader = csv.reader(lines)
            try:
                header = next(reader, [])
                width = self._header_width(list(header))
                yield 1, list(header[:width])
                data_rows = 0
                max_cell = limits.max_cell_chars
                for row in reader:
                    if not "".join(row).strip():
                        continue  # a blank line (every field empty or spaces)
                    data_rows += 1
                    if data_rows > limits.max_rows:
                        raise too_many_rows(limits)
                    values = row[:width]
                    if max(map(len, values)) > max_cell:
                        self._check_cells(reader.line_num, values)
                    yield reader.line_num, values
            except csv.Error as exc:
                raise SpreadsheetError(
                    _("The CSV file cannot be read near line %(line)s: %(error)s"),
                    "csv",
                    line=reader.line_num,
                    error=str(exc)[:200],
                ) from None
            self.position = self.total
        finally:
            if isinstance(self.source, Path):
                stream.close()
            else:
                stream.seek(0)

    def _lines(self, stream: IO[bytes], encoding: str) -> Iterator[str]:
        """Decoded physical lines (ends kept: \\r\\n, \\n or \\r), each at most max_line_chars."""
        limit = self.limits.max_line_chars
        decoder = codecs.getincrementaldecoder(encoding)()
        pending = ""
        line = 1
        while True:
            chunk = stream.read(CHUNK)
            final = not chunk
            self.position += len(chunk)
            try:
                pending += decoder.decode(chunk, final=final)
            except UnicodeDecodeError as exc:
                bad_line = line + pending.count("\n") + chunk[: max(exc.start, 0)].count(b"\n")
                raise SpreadsheetError(
                    _("Line %(line)s is not valid UTF-8 or GB18030 text: save the file as UTF-8 CSV."),
                    "encoding",
                    line=bad_line,
                ) from None
            # StringIO with newline="" splits on \r\n, \n and \r and keeps the ends, in C.
            lines = io.StringIO(pending, newline="").readlines()
            pending = ""
            # The last piece may be cut by the chunk boundary (no end yet, or a "\r" before its "\n").
            if lines and not final and (not lines[-1].endswith(("\n", "\r")) or lines[-1].endswith("\r")):
                pending = lines.pop()
            if lines and max(map(len, lines)) > limit:
                raise self._line_too_long(line + next(i for i, t in enumerate(lines) if len(t) > limit))
            if len(pending) > limit:
                raise self._line_too_long(line + len(lines))
            yield from lines
            line += len(lines)
            if final:
                return

    def _line_too_long(self, line: int) -> SpreadsheetError:
        return SpreadsheetError(
            _("Line %(line)s is longer than %(max)s characters."),
            "line_too_long",
            line=line,
            max=self.limits.max_line_chars,
        )

    # ------------------------------------------------------------------ shared

    def _header_width(self, header: list[Any]) -> int:
        width = len(header)
        while width and (header[width - 1] is None or str(header[width - 1]).strip() == ""):
            width -= 1
        if width == 0:
            raise SpreadsheetError(
                _("The first row must hold the column headings; it is empty."), "no_header"
            )
        if width > self.limits.max_columns:
            raise SpreadsheetError(
                _("The header row has more than %(max)s columns."),
                "too_many_columns",
                max=self.limits.max_columns,
            )
        return width

    def _check_cells(self, number: int, values: list[Any]) -> None:
        for value in values:
            if isinstance(value, str) and len(value) > self.limits.max_cell_chars:
                raise SpreadsheetError(
                    _("Row %(row)s has a cell longer than %(max)s characters."),
                    "cell_too_long",
                    row=number,
                    max=self.limits.max_cell_chars,
                )


def _detect_encoding(head: bytes) -> str:
    """UTF-8 (with or without BOM) if the first bytes decode as UTF-8, else GB18030 (what Chinese Excel
    writes); refuse anything else."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return encoding
    raise SpreadsheetError(_("The CSV file must be encoded as UTF-8 or GB18030."), "encoding")


def _size(stream: IO[bytes]) -> int:
    size = getattr(stream, "size", None)
    if isinstance(size, int):
        return size
    here = stream.tell()
    end = stream.seek(0, 2)
    stream.seek(here)
    return end


def _count_newlines(source: Path | IO[bytes]) -> int:
    stream: IO[bytes] = open(source, "rb") if isinstance(source, Path) else source  # noqa: SIM115
    try:
        stream.seek(0)
        count = 0
        while chunk := stream.read(MiB):
            # \n, \r\n or a lone \r (a \r\n cut by the chunk boundary counts twice: still an upper bound)
            count += chunk.count(b"\n") + chunk.count(b"\r") - chunk.count(b"\r\n")
        return count
    finally:
        if isinstance(source, Path):
            stream.close()
        else:
            stream.seek(0)


def bounded_lines(stream: IO[bytes], limits: Limits) -> Iterator[bytes]:
    """Physical lines of a binary file (JSON Lines), refusing one longer than max_line_chars bytes."""
    number = 0
    while line := stream.readline(limits.max_line_chars + 1):
        number += 1
        if len(line) > limits.max_line_chars:
            raise SpreadsheetError(
                _("Line %(line)s is longer than %(max)s characters."),
                "line_too_long",
                line=number,
                max=limits.max_line_chars,
            )
        yield line


def read_table(source: Path | IO[bytes], filename: str, kind: str) -> list[list[Any]]:
    """All rows (header first) of a small import, every limit of ``kind`` applied. For the all-or-nothing
    imports whose whole file fits in memory once its row count is bounded."""
    return [values for _number, values in TableReader(source, filename, limits_for(kind)).rows()]
