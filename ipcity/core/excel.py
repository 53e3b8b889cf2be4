"""Writing spreadsheet cells (Excel and CSV) that cannot fail on their data, nor run it.

An .xlsx cell cannot hold C0 control characters (openpyxl raises IllegalCharacterError, which would be
a 500 on an export page). The request middleware refuses them at the edge, but data also arrives by
imports and from before that rule; so every Excel export writes through `append_row` / `write_cell`.

Text typed by anyone (an anonymous registration, an applicant, a department) that starts with = + - @, a
tab or a carriage return is a formula to Excel and LibreOffice ("formula" or "CSV injection"). So:

- in .xlsx, such text is written as a text cell with Excel's quote prefix (the same as typing a leading
  apostrophe): it shows exactly as typed and stays text if someone edits the cell; openpyxl would
  otherwise write "=..." as a real formula;
- in CSV, which has no cell types, it gets a leading apostrophe (OWASP's advice); so that a copy can be
  read back exactly (the audit export is re-verified from its hashes), text that already starts with an
  apostrophe gets one too, and `csv_unquote` undoes both.

Numbers (int, float, Decimal) are never touched, and neither is text that is just a number ("-12.5").
docs/adr/0005-spreadsheet-exports.md explains the choice.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import IO, Any

from openpyxl.cell.cell import ERROR_CODES, Cell, WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from .text import CONTROL_CHARACTERS

# Word's manual line break (\x0b) and page break (\x0c) become line breaks; the other controls go.
_LINE_BREAKS = re.compile(r"[\x0b\x0c]")

# What makes a spreadsheet read text as a formula when it comes first (OWASP, CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


def cell_value(value: Any) -> Any:
    """The value as a cell can hold it: text without control characters; anything else unchanged."""
    if isinstance(value, str):
        return CONTROL_CHARACTERS.sub("", _LINE_BREAKS.sub("\n", value))
    return value


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet would take this text for a formula (a plain number such as "-12.5" is not)."""
    return text.startswith(FORMULA_TRIGGERS) and _PLAIN_NUMBER.fullmatch(text) is None


def _as_text(cell: Cell) -> Cell:
    """Keep a text cell text: never a formula (openpyxl makes "=..." one) nor an error value ("#N/A")."""
    if isinstance(cell.value, str) and (cell.data_type != "s" or is_formula_like(cell.value)):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _safe(sheet: Worksheet | WriteOnlyWorksheet, value: Any) -> Any:
    value = cell_value(value)
    if isinstance(value, str) and (is_formula_like(value) or value in ERROR_CODES):
        return _as_text(WriteOnlyCell(sheet, value=value))  # a detached cell: both kinds of sheet take one
    return value


def append_row(sheet: Worksheet | WriteOnlyWorksheet, values: Iterable[Any]) -> None:
    """`sheet.append(values)` with every value made safe: no control characters, text stays text."""
    sheet.append([_safe(sheet, v) for v in values])


def write_cell(sheet: Worksheet, *, row: int, column: int, value: Any) -> Cell:
    """`sheet.cell(row, column, value)` with the value made safe as in `append_row`."""
    cell = sheet.cell(row=row, column=column)
    cell.value = cell_value(value)
    return _as_text(cell)


def csv_value(value: Any) -> Any:
    """The value as a CSV cell can carry it without being run: see the module's docstring."""
    if isinstance(value, str) and (is_formula_like(value) or value.startswith("'")):
        return "'" + value
    return value


def csv_unquote(text: str) -> str:
    """The text `csv_value` was given, from what it wrote (for reading an export back)."""
    return text[1:] if text.startswith("'") else text


class SafeCsvWriter:
    """`csv.writer` whose rows go through `csv_value`. Every CSV export writes through one."""

    def __init__(self, stream: IO[str] | Any, **kwargs: Any) -> None:
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([csv_value(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream: IO[str] | Any, **kwargs: Any) -> SafeCsvWriter:
    """A CSV writer for an export (an HttpResponse or a file): text that a spreadsheet would run is quoted."""
    return SafeCsvWriter(stream, **kwargs)
