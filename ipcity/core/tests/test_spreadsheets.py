"""The guarded reader of uploaded spreadsheets: bombs refused quickly, limits on both sides."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
import openpyxl.xml
import pytest

from ipcity.core.spreadsheets import SpreadsheetError, TableReader, limits_for

from . import bombs

HEADER = ["a", "b"]


def read(path: Path, kind: str = "entities") -> list[tuple[int, list[Any]]]:
    return list(TableReader(path, path.name, limits_for(kind)).rows())


def refused(path: Path, kind: str = "entities") -> SpreadsheetError:
    with pytest.raises(SpreadsheetError) as info:
        read(path, kind)
    return info.value


def test_whitespace_bomb_is_refused_before_openpyxl_reads_it(tmp_path: Path) -> None:
    # 16 MiB of blanks deflate to ~16 KB: the same ~1000:1 ratio as the 500 MiB bomb of the finding.
    path = bombs.whitespace_bomb(tmp_path / "bomb.xlsx", HEADER, ["1", "2"], 16 * bombs.MiB)
    assert path.stat().st_size < 100_000
    with bombs.peak_memory() as peak:
        error = refused(path)
    assert peak.bytes < 2 * bombs.MiB  # refused from the zip directory: nothing inflated
    assert error.code == "compression_ratio"
    zh, en = error.both()
    assert "压缩比异常" in zh and "compressed suspiciously well" in en


def test_a_member_just_under_the_ratio_floor_is_read(tmp_path: Path, settings: Any) -> None:
    settings.IMPORT_LIMITS = {"entities": {"ratio_floor_bytes": 64 * bombs.MiB}}
    path = bombs.whitespace_bomb(tmp_path / "blank.xlsx", HEADER, ["1", "2"], 8 * bombs.MiB)
    assert read(path) == [(1, ["a", "b"]), (2, ["1", "2"])]


def test_declared_dimension_is_not_trusted(tmp_path: Path) -> None:
    # 1.6 KB declaring A1:ZZ60000 with a cell in that corner: openpyxl padded 702 × 60,000 = 42 M cells.
    path = bombs.dimension_bomb(tmp_path / "dim.xlsx", HEADER, ["1", "2"])
    assert path.stat().st_size < 2000
    with bombs.peak_memory() as peak:
        assert read(path) == [(1, ["a", "b"]), (2, ["1", "2"])]
    assert peak.bytes < 5 * bombs.MiB


def test_rows_beyond_excels_last_row_are_refused(tmp_path: Path) -> None:
    last = bombs.dimension_bomb(tmp_path / "last.xlsx", HEADER, ["1", "2"], "A1:XFD1048576")
    assert len(read(last)) == 2
    beyond = bombs.dimension_bomb(tmp_path / "beyond.xlsx", HEADER, ["1", "2"], "A1:B1048577")
    assert refused(beyond).code == "row_number"


def test_data_rows_are_read_no_wider_than_the_header(tmp_path: Path) -> None:
    path = bombs.write_xlsx(tmp_path / "wide.xlsx", [HEADER, ["1", "2", "3", "4"] + [None] * 500 + ["far"]])
    assert read(path) == [(1, ["a", "b"]), (2, ["1", "2"])]
    csv_path = tmp_path / "wide.csv"
    csv_path.write_bytes(bombs.csv_bytes([HEADER, ["1", "2", "3", "4"]]))
    assert read(csv_path) == [(1, ["a", "b"]), (2, ["1", "2"])]


def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    assert openpyxl.xml.DEFUSEDXML is True  # openpyxl parses with defusedxml (a dependency)
    with bombs.peak_memory() as peak:
        error = refused(bombs.billion_laughs(tmp_path / "lol.xlsx", HEADER))
    assert peak.bytes < 5 * bombs.MiB
    assert error.code == "xml_entities"
    assert "XML 炸弹" in error.both()[0]


def test_total_expanded_size_is_limited(tmp_path: Path, settings: Any) -> None:
    path = bombs.write_xlsx(tmp_path / "big.xlsx", [HEADER] + [[f"text {i}", i] for i in range(15_000)])
    settings.IMPORT_LIMITS = {"entities": {"max_uncompressed_bytes": 1 * bombs.MiB}}
    assert refused(path).code == "too_large_uncompressed"
    settings.IMPORT_LIMITS = {"entities": {"max_uncompressed_bytes": 10 * bombs.MiB}}
    assert len(read(path)) == 15_001


@pytest.mark.parametrize(
    ("member", "code"),
    [
        ("xl/embeddings/oleObject1.xlsx", "nested_archive"),
        ("xl/media/inner.zip", "nested_archive"),
        ("xl/externalLinks/externalLink1.xml", "external_link"),
    ],
)
def test_nested_archives_and_external_links_are_refused(tmp_path: Path, member: str, code: str) -> None:
    path = bombs.write_xlsx(tmp_path / "x.xlsx", [HEADER, ["1", "2"]], extra_members={member: b"PK\x03\x04"})
    assert refused(path).code == code


def test_number_of_members_is_limited(tmp_path: Path, settings: Any) -> None:
    extra = {f"xl/custom/part{i}.xml": b"<x/>" for i in range(20)}
    path = bombs.write_xlsx(tmp_path / "many.xlsx", [HEADER, ["1", "2"]], extra_members=extra)
    settings.IMPORT_LIMITS = {"entities": {"max_members": 24}}  # 5 parts of the workbook + 20
    assert refused(path).code == "too_many_members"
    settings.IMPORT_LIMITS = {"entities": {"max_members": 25}}
    assert len(read(path)) == 2


def test_not_a_zip_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    assert refused(path).code == "not_xlsx"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_row_limit_both_sides_blank_rows_not_counted(tmp_path: Path, settings: Any, fmt: str) -> None:
    settings.IMPORT_LIMITS = {"entities": {"max_rows": 3}}

    def table(n: int) -> Path:
        rows: list[list[Any]] = [HEADER, ["", ""]] + [[f"r{i}", str(i)] for i in range(n)]
        path = tmp_path / f"t{n}.{fmt}"
        if fmt == "xlsx":
            return bombs.write_xlsx(path, rows)
        path.write_bytes(bombs.csv_bytes(rows))
        return path

    assert [n for n, _v in read(table(3))] == [1, 3, 4, 5]  # row numbers as in the file
    error = refused(table(4))
    assert error.code == "too_many_rows"
    zh, en = error.both()
    assert "文件超过 3 行" in zh and "The file has more than 3 rows" in en


def test_header_width_limit(tmp_path: Path, settings: Any) -> None:
    settings.IMPORT_LIMITS = {"entities": {"max_columns": 3}}
    ok, wide = tmp_path / "ok.csv", tmp_path / "wide.csv"
    ok.write_bytes(bombs.csv_bytes([["a", "b", "c"], ["1", "2", "3"]]))
    wide.write_bytes(bombs.csv_bytes([["a", "b", "c", "d"], ["1", "2", "3", "4"]]))
    assert len(read(ok)) == 2
    assert refused(wide).code == "too_many_columns"
    assert (
        refused(bombs.write_xlsx(tmp_path / "wide.xlsx", [["a", "b", "c", "d"]])).code == "too_many_columns"
    )


def test_empty_header_row_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_bytes(b"\n\n")
    assert refused(path).code == "no_header"


def test_csv_line_length_limit(tmp_path: Path, settings: Any) -> None:
    settings.IMPORT_LIMITS = {"entities": {"max_line_chars": 100}}
    ok, long = tmp_path / "ok.csv", tmp_path / "long.csv"
    ok.write_bytes(b"a,b\n" + b"x" * 97 + b",y\n")  # 100 characters with the newline
    long.write_bytes(b"a,b\n" + b"x" * 98 + b",y\n")
    assert len(read(ok)) == 2
    error = refused(long)
    assert error.code == "line_too_long" and error.message_params["line"] == 2


def test_a_line_without_newline_is_refused_without_reading_it_whole(tmp_path: Path, settings: Any) -> None:
    settings.IMPORT_LIMITS = {"entities": {"max_line_chars": 1000, "max_file_bytes": 100 * bombs.MiB}}
    path = tmp_path / "one-line.csv"
    path.write_bytes(b"a,b\n" + b"," * (20 * bombs.MiB))  # 20 M empty fields on one line
    with bombs.peak_memory() as peak:
        error = refused(path)
    assert error.code == "line_too_long" and peak.bytes < 2 * bombs.MiB


def test_cell_length_limit(tmp_path: Path, settings: Any) -> None:
    settings.IMPORT_LIMITS = {"entities": {"max_cell_chars": 10}}
    ok, long = tmp_path / "ok.csv", tmp_path / "long.csv"
    ok.write_bytes(bombs.csv_bytes([HEADER, ["x" * 10, "y"]]))
    long.write_bytes(bombs.csv_bytes([HEADER, ["x" * 11, "y"]]))
    assert len(read(ok)) == 2
    assert refused(long).code == "cell_too_long"
    assert (
        refused(bombs.write_xlsx(tmp_path / "long.xlsx", [HEADER, ["x" * 11, "y"]])).code == "cell_too_long"
    )


def test_csv_encodings(tmp_path: Path) -> None:
    gb = tmp_path / "gb.csv"
    gb.write_bytes("名称,区市\n烟台甲公司,芝罘区\n".encode("gb18030"))
    assert read(gb)[1][1] == ["烟台甲公司", "芝罘区"]
    bom = tmp_path / "bom.csv"
    bom.write_bytes("名称,区市\n烟台甲公司,芝罘区\n".encode("utf-8-sig"))
    assert read(bom)[0][1] == ["名称", "区市"]
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\xff\xff,\xff\n")
    assert refused(bad).code == "encoding"
    # UTF-8 at the start, an invalid byte far into the file: the line is named, nothing crashes.
    late = tmp_path / "late.csv"
    late.write_bytes(b"a,b\n" + b"x,y\n" * 30_000 + b"\xff,z\n")
    error = refused(late)
    assert error.code == "encoding" and error.message_params["line"] == 30_002


def test_line_endings_cr_crlf_and_quoted_newlines(tmp_path: Path) -> None:
    path = tmp_path / "eol.csv"
    path.write_bytes(b'a,b\r\n"one\r\ntwo",2\r3,4\n5,6')
    assert [v for _n, v in read(path)] == [["a", "b"], ["one\r\ntwo", "2"], ["3", "4"], ["5", "6"]]


def test_upload_stream_is_read_and_rewound() -> None:
    stream = io.BytesIO(bombs.csv_bytes([HEADER, ["1", "2"]]))
    assert len(list(TableReader(stream, "u.csv", limits_for("entities")).rows())) == 2
    assert stream.tell() == 0


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_count_rows_checks_the_limit_before_any_row_is_used(tmp_path: Path, settings: Any, fmt: str) -> None:
    settings.IMPORT_LIMITS = {"patents": {"max_rows": 3}}
    rows: list[list[Any]] = [HEADER] + [[f"line one\nline two {i}", str(i)] for i in range(3)]
    path = tmp_path / f"c.{fmt}"
    if fmt == "xlsx":
        bombs.write_xlsx(path, rows)
    else:
        path.write_bytes(bombs.csv_bytes(rows))  # 7 lines, 3 records: the exact count decides
    assert TableReader(path, path.name, limits_for("patents")).count_rows() == 3
    if fmt == "xlsx":
        bombs.write_xlsx(path, [*rows, ["x", "4"]])
    else:
        path.write_bytes(bombs.csv_bytes([*rows, ["x", "4"]]))
    with pytest.raises(SpreadsheetError) as info:
        TableReader(path, path.name, limits_for("patents")).count_rows()
    assert info.value.code == "too_many_rows"


def test_lines_cut_by_the_read_chunk(tmp_path: Path, settings: Any) -> None:
    from ipcity.core.spreadsheets import CHUNK

    settings.IMPORT_LIMITS = {"entities": {"max_cell_chars": bombs.MiB}}
    # a "\r\n" whose "\r" ends the first chunk, then a field longer than a chunk
    first = b"a,b\r\n" + b"x," + b"y" * (CHUNK - 5 - 2 - 1) + b"\r"
    assert len(first) == CHUNK
    path = tmp_path / "cut.csv"
    path.write_bytes(first + b"\n" + b"z," + b"w" * (2 * CHUNK) + b"\r\nlast,row")
    rows = read(path)
    assert [n for n, _v in rows] == [1, 2, 3, 4]
    assert rows[1][1] == ["x", "y" * (CHUNK - 8)]
    assert rows[2][1] == ["z", "w" * (2 * CHUNK)] and rows[3][1] == ["last", "row"]


def test_file_size_limit_defaults_to_the_upload_limit(tmp_path: Path, settings: Any) -> None:
    path = tmp_path / "s.csv"
    path.write_bytes(bombs.csv_bytes([HEADER, ["1", "2"]]))
    settings.UPLOAD_MAX_BYTES = path.stat().st_size
    assert len(read(path)) == 2
    settings.UPLOAD_MAX_BYTES = path.stat().st_size - 1
    assert refused(path).code == "too_large"
    settings.IMPORT_LIMITS = {"entities": {"max_file_bytes": path.stat().st_size}}
    assert len(read(path)) == 2
    assert limits_for("patents").max_file_bytes == 4 * 1024 * bombs.MiB
