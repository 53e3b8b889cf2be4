"""The tabular import idiom (ipcity.core.importing): both policies, per-row/per-column errors, header
mapping in Chinese and English, unknown and missing headers, empty files, the error report."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from typing import Any

import pytest
from django.utils.translation import gettext_lazy, gettext_noop
from openpyxl import Workbook, load_workbook

from ipcity.core.importing import (
    Column,
    Columns,
    ImportResult,
    Policy,
    RowErrors,
    bilingual,
    error_report_csv,
    error_report_xlsx,
    run_import,
)
from ipcity.core.spreadsheets import TableReader, limits_for
from ipcity.orgs.choices import DistrictKind
from ipcity.orgs.models import District
from ipcity.orgs.services import district_create

pytestmark = pytest.mark.django_db

COLUMNS = Columns(
    [
        Column("code", "代码", "Code", required=True),
        Column("name", "名称", "Name", required=True),
        Column("order", "排序", "Order"),
    ]
)
HEADER = ["代码 / Code", "名称 / Name", "排序 / Order"]


def parse_row(number: int, values: dict[str, str], errors: RowErrors) -> dict[str, Any] | None:
    if not values["code"]:
        errors.add(number, "code", gettext_lazy("This field is required."))
    if not values["name"]:
        errors.add(number, "name", gettext_lazy("This field is required."))
    if values["order"] and not values["order"].isdigit():
        errors.add(number, "order", gettext_noop("Enter a whole number."))
    return {**values, "order": int(values["order"] or 0) if values["order"].isdigit() else 0}


def write_row(values: dict[str, Any], result: ImportResult) -> None:
    district = district_create(
        actor="test:import",
        code=values["code"],
        name=values["name"],
        kind=DistrictKind.DISTRICT,
        order=values["order"],
    )
    result.created += 1
    result.written.append(district)


def csv_reader(rows: list[list[Any]], header: list[str] = HEADER) -> TableReader:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    return TableReader(io.BytesIO(buffer.getvalue().encode("utf-8-sig")), "d.csv", limits_for("test"))


def xlsx_reader(rows: list[list[Any]], header: list[str]) -> TableReader:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for values in [header, *rows]:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return TableReader(buffer, "d.xlsx", limits_for("test"))


def run(source: Any, policy: Policy = Policy.ALL_OR_NOTHING, **kwargs: Any) -> ImportResult:
    return run_import(
        source,
        columns=COLUMNS,
        parse_row=parse_row,
        write_row=write_row,
        policy=policy,
        result=ImportResult(),
        **kwargs,
    )


ONE_BAD_AMONG_GOOD = [["zhifu", "芝罘区", "1"], ["laishan", "", "2"], ["fushan", "福山区", "3"]]


def test_all_or_nothing_writes_nothing_when_one_row_is_bad() -> None:
    result = run(csv_reader(ONE_BAD_AMONG_GOOD))
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(3, "名称 / Name")]
    assert result.errors[0].message_zh != result.errors[0].message_en
    assert (result.rows, result.created, result.skipped, result.written) == (3, 0, 1, [])
    assert District.objects.count() == 0


def test_good_rows_writes_the_good_rows_and_reports_the_bad_one() -> None:
    result = run(csv_reader(ONE_BAD_AMONG_GOOD), Policy.GOOD_ROWS)
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(3, "名称 / Name")]
    assert (result.rows, result.created, result.skipped) == (3, 2, 1)
    assert sorted(District.objects.values_list("code", flat=True)) == ["fushan", "zhifu"]


def test_all_good_rows_are_written_under_either_policy() -> None:
    rows = [["zhifu", "芝罘区", "1"], ["fushan", "福山区", "3"]]
    result = run(csv_reader(rows))
    assert result.ok and result.created == 2 and District.objects.count() == 2


@pytest.mark.parametrize("policy", list(Policy))
def test_a_row_the_service_refuses(policy: Policy) -> None:
    # The code is taken already: full_clean() in the service refuses the second row when it is written.
    district_create(actor="test", code="laishan", name="莱山区", kind=DistrictKind.DISTRICT)
    rows = [["zhifu", "芝罘区", "1"], ["laishan", "莱山", "2"], ["fushan", "福山区", "3"]]
    result = run(csv_reader(rows), policy)
    assert [e.row for e in result.errors] == [3]
    written = set(District.objects.values_list("code", flat=True))
    if policy is Policy.ALL_OR_NOTHING:
        assert written == {"laishan"} and result.created == 0 and result.written == []
    else:
        assert written == {"laishan", "zhifu", "fushan"} and result.created == 2 and result.skipped == 1


def test_errors_are_per_row_and_per_column() -> None:
    rows = [["", "", "x"], ["ok", "好", "y"]]
    result = run(csv_reader(rows), Policy.GOOD_ROWS)
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "代码 / Code"),
        (2, "名称 / Name"),
        (2, "排序 / Order"),
        (3, "排序 / Order"),
    ]
    assert District.objects.count() == 0 and result.skipped == 2


def test_column_letters_in_labels() -> None:
    lettered = Columns(COLUMNS.columns, letters=True)
    assert lettered.label("order") == "C 排序 / Order"
    assert lettered.label("") == "" and lettered.label("nope") == "nope"


@pytest.mark.parametrize(
    "header",
    [
        ["代码", "名称", "排序"],
        ["Code", "Name", "Order"],
        ["名称 / Name", " code ", "排序/Order"],  # any order, spaces and case ignored
    ],
)
def test_header_mapping_chinese_and_english(header: list[str]) -> None:
    values = {"代码": "zhifu", "code": "zhifu", "名称": "芝罘区", "name": "芝罘区", "排序": "4", "order": "4"}
    row = [values[h.split("/")[0].strip().lower()] for h in header]
    result = run(xlsx_reader([row], header))
    assert result.ok, result.errors
    district = District.objects.get()
    assert (district.code, district.name, district.order) == ("zhifu", "芝罘区", 4)


def test_unknown_header_is_reported_and_nothing_is_written() -> None:
    for policy in Policy:
        result = run(csv_reader([["zhifu", "芝罘区", "1", "?"]], [*HEADER, "备注"]), policy)
        assert [(e.row, e.column, e.code) for e in result.errors] == [(1, "备注", "unknown_column")]
        assert "备注" in result.errors[0].message_zh and "Unknown column" in result.errors[0].message_en
    assert District.objects.count() == 0


def test_unknown_header_can_be_ignored() -> None:
    result = run(csv_reader([["zhifu", "芝罘区", "1", "?"]], [*HEADER, "备注"]), unknown_headers="ignore")
    assert result.ok and District.objects.count() == 1


def test_missing_required_column_is_reported() -> None:
    result = run(csv_reader([["zhifu"]], ["代码"]))
    assert [(e.row, e.column) for e in result.errors] == [(1, "名称 / Name")]
    assert result.errors[0].message_zh == "表头缺少必填列。"
    assert District.objects.count() == 0


def test_empty_file() -> None:
    result = run(TableReader(io.BytesIO(b""), "d.csv", limits_for("test")))
    assert [(e.row, e.column) for e in result.errors] == [(1, "")] and result.errors[0].code == "no_header"
    result = run([])
    assert [(e.row, e.message_en) for e in result.errors] == [(1, "The file is empty.")]
    assert result.errors[0].message_zh == "文件为空。"


def test_header_only_has_no_data_rows() -> None:
    for policy in Policy:
        result = run(csv_reader([]), policy)
        assert [(e.row, e.message_en) for e in result.errors] == [(2, "The file has no data rows.")]


def test_by_position_ignores_the_header_text() -> None:
    result = run([(1, ["x", "y", "z"]), (2, ["zhifu", "芝罘区", "1"]), (3, ["", "", ""])], by_header=False)
    assert result.ok and result.rows == 1 and District.objects.get().code == "zhifu"


def test_a_file_the_reader_refuses_is_one_error() -> None:
    reader = csv_reader([["a", "b", "1"], ["c", "d", "2"]])
    reader.limits = replace(limits_for("test"), max_rows=1)
    result = run(reader, Policy.GOOD_ROWS, file_error_row=0)
    assert [e.row for e in result.errors] == [0] and "文件超过 1 行" in result.errors[0].message_zh
    assert District.objects.count() == 0


def test_on_written_runs_in_the_same_transaction_only_when_written() -> None:
    seen: list[tuple[int, int]] = []

    def on_written(result: ImportResult) -> None:
        seen.append((result.created, District.objects.count()))

    run(csv_reader(ONE_BAD_AMONG_GOOD), on_written=on_written)
    run(csv_reader([["laishan", "", "2"]]), Policy.GOOD_ROWS, on_written=on_written)
    assert seen == []  # nothing written: no audit of the import
    run(csv_reader([["zhifu", "芝罘区", "1"]]), on_written=on_written)
    District.objects.all().delete()
    run(csv_reader(ONE_BAD_AMONG_GOOD), Policy.GOOD_ROWS, on_written=on_written)
    assert seen == [(1, 1), (2, 2)]


def test_on_written_failing_rolls_the_rows_back() -> None:
    def on_written(result: ImportResult) -> None:
        raise RuntimeError("audit failed")

    with pytest.raises(RuntimeError):
        run(csv_reader([["zhifu", "芝罘区", "1"]]), Policy.GOOD_ROWS, on_written=on_written)
    assert District.objects.count() == 0


def test_bilingual_renders_lazy_messages_and_msgids() -> None:
    assert bilingual(gettext_lazy("The file is empty.")) == ("文件为空。", "The file is empty.")
    assert bilingual(gettext_noop("The file has no data rows.")) == (
        "文件中没有数据行。",
        "The file has no data rows.",
    )
    zh, en = bilingual(gettext_noop("This row was refused: %(reason)s"), reason="x")
    assert (zh, en) == ("此行被拒绝：x", "This row was refused: x")


def test_error_report_neutralises_formula_text() -> None:
    result = run(csv_reader([["=1+1", "", "1"]]))
    result.errors[0].column = '=HYPERLINK("http://x")'
    sheet = load_workbook(io.BytesIO(error_report_xlsx(result.errors))).active
    assert sheet is not None
    header, first = list(sheet.iter_rows(values_only=True))
    assert header[0] == "行 / Row" and first[0] == 2
    cell = sheet["B2"]
    assert cell.data_type == "s" and cell.quotePrefix
    text = error_report_csv(result.errors)
    assert list(csv.reader(io.StringIO(text)))[1][1] == '\'=HYPERLINK("http://x")'
