"""Imports: mixed good and bad rows, re-import changing nothing, updates, formats, Chinese columns."""

import csv
import datetime as dt
import json

import pytest
from django.core.management import call_command

from ipcity.core.audit import verify_chain
from ipcity.core.identifiers.patent_number import make
from ipcity.core.models import AuditEntry
from ipcity.patents.models import Patent, PatentEvent

from .conftest import row, write_csv


def read_report(path):
    with open(path, encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.django_db
def test_mixed_file_imports_good_rows_and_reports_each_bad_row(import_rows, tmp_path):
    rows = [
        row(application_number=make(2020, "1", 1)),
        row(application_number="202010000002.9"),  # wrong check digit (row 3)
        row(application_number=make(2020, "1", 3), filing_date="2020-02-30"),  # not a date (row 4)
        row(application_number=make(2020, "1", 4), ipc_main="G06F16"),  # bad IPC (row 5)
        row(application_number=make(2020, "1", 5), legal_status="sleeping"),  # row 6
        row(application_number=make(2020, "2", 6)),  # type says invention, number says utility model (row 7)
        row(application_number=make(2020, "1", 7), district="火星区"),  # row 8
        row(application_number=make(2020, "1", 8), filing_date="2019-12-31"),  # year mismatch (row 9)
        row(application_number=make(2020, "1", 9), pledge_amount="lots"),  # row 10
        row(application_number=make(2020, "1", 10), grant_date="2019-01-01"),  # grant before filing (row 11)
        row(application_number=make(2020, "1", 11), title=""),  # row 12
        row(
            application_number=make(2020, "1", 13), holders="烟台\x00甲公司"
        ),  # NUL: PostgreSQL's COPY (row 13)
        row(
            application_number=make(2020, "1", 14), title="一种\x0b装置"
        ),  # no Excel export could hold it (row 14)
        row(application_number=make(2020, "1", 12)),
    ]
    result = import_rows(rows, name="mixed.csv")
    assert result.summary() == "imported 2, updated 0, unchanged 0, rejected 12"
    assert Patent.objects.count() == 2
    report = read_report(tmp_path / "mixed.errors.csv")
    assert [(r["row"], r["field"]) for r in report] == [
        ("3", "application_number"),
        ("4", "filing_date"),
        ("5", "ipc_main"),
        ("6", "legal_status"),
        ("7", "type"),
        ("8", "district"),
        ("9", "filing_date"),
        ("10", "pledge_amount"),
        ("11", "grant_date"),
        ("12", "title"),
        ("13", "holders"),
        ("14", "title"),
    ]
    assert all(r["reason"] for r in report)


@pytest.mark.django_db
def test_reimport_changes_nothing_and_changes_are_updates(import_rows):
    rows = [row(application_number=make(2020, "1", n)) for n in range(1, 6)]
    assert import_rows(rows).summary() == "imported 5, updated 0, unchanged 0, rejected 0"
    before = {p.application_number: (p.updated_at, p.content_hash) for p in Patent.objects.all()}
    assert import_rows(rows).summary() == "imported 0, updated 0, unchanged 5, rejected 0"
    assert {p.application_number: (p.updated_at, p.content_hash) for p in Patent.objects.all()} == before
    rows[0]["legal_status"] = "lapsed"
    rows[0]["legal_status_date"] = "2023-04-01"
    rows[1]["title"] = "改名"
    assert import_rows(rows).summary() == "imported 0, updated 2, unchanged 3, rejected 0"
    lapsed = Patent.objects.get(application_number=rows[0]["application_number"])
    assert lapsed.legal_status == "lapsed" and lapsed.valid_until == dt.date(2023, 4, 1)
    event = PatentEvent.objects.get(patent=lapsed)
    assert event.status == "lapsed" and event.date == dt.date(2023, 4, 1)


@pytest.mark.django_db
def test_pledges_and_awards_go_to_the_history_once(import_rows):
    rows = [
        row(
            pledge_amount="3000000",
            pledge_date="2023-02-01",
            award="china_patent_gold",
            award_date="2023-12-01",
        )
    ]
    import_rows(rows)
    rows[0]["title"] = "改名"  # an update that does not change the pledge or the award
    import_rows(rows)
    kinds = sorted(PatentEvent.objects.values_list("kind", flat=True))
    assert kinds == ["award", "pledge"]
    pledge = PatentEvent.objects.get(kind="pledge")
    assert pledge.amount == 3_000_000 and pledge.date == dt.date(2023, 2, 1)


@pytest.mark.django_db
def test_licences_and_transfers_go_to_the_history_once(import_rows, tmp_path):
    rows = [
        row(
            licence_date="2023-03-01",
            licensee="烟台乙公司",
            transfer_date="2023-06-01",
            transferee="烟台丙公司",
        )
    ]
    assert import_rows(rows).summary() == "imported 1, updated 0, unchanged 0, rejected 0"
    assert import_rows(rows).summary() == "imported 0, updated 0, unchanged 1, rejected 0"
    rows[0]["licence_date"], rows[0]["licensee"] = "2024-01-15", "烟台丁公司"  # a new licence: an update
    assert import_rows(rows).summary() == "imported 0, updated 1, unchanged 0, rejected 0"
    history = list(PatentEvent.objects.order_by("date").values_list("kind", "date", "counterparty"))
    assert history == [
        ("licence", dt.date(2023, 3, 1), "烟台乙公司"),
        ("transfer", dt.date(2023, 6, 1), "烟台丙公司"),
        ("licence", dt.date(2024, 1, 15), "烟台丁公司"),
    ]
    patent = Patent.objects.get()
    assert (patent.licensee, patent.transfer_date) == ("烟台丁公司", dt.date(2023, 6, 1))


@pytest.mark.django_db
def test_licence_and_transfer_columns_are_validated(import_rows, tmp_path):
    rows = [
        row(application_number=make(2020, "1", 1), licence_date="2019-12-31"),  # before filing (row 2)
        row(application_number=make(2020, "1", 2), transfer_date="2020-02-30"),  # not a date (row 3)
        row(application_number=make(2020, "1", 3), transferee="烟" * 301),  # too long (row 4)
        row(application_number=make(2020, "1", 4), transfer_date="2020-03-01", transferee="烟" * 300),
    ]
    assert import_rows(rows, name="lt.csv").summary() == "imported 1, updated 0, unchanged 0, rejected 3"
    report = read_report(tmp_path / "lt.errors.csv")
    assert [(r["row"], r["field"]) for r in report] == [
        ("2", "licence_date"),
        ("3", "transfer_date"),
        ("4", "transferee"),
    ]


@pytest.mark.django_db
def test_chinese_export_columns_for_licences_and_transfers(import_rows):
    source = row(application_number=make(2020, "1", 5))
    source.update(
        {
            "许可合同备案日": "2023年3月1日",
            "被许可人": "烟台乙公司",
            "权利转移登记日": "2023/06/01",
            "受让人": "烟台丙公司",
        }
    )
    import_rows([source])
    assert set(PatentEvent.objects.values_list("kind", "counterparty")) == {
        ("licence", "烟台乙公司"),
        ("transfer", "烟台丙公司"),
    }


@pytest.mark.django_db
def test_import_is_audited_per_run(import_rows):
    import_rows([row()])
    entry = AuditEntry.objects.filter(action="patent.import").get()
    assert entry.after is not None and entry.after["imported"] == 1
    assert list(verify_chain()) == []


@pytest.mark.django_db
def test_derived_fields_and_sei_classification_on_import(import_rows):
    import_rows(
        [
            row(
                application_number=make(2012, "1", 1),
                filing_date="2012-03-01",
                grant_date="2014-01-01",
                ipc_main="B65D5/02",
            ),
            row(
                application_number=make(2021, "1", 2),
                filing_date="2021-03-01",
                ipc_main="G06N 3/08",
                ipc="A61B5/00",
            ),
        ]
    )
    old = Patent.objects.get(application_number=make(2012, "1", 1))
    assert old.sei_codes == "" and old.hv_from == dt.date(2022, 3, 2)
    new = Patent.objects.get(application_number=make(2021, "1", 2))
    assert new.sei_list == ["1.5", "4.2"] and new.ipc_list == ["G06N3/08", "A61B5/00"]
    assert new.hv_from == new.grant_date


@pytest.mark.django_db
def test_chinese_export_columns_and_values(tmp_path, districts, sei):
    number = make(2019, "1", 77)
    rows = [
        {
            "申请号": f"CN{number.replace('.', '')}",
            "发明名称": "一种芯片封装方法",
            "申请日": "2019/05/06",
            "授权公告日": "2021年08月03日",
            "主分类号": "H01L 21/56",
            "分类号": "H01L21/56; H01L23/31",
            "当前权利人": "烟台芯片有限公司",
            "区市": "烟台高新区",
            "法律状态": "有效",
            "同族": "US11223344B2; CN112233445A",
            "质押金额（万元）": "1200",
            "获奖情况": "中国专利银奖",
        }
    ]
    path = write_csv(tmp_path / "export.csv", rows)
    out = tmp_path / "out.txt"
    with open(out, "w") as fh:
        call_command("import_patents", str(path), "--mapping", "cn-export", "--no-progress", stdout=fh)
    assert out.read_text().strip() == "imported 1, updated 0, unchanged 0, rejected 0"
    p = Patent.objects.get(application_number=number)
    assert (
        p.type == "invention"
        and p.legal_status == "valid"
        and p.district is not None
        and p.district.name == "烟台高新区"
    )
    assert p.overseas_family_granted and p.pledge_amount == 12_000_000 and p.award == "china_patent_silver"
    assert p.sei_list == ["1.2"]  # H01L via the supplement


@pytest.mark.django_db
def test_gbk_csv_is_read(tmp_path, districts, sei):
    path = tmp_path / "gbk.csv"
    number = make(2020, "1", 5)
    path.write_bytes(
        f"申请号,发明名称,申请日,授权公告日,法律状态\n{number},一种方法,2020-01-05,2022-01-05,有效\n".encode(
            "gbk"
        )
    )
    from ipcity.patents.services import patent_file_import

    assert patent_file_import(actor="t", path=path).imported == 1


@pytest.mark.django_db
def test_jsonl_and_xlsx(tmp_path, districts, sei):
    import openpyxl

    from ipcity.patents.services import patent_file_import

    jsonl = tmp_path / "p.jsonl"
    jsonl.write_text(
        json.dumps(row(application_number=make(2020, "1", 1)), ensure_ascii=False)
        + "\n"
        + "{not json\n"
        + "\n",
        encoding="utf-8",
    )
    result = patent_file_import(actor="t", path=jsonl)
    assert (result.imported, result.rejected) == (1, 1)
    book = openpyxl.Workbook()
    sheet = book.active
    r = row(application_number=make(2020, "1", 2))
    sheet.append(list(r))
    sheet.append([dt.date(2020, 3, 1) if k == "filing_date" else v for k, v in r.items()])
    book.save(tmp_path / "p.xlsx")
    assert patent_file_import(actor="t", path=tmp_path / "p.xlsx").imported == 1


@pytest.mark.django_db
def test_unknown_file_type_and_missing_number_column(tmp_path, districts, sei):
    from django.core.management.base import CommandError

    (tmp_path / "p.txt").write_text("x")
    with pytest.raises(CommandError):
        call_command("import_patents", str(tmp_path / "p.txt"), "--no-progress")
    path = write_csv(tmp_path / "nonumber.csv", [{"title": "x"}])
    with pytest.raises(CommandError):
        call_command("import_patents", str(path), "--no-progress")
    assert Patent.objects.count() == 0


@pytest.mark.django_db
def test_report_path_option(tmp_path, districts, sei):
    path = write_csv(tmp_path / "a.csv", [row(application_number="1")])
    report = tmp_path / "elsewhere.csv"
    call_command(
        "import_patents",
        str(path),
        "--report",
        str(report),
        "--no-progress",
        stdout=open(tmp_path / "o", "w"),
    )
    assert read_report(report)[0]["field"] == "application_number"


@pytest.mark.postgres
def test_pipelined_import_on_postgres(transactional_db, districts, sei, tmp_path):
    """On PostgreSQL outside a transaction a writer thread stores batch n while n+1 is parsed."""
    from ipcity.patents import synth
    from ipcity.patents.importing import run_import

    path = tmp_path / "s.csv"
    synth.write(path, synth.generate(2500, seed=3))
    first = run_import(path, mapping_name="canonical", batch_size=400, pipeline=True)
    assert (first.imported, first.rejected) == (2500, 0)
    again = run_import(path, mapping_name="canonical", batch_size=400, pipeline=True)
    assert again.summary() == "imported 0, updated 0, unchanged 2500, rejected 0"
    assert Patent.objects.count() == 2500


@pytest.mark.django_db
def test_parser_process_gives_the_same_result_and_report(districts, sei, tmp_path):
    _parser_process_case(tmp_path, pipeline=False)


@pytest.mark.postgres
def test_parser_process_with_writer_thread_on_postgres(transactional_db, districts, sei, tmp_path):
    _parser_process_case(tmp_path, pipeline=True)


def _parser_process_case(tmp_path, *, pipeline):
    """A forked parser process hands over parsed batches: same counts, rows and error report as
    parsing in-process (bad rows in several batches, a duplicate within a batch)."""
    from ipcity.patents import synth
    from ipcity.patents.importing import run_import

    good = [dict(r) for r in synth.generate(900, seed=5)]
    good[10]["application_number"] = "202010000002.9"  # wrong check digit
    good[450]["ipc_main"] = "G06F16"
    good[451] = dict(good[449])  # duplicate within the same batch of 400
    good[800]["filing_date"] = "2020-02-30"
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    synth.write(first, iter(good))
    synth.write(second, iter(good))
    seen = []
    result = run_import(
        first,
        mapping_name="canonical",
        batch_size=400,
        pipeline=pipeline,
        parser_process=True,
        progress=lambda pos, total, r: seen.append((pos, total)),
    )
    assert (result.rows, result.rejected) == (900, 4)
    assert result.imported == 896 and Patent.objects.count() == 896
    assert seen[-1][0] == seen[-1][1] and len(seen) >= 3
    report = read_report(tmp_path / "a.errors.csv")
    assert [(r["row"], r["field"]) for r in report] == [
        ("12", "application_number"),
        ("452", "ipc_main"),
        ("453", "application_number"),
        ("802", "filing_date"),
    ]
    stored = {p.application_number: p.content_hash for p in Patent.objects.all()}
    Patent.objects.all().delete()
    again = run_import(second, mapping_name="canonical", batch_size=400, pipeline=False, parser_process=False)
    assert again.summary() == result.summary()
    assert {p.application_number: p.content_hash for p in Patent.objects.all()} == stored
    assert read_report(tmp_path / "b.errors.csv") == report


@pytest.mark.django_db
def test_parser_process_reports_a_file_error(districts, sei, tmp_path):
    from ipcity.patents.importing import ImportFileError, run_import

    path = tmp_path / "x.csv"
    path.write_text("title,type\nfoo,invention\n", encoding="utf-8")
    with pytest.raises(ImportFileError):
        run_import(path, parser_process=True)


@pytest.mark.postgres
def test_new_rows_inserted_meanwhile_are_merged_not_lost(import_rows):
    """The writer copies rows it saw as new straight into the table; if one was inserted by someone
    else in between (unique violation), the batch falls back to the merge and updates it."""
    from django.db import transaction

    from ipcity.patents.writer import _upsert_postgres

    rows = [row(application_number=make(2020, "1", n)) for n in (1, 2)]
    import_rows(rows)
    patent = Patent.objects.get(application_number=rows[0]["application_number"])
    values = {f.attname: getattr(patent, f.attname) for f in Patent._meta.concrete_fields}
    from ipcity.patents.importing import WRITE_FIELDS

    stale = {f: values[f] for f in WRITE_FIELDS}
    stale["title"] = "并发写入后的新标题"
    fresh = dict(stale, application_number=make(2020, "1", 3), title="新专利")
    with transaction.atomic():
        ids = _upsert_postgres([stale, fresh], [])
    assert Patent.objects.get(pk=patent.pk).title == "并发写入后的新标题"
    assert Patent.objects.filter(application_number=make(2020, "1", 3)).exists()
    assert ids[stale["application_number"]] == patent.pk and Patent.objects.count() == 3


# --- import bombs and the row limit (ipcity.core.spreadsheets) ------------------------------------------


def _write(path, rows):
    """rows (dicts) as .csv, .xlsx or .jsonl by the path's suffix."""
    from ipcity.core.tests import bombs

    if path.suffix == ".csv":
        return write_csv(path, rows)
    if path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        return path
    return bombs.write_xlsx(path, [list(rows[0])] + [list(r.values()) for r in rows])


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".jsonl"])
def test_row_limit_refuses_the_file_before_any_batch_is_written(tmp_path, districts, sei, settings, suffix):
    from ipcity.patents.importing import ImportFileError
    from ipcity.patents.services import patent_file_import

    settings.IMPORT_LIMITS = {"patents": {"max_rows": 3}}
    rows = [row(application_number=make(2020, "1", 100 + i)) for i in range(4)]
    with pytest.raises(ImportFileError) as info:
        # batch_size=1: without the check first, three batches would be written before the 4th row
        patent_file_import(actor="t", path=_write(tmp_path / f"over{suffix}", rows), batch_size=1)
    assert "文件超过 3 行" in str(info.value) and "The file has more than 3 rows" in str(info.value)
    assert Patent.objects.count() == 0
    result = patent_file_import(actor="t", path=_write(tmp_path / f"at{suffix}", rows[:3]), batch_size=1)
    assert result.imported == 3


@pytest.mark.django_db
def test_multi_line_fields_count_as_one_row(tmp_path, districts, sei, settings):
    from ipcity.patents.services import patent_file_import

    settings.IMPORT_LIMITS = {"patents": {"max_rows": 2}}
    rows = [row(application_number=make(2020, "1", 200 + i), title=f"一种\n多行\n装置{i}") for i in range(2)]
    assert patent_file_import(actor="t", path=write_csv(tmp_path / "ml.csv", rows)).imported == 2


@pytest.mark.django_db
def test_bombs_fail_the_import_quickly_and_write_nothing(tmp_path, districts, sei):
    from ipcity.core.tests import bombs
    from ipcity.patents.importing import ImportFileError
    from ipcity.patents.services import patent_file_import

    good = row(application_number=make(2020, "1", 300))
    files = [
        (
            bombs.whitespace_bomb(tmp_path / "ws.xlsx", list(good), list(good.values()), 16 * bombs.MiB),
            "expands",
        ),
        (bombs.billion_laughs(tmp_path / "lol.xlsx", list(good)), "XML bomb"),
    ]
    for path, reason in files:
        with bombs.peak_memory() as peak, pytest.raises(ImportFileError) as info:
            patent_file_import(actor="t", path=path)
        assert peak.bytes < 20 * bombs.MiB and reason in str(info.value)
    assert Patent.objects.count() == 0
    # the declared dimension is ignored: the one real row is imported
    dim = bombs.dimension_bomb(tmp_path / "dim.xlsx", list(good), list(good.values()))
    assert patent_file_import(actor="t", path=dim).imported == 1


@pytest.mark.django_db
def test_a_jsonl_line_over_the_length_limit_fails_the_file(tmp_path, districts, sei, settings):
    from ipcity.patents.importing import ImportFileError
    from ipcity.patents.services import patent_file_import

    settings.IMPORT_LIMITS = {"patents": {"max_line_chars": 1000}}
    path = tmp_path / "long.jsonl"
    path.write_text(json.dumps(row(title="长" * 1000), ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(ImportFileError):
        patent_file_import(actor="t", path=path)
    assert Patent.objects.count() == 0
