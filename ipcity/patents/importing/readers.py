"""Readers of an import file, row by row in constant memory: CSV and .xlsx through the guarded core
reader (ipcity.core.spreadsheets), JSON Lines here. Every limit of the "patents" import kind applies."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from ipcity.core.spreadsheets import (
    SpreadsheetError,
    TableReader,
    bounded_lines,
    check_file_size,
    limits_for,
    too_many_rows,
)

from .errors import ImportFileError

FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".jsonl": "jsonl", ".ndjson": "jsonl"}


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
