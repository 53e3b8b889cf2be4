"""Formula injection (ipcity.core.excel): text that a spreadsheet would run is written as text in every
Excel export and quoted in every CSV export; numbers, negative ones too, stay numbers."""

import csv
import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from ipcity.core.excel import append_row, csv_unquote, csv_value, csv_writer, is_formula_like, write_cell

RISKY = [
    '=HYPERLINK("http://evil.example","x")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "=",
]
PLAIN = ["正常推进", "烟台=示范", "-12.5", "+86", "12", "a-b", ""]


def test_what_counts_as_a_formula() -> None:
    assert all(is_formula_like(t) for t in RISKY)
    assert not any(is_formula_like(t) for t in PLAIN)


@pytest.mark.parametrize("write_only", [False, True])
def test_excel_cells_keep_text_as_text_and_numbers_as_numbers(write_only: bool) -> None:
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("x") if write_only else book.active
    assert sheet is not None
    append_row(sheet, [*RISKY, "#N/A", *PLAIN, -12.5, Decimal("-3.20"), 7, None])
    buffer = io.BytesIO()
    book.save(buffer)
    xml = "".join(
        zipfile.ZipFile(buffer).read(n).decode()
        for n in zipfile.ZipFile(buffer).namelist()
        if n.startswith("xl/worksheets/")
    )
    assert "<f>" not in xml  # no formula anywhere in the file
    (row,) = load_workbook(buffer).worksheets[0].iter_rows()
    cells = list(row)
    for cell, text in zip(cells, [*RISKY, "#N/A"], strict=False):
        # (XML reads a carriage return back as a line feed.)
        assert (cell.value, cell.data_type, cell.quotePrefix) == (text.replace("\r", "\n"), "s", True)
    numbers = cells[len(RISKY) + 1 + len(PLAIN) :]
    assert [(c.value, c.data_type) for c in numbers[:3]] == [(-12.5, "n"), (-3.2, "n"), (7, "n")]
    texts = cells[len(RISKY) + 1 : len(RISKY) + 1 + len(PLAIN)]
    assert [c.value for c in texts if c.value] == [t for t in PLAIN if t]
    assert not any(c.quotePrefix for c in texts)


def test_write_cell_keeps_text_as_text() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    write_cell(sheet, row=1, column=1, value="=1+1\x00")
    write_cell(sheet, row=1, column=2, value=-12.5)
    buffer = io.BytesIO()
    book.save(buffer)
    first, second = next(load_workbook(buffer).active.iter_rows())
    assert (first.value, first.data_type, first.quotePrefix) == ("=1+1", "s", True)
    assert (second.value, second.data_type) == (-12.5, "n")


def test_csv_quotes_text_that_would_run_and_reads_back_exactly() -> None:
    values = [*RISKY, *PLAIN, "'quoted", "''twice"]
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(values)
    writer.writerows([[-12.5, Decimal("-3.20"), 0]])
    first, numbers = list(csv.reader(io.StringIO(out.getvalue())))
    assert all(cell.startswith("'") for cell in first[: len(RISKY)])
    assert first[len(RISKY) : len(RISKY) + len(PLAIN)] == PLAIN
    assert [csv_unquote(cell) for cell in first] == values
    assert numbers == ["-12.5", "-3.20", "0"]
    assert csv_value(-12.5) == -12.5 and csv_value(None) is None
