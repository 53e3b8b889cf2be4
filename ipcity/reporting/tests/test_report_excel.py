import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from ipcity.reporting import excel as report_excel
from ipcity.reporting import services as svc
from ipcity.reporting.choices import ReportStatus
from ipcity.reporting.models import ProgressReport

from .test_report_fixtures import Mini, build_mini

HEADER = [f"{zh} / {en}" for _k, zh, en in report_excel.COLUMNS]


@pytest.fixture
def mini(db, settings) -> Mini:
    settings.DEFAULT_POLICY = "mini"
    return build_mini()


def xlsx(rows, name="reports.xlsx"):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile(name, buf.getvalue())


GOOD = [
    "1.1.1",
    "市司法局",
    "2023Q1",
    "正常推进",
    60,
    "建立巡回审判点",
    "审结案件=15 件; 培训=200 人次",
    "是",
]


def test_good_file_imports_through_services(mini: Mini):
    result = report_excel.import_reports(
        actor=mini.justice_user,
        plan=mini.plan,
        upload=xlsx([GOOD, ["1.1.1", "市司法局", "2023Q2", "at_risk", "30", "第二季度", "", "否"]]),
    )
    assert result.ok, result.errors
    q1, q2 = ProgressReport.objects.order_by("period__start")
    assert (q1.status, q1.percent_complete, q1.progress) == (ReportStatus.SUBMITTED, 60, "on_track")
    assert q1.figures == [
        {"name": "审结案件", "value": "15", "unit": "件"},
        {"name": "培训", "value": "200", "unit": "人次"},
    ]
    assert (q2.status, q2.progress) == (ReportStatus.DRAFT, "at_risk")
    assert q1.events.count() == 2  # created + submitted, like on the pages


def test_mixed_rows_write_nothing_and_list_every_bad_row(mini: Mini):
    rows = [
        GOOD,  # row 2 good
        ["9.9.9", "市司法局", "2023Q1", "正常推进", 10, "x", "", "否"],  # row 3 unknown task
        ["1.1.1", "市法院", "2023Q1", "正常推进", 10, "x", "", "否"],  # row 4 not my department
        ["1.1.1", "市司法局", "2031Q9", "飞速", 101, "", "案件=很多", "也许"],  # row 5: six problems
        [
            "3.2.2",
            "不存在局",
            "2023Q2",
            "滞后",
            10.5,
            "x",
            "",
            "否",
        ],  # row 6 unknown dept, non-integer percent
        GOOD,  # row 7 duplicate of row 2
    ]
    result = report_excel.import_reports(actor=mini.justice_user, plan=mini.plan, upload=xlsx(rows))
    assert not result.ok
    assert not ProgressReport.objects.exists()
    found = {(e.row, e.column.split(" ")[0]) for e in result.errors}
    assert found == {
        (3, "A"),
        (4, "B"),
        (5, "C"),
        (5, "D"),
        (5, "E"),
        (5, "F"),
        (5, "G"),
        (5, "H"),
        (6, "B"),
        (6, "E"),
        (7, "A"),
    }
    for e in result.errors:  # every reason in both languages
        assert e.message_zh != e.message_en
        assert any("\u4e00" <= ch <= "\u9fff" for ch in e.message_zh)
    percent = next(e for e in result.errors if e.row == 5 and e.column.startswith("E"))
    assert "0 到 100" in percent.message_zh and "0 to 100" in percent.message_en


def test_row_for_an_accepted_report_is_refused(mini: Mini):
    report = svc.report_create(actor=mini.justice_user, task=mini.t1, period=mini.q1, narrative="x")
    svc.report_accept(actor=mini.office, report=svc.report_submit(actor=mini.justice_user, report=report))
    result = report_excel.import_reports(actor=mini.justice_user, plan=mini.plan, upload=xlsx([GOOD]))
    assert [(e.row, e.column[0]) for e in result.errors] == [(2, "C")]
    assert ProgressReport.objects.get().narrative == "x"


def test_returned_report_is_updated_and_resubmitted(mini: Mini):
    report = svc.report_create(actor=mini.justice_user, task=mini.t1, period=mini.q1, narrative="x")
    svc.report_return(
        actor=mini.office, report=svc.report_submit(actor=mini.justice_user, report=report), comment="改"
    )
    result = report_excel.import_reports(actor=mini.justice_user, plan=mini.plan, upload=xlsx([GOOD]))
    assert result.ok
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.narrative == "建立巡回审判点"


def test_not_an_xlsx(mini: Mini):
    result = report_excel.import_reports(
        actor=mini.justice_user, plan=mini.plan, upload=SimpleUploadedFile("r.xlsx", b"PK\x03\x04garbage")
    )
    assert not result.ok and result.errors[0].row == 0
    result = report_excel.import_reports(
        actor=mini.justice_user, plan=mini.plan, upload=SimpleUploadedFile("r.csv", b"a,b")
    )
    assert not result.ok


def test_template_lists_my_tasks_and_round_trips(mini: Mini):
    data = report_excel.import_template(user=mini.justice_user, plan=mini.plan, period=mini.q1)
    ws = load_workbook(io.BytesIO(data)).active
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[:3] for r in rows] == [("1.1.1", "市司法局", "2023Q1")]
    # fill in the narrative and import the template as downloaded
    wb = load_workbook(io.BytesIO(data))
    wb.active["F2"] = "按模板填报"
    buf = io.BytesIO()
    wb.save(buf)
    result = report_excel.import_reports(
        actor=mini.justice_user, plan=mini.plan, upload=SimpleUploadedFile("t.xlsx", buf.getvalue())
    )
    assert result.ok, result.errors
    assert ProgressReport.objects.get().status == ReportStatus.DRAFT


def test_import_page_shows_errors(client, mini: Mini):
    client.force_login(mini.justice_user)
    bad = ["1.1.1", "市司法局", "2023Q1", "正常推进", 500, "x", "", "否"]
    resp = client.post("/plan/reports/import/", {"file": xlsx([bad])})
    body = resp.content.decode()
    assert resp.status_code == 200 and 'id="import-errors"' in body and "<td>2</td>" in body
    resp = client.post("/plan/reports/import/", {"file": xlsx([GOOD])})
    assert resp.status_code == 302 and ProgressReport.objects.count() == 1
    assert client.get("/plan/reports/import-template.xlsx?period=2023Q1").status_code == 200


@pytest.mark.parametrize("percent", ["Infinity", "NaN", "1e9999999", "-1e9999999", "1e-9999999"])
def test_absurd_percent_cell_is_a_row_error(mini: Mini, percent: str):
    """Regression: int(Decimal("Infinity")) raised OverflowError (a 500) and int(Decimal("1e9999999")) held
    the worker for minutes; both are now the ordinary "0 to 100" row error."""
    row = list(GOOD)
    row[4] = percent
    result = report_excel.import_reports(actor=mini.justice_user, plan=mini.plan, upload=xlsx([row]))
    assert [(e.row, e.column[0]) for e in result.errors] == [(2, "E")]
    assert "0 to 100" in result.errors[0].message_en
    assert not ProgressReport.objects.exists()


# --- import bombs and the row limit (ipcity.core.spreadsheets) ------------------------------------------


def test_row_limit_accepts_the_limit_and_refuses_one_more(mini: Mini, settings):
    settings.IMPORT_LIMITS = {"reports": {"max_rows": 1}}
    second = ["1.1.1", "市司法局", "2023Q2", "at_risk", "30", "第二季度", "", "否"]
    result = report_excel.import_reports(actor=mini.justice_user, plan=mini.plan, upload=xlsx([GOOD, second]))
    assert not result.ok and ProgressReport.objects.count() == 0
    assert "文件超过 1 行" in result.errors[0].message_zh
    assert "The file has more than 1 rows" in result.errors[0].message_en
    result = report_excel.import_reports(actor=mini.justice_user, plan=mini.plan, upload=xlsx([GOOD]))
    assert result.ok, result.errors
    assert ProgressReport.objects.count() == 1


def test_whitespace_bomb_and_billion_laughs_are_refused(mini: Mini, tmp_path):
    from ipcity.core.tests import bombs

    bomb = bombs.whitespace_bomb(tmp_path / "bomb.xlsx", HEADER, GOOD, 16 * bombs.MiB)
    lol = bombs.billion_laughs(tmp_path / "lol.xlsx", HEADER)
    for path, reason in ((bomb, "compressed suspiciously well"), (lol, "XML bomb")):
        upload = SimpleUploadedFile(path.name, path.read_bytes())
        result = report_excel.import_reports(actor=mini.justice_user, plan=mini.plan, upload=upload)
        assert not result.ok and reason in result.errors[0].message_en
    assert ProgressReport.objects.count() == 0


def test_declared_dimension_does_not_build_the_grid(mini: Mini, tmp_path):
    from ipcity.core.tests import bombs

    path = bombs.dimension_bomb(tmp_path / "dim.xlsx", HEADER, GOOD)
    with bombs.peak_memory() as peak:
        result = report_excel.import_reports(
            actor=mini.justice_user, plan=mini.plan, upload=SimpleUploadedFile("dim.xlsx", path.read_bytes())
        )
    assert peak.bytes < 20 * bombs.MiB
    assert result.ok, result.errors
    assert ProgressReport.objects.count() == 1
