"""Builders of hostile (and honest) import files, written straight to disk so a test stays cheap:
the whitespace bomb is deflated while it is written, a chunk at a time. Used by the tests and by
bench/import_bombs.py."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

MiB = 1024 * 1024
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<workbook xmlns="{NS}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)


class Raw(str):
    """Cell text written into the XML as it is (an entity reference), not escaped."""


def _column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def row_xml(number: int, values: Sequence[Any]) -> str:
    cells = []
    for i, value in enumerate(values):
        if value is None:
            continue
        ref = f"{_column(i)}{number}"
        if isinstance(value, int | float):
            cells.append(f'<c r="{ref}"><v>{value}</v></c>')
        else:
            text = value if isinstance(value, Raw) else escape(str(value))
            cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>')
    return f'<row r="{number}">{"".join(cells)}</row>'


def write_xlsx(
    path: Path,
    rows: Iterable[Sequence[Any]],
    *,
    dimension: str | None = None,
    whitespace_bytes: int = 0,
    doctype: str = "",
    extra_members: dict[str, bytes] | None = None,
    last_cell: str | None = None,
) -> Path:
    """A minimal workbook (inline strings) streamed into a deflated zip. `whitespace_bytes` of blanks
    go between the rows of <sheetData> (an XML text node the parser accumulates); `dimension` is the
    declared <dimension ref>; `last_cell` (e.g. "ZZ60000") adds one cell there, far below the rows;
    `doctype` is put before the root element."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        for name, data in (extra_members or {}).items():
            archive.writestr(name, data)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            head = (
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{doctype}<worksheet xmlns="{NS}">'
            )
            if dimension:
                head += f'<dimension ref="{dimension}"/>'
            sheet.write((head + "<sheetData>").encode())
            for number, values in enumerate(rows, start=1):
                sheet.write(row_xml(number, values).encode())
                if number == 1 and whitespace_bytes:
                    block = b" " * MiB
                    left = whitespace_bytes
                    while left > 0:
                        sheet.write(block[: min(left, MiB)])
                        left -= MiB
            if last_cell:
                last_row = "".join(ch for ch in last_cell if ch.isdigit())
                sheet.write(f'<row r="{last_row}"><c r="{last_cell}"><v>0</v></c></row>'.encode())
            sheet.write(b"</sheetData></worksheet>")
    return path


def whitespace_bomb(
    path: Path, header: Sequence[str], row: Sequence[Any], whitespace_bytes: int = 500 * MiB
) -> Path:
    """A valid workbook of two rows whose sheet XML carries `whitespace_bytes` of blanks (~1000:1)."""
    return write_xlsx(path, [header, row], whitespace_bytes=whitespace_bytes)


def dimension_bomb(path: Path, header: Sequence[str], row: Sequence[Any], ref: str = "A1:ZZ60000") -> Path:
    """A tiny workbook that declares a huge used range and has one cell in its far corner: openpyxl pads
    every row to the declared width and fills the gap up to the corner (702 × 60,000 = 42 M cells)."""
    return write_xlsx(path, [header, row], dimension=ref, last_cell=ref.split(":")[1])


BILLION_LAUGHS = (
    '<!DOCTYPE worksheet [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    )
    + "]>"
)


def billion_laughs(path: Path, header: Sequence[str]) -> Path:
    """A workbook whose sheet XML declares nested entities (10^9 "lol"s if expanded) and uses one."""
    return write_xlsx(path, [header, [Raw("&lol9;")]], doctype=BILLION_LAUGHS)


class Peak:
    bytes = 0


@contextmanager
def peak_memory() -> Iterator[Peak]:
    """The peak of Python allocations inside the block (tracemalloc): a bomb that inflates shows here,
    without a timing assertion."""
    peak = Peak()
    tracemalloc.start()
    try:
        yield peak
    finally:
        peak.bytes = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()


def csv_bytes(rows: Iterable[Sequence[Any]]) -> bytes:
    import csv

    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")
