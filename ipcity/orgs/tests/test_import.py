import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from ipcity.core.audit import verify_chain
from ipcity.core.models import AuditEntry
from ipcity.orgs.importing import COLUMNS, import_entities
from ipcity.orgs.models import Certification, Entity

from .fixtures import make_uscc

pytestmark = pytest.mark.django_db

HEADER = [f"{zh} / {en}" for _k, zh, en, _r in COLUMNS]


def row(uscc: str, name: str = "烟台甲公司", kind: str = "enterprise", district: str = "芝罘区") -> list[Any]:
    return [uscc, name, kind, district, "烟台市芝罘区某路1号", "张三", "0535-0000000", "", "", "", ""]


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def run(data: bytes, name: str = "e.csv") -> Any:
    return import_entities(actor="test", stream=io.BytesIO(data), filename=name)


def test_good_csv_creates_entities_and_certifications(orgs: Any) -> None:
    rows = [row(make_uscc(10)), row(make_uscc(11), name="烟台乙大学", kind="university", district="莱山区")]
    rows[1][7:11] = ["advantage", "provincial", "2023", "鲁市监知字〔2023〕1号"]
    result = run(csv_bytes(rows))
    assert result.ok, result.errors
    assert (result.created, result.updated, result.certifications) == (2, 0, 1)
    uni = Entity.objects.get(uscc=make_uscc(11))
    assert uni.kind == "university" and uni.district is not None and uni.district.name == "莱山区"
    assert uni.certifications.get().level == "provincial"
    assert AuditEntry.objects.filter(action="entity.import").count() == 1
    assert list(verify_chain()) == []


def test_xlsx_with_chinese_labels_and_update(entity: Any) -> None:
    rows = [row(entity.uscc, name="烟台测试科技（更名）", kind="企业", district="芝罘区")]
    rows[0][7:11] = ["gbt29490", "Municipal", 2022, "烟市监〔2022〕9号"]  # a code, an English label, a number
    result = run(xlsx_bytes(rows), "e.xlsx")
    assert result.ok, result.errors
    assert (result.created, result.updated, result.certifications) == (0, 1, 1)
    entity.refresh_from_db()
    assert entity.name == "烟台测试科技（更名）"
    assert Certification.objects.get().year == 2022


def test_mixed_rows_write_nothing_and_list_every_bad_row(orgs: Any) -> None:
    good = make_uscc(20)
    bad_check = make_uscc(21)[:17] + ("0" if make_uscc(21)[17] != "0" else "1")
    rows = [
        row(good),  # row 2 ok
        row(bad_check),  # row 3: wrong check character
        row(make_uscc(22), kind="spaceship"),  # row 4: kind
        row(make_uscc(23), district="火星区"),  # row 5: district
        row(good),  # row 6: duplicate of row 2
        row(make_uscc(24)),  # row 7: certification columns incomplete
        row(make_uscc(25), name=""),  # row 8: name missing
        row(
            make_uscc(26), name="烟台\x0b乙公司"
        ),  # row 9: a control character (no Excel export could hold it)
    ]
    rows[5][7:11] = ["advantage", "galactic", "1989", ""]
    result = run(csv_bytes(rows))
    assert not result.ok
    found = {(e.row, e.column.split(" / ")[1]) for e in result.errors}
    assert found == {
        (3, "USCC"),
        (4, "Kind"),
        (5, "District"),
        (6, "USCC"),
        (7, "Certification level"),
        (7, "Certification year"),
        (7, "Certification source"),
        (8, "Name"),
        (9, "Name"),
    }
    dup = next(e for e in result.errors if e.row == 6)
    assert "2" in dup.message_en and "2" in dup.message_zh
    assert "check character" in next(e for e in result.errors if e.row == 3).message_en
    assert all(e.message_zh != e.message_en for e in result.errors), "each reason in Chinese and English"
    assert not Entity.objects.exists()
    assert not AuditEntry.objects.exists()


def test_missing_required_column(orgs: Any) -> None:
    data = "名称,类型\n甲,enterprise\n".encode()
    result = run(data)
    assert not result.ok
    assert {e.column.split(" / ")[1] for e in result.errors} == {"USCC"}
    assert not Entity.objects.exists()


def test_gb18030_csv_is_read(orgs: Any) -> None:
    result = run(csv_bytes([row(make_uscc(30))], encoding="gb18030"))
    assert result.ok, result.errors
    assert Entity.objects.get().name == "烟台甲公司"


def test_corrupt_xlsx_is_reported_not_crashing(orgs: Any) -> None:
    result = run(b"PK\x03\x04 this is not really a workbook", "e.xlsx")
    assert not result.ok and result.errors[0].row == 1
    assert not Entity.objects.exists()


def test_command_imports_and_fails_on_bad_rows(orgs: Any, tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes([row(make_uscc(40))]))
    out = io.StringIO()
    call_command("import_entities", str(good), stdout=out)
    assert "1 created" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([row(make_uscc(41)), row("123")]))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_entities", str(bad), stderr=err)
    assert "row 3" in err.getvalue()
    assert not Entity.objects.filter(uscc=make_uscc(41)).exists()


def _login(client: Any, user: Any) -> None:
    client.force_login(user)


def test_import_page_and_template(client: Any, users: Any) -> None:
    _login(client, users["plan_office"])
    response = client.get("/orgs/entities/import/template.xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in ws[1]] == HEADER
    upload = SimpleUploadedFile("e.csv", csv_bytes([row(make_uscc(50)), row("bad")]), content_type="text/csv")
    response = client.post("/orgs/entities/import/", {"file": upload})
    assert response.status_code == 400
    assert "nothing was imported" in response.content.decode() or "未导入" in response.content.decode()
    assert not Entity.objects.filter(uscc=make_uscc(50)).exists()
    upload = SimpleUploadedFile("e.csv", csv_bytes([row(make_uscc(50))]), content_type="text/csv")
    response = client.post("/orgs/entities/import/", {"file": upload})
    assert response.status_code == 302
    assert Entity.objects.filter(uscc=make_uscc(50)).exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("e.exe", b"MZ\x90\x00"),
        ("e.xlsx", b"%PDF-1.4 not a workbook"),  # extension lies about the content
        ("e.csv", b"abc\x00def"),
        ("e.csv", b""),
    ],
)
def test_import_refuses_wrong_uploads(client: Any, users: Any, name: str, content: bytes) -> None:
    _login(client, users["plan_office"])
    response = client.post("/orgs/entities/import/", {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    assert not Entity.objects.exclude(pk=users["applicant"].entity_id).exists()


def test_import_refuses_too_large_upload(client: Any, users: Any, settings: Any) -> None:
    settings.UPLOAD_MAX_BYTES = 100
    _login(client, users["plan_office"])
    big = csv_bytes([row(make_uscc(60 + i)) for i in range(5)])
    assert len(big) > 100
    response = client.post("/orgs/entities/import/", {"file": SimpleUploadedFile("e.csv", big)})
    assert response.status_code == 400
    assert not Entity.objects.filter(uscc=make_uscc(60)).exists()


@pytest.mark.parametrize("role", ["department", "finance", "applicant", "auditor"])
def test_import_refused_for_other_roles(client: Any, users: Any, role: str) -> None:
    _login(client, users[role])
    response = client.post(
        "/orgs/entities/import/", {"file": SimpleUploadedFile("e.csv", csv_bytes([row(make_uscc(70))]))}
    )
    assert response.status_code == 403
    assert not Entity.objects.filter(uscc=make_uscc(70)).exists()


@pytest.mark.parametrize("year", ["²⁰²³", "9" * 5000, "02023", "1989", "2101"])
def test_odd_certification_year_is_a_row_error(orgs: Any, year: str) -> None:
    """Regression: "²".isdigit() is true but int("²") raised ValueError (a 500), as did int() of 5,000 digits."""
    bad = row(make_uscc(30))
    bad[7:11] = ["advantage", "provincial", year, "来源"]
    result = run(csv_bytes([bad]))
    assert [(e.row, e.column.split(" / ")[1]) for e in result.errors] == [(2, "Certification year")]
    assert not Entity.objects.exists()


# --- import bombs and the row limit (ipcity.core.spreadsheets) ------------------------------------------


def test_whitespace_bomb_is_refused_quickly_and_writes_nothing(orgs: Any, tmp_path: Path) -> None:
    from ipcity.core.tests import bombs

    path = bombs.whitespace_bomb(tmp_path / "bomb.xlsx", HEADER, row(make_uscc(70)), 16 * bombs.MiB)
    with bombs.peak_memory() as peak:
        result = run(path.read_bytes(), "bomb.xlsx")
    assert peak.bytes < 20 * bombs.MiB  # the former reader held the 16 MiB text node, and more
    assert not result.ok and Entity.objects.count() == 0
    assert "压缩比异常" in result.errors[0].message_zh
    assert "compressed suspiciously well" in result.errors[0].message_en


def test_billion_laughs_is_refused_and_writes_nothing(orgs: Any, tmp_path: Path) -> None:
    from ipcity.core.tests import bombs

    result = run(bombs.billion_laughs(tmp_path / "lol.xlsx", HEADER).read_bytes(), "lol.xlsx")
    assert not result.ok and Entity.objects.count() == 0
    assert "XML bomb" in result.errors[0].message_en


def test_declared_dimension_does_not_build_the_grid(orgs: Any, tmp_path: Path) -> None:
    from ipcity.core.tests import bombs

    # 1.6 KB declaring A1:ZZ60000 (the old reader built 42 M cells): only the real row is read.
    path = bombs.dimension_bomb(tmp_path / "dim.xlsx", HEADER, row(make_uscc(71)))
    with bombs.peak_memory() as peak:
        result = run(path.read_bytes(), "dim.xlsx")
    assert peak.bytes < 20 * bombs.MiB  # the former reader: 324 MB (bench/RESULTS.md)
    assert result.ok, result.errors
    assert (result.rows, result.created) == (1, 1)


@pytest.mark.parametrize("name", ["e.csv", "e.xlsx"])
def test_row_limit_accepts_the_limit_and_refuses_one_more(orgs: Any, settings: Any, name: str) -> None:
    settings.IMPORT_LIMITS = {"entities": {"max_rows": 2}}
    build = xlsx_bytes if name.endswith(".xlsx") else csv_bytes
    over = run(build([row(make_uscc(80 + i), name=f"烟台{i}公司") for i in range(3)]), name)
    assert not over.ok and Entity.objects.count() == 0
    assert "文件超过 2 行" in over.errors[0].message_zh
    assert "The file has more than 2 rows" in over.errors[0].message_en
    at = run(build([row(make_uscc(80 + i), name=f"烟台{i}公司") for i in range(2)]), name)
    assert at.ok, at.errors
    assert at.created == 2


def test_import_page_refuses_a_bomb_with_the_reason(client: Any, users: Any, tmp_path: Path) -> None:
    from ipcity.core.tests import bombs

    _login(client, users["plan_office"])
    path = bombs.whitespace_bomb(tmp_path / "bomb.xlsx", HEADER, row(make_uscc(72)), 16 * bombs.MiB)
    upload = SimpleUploadedFile("bomb.xlsx", path.read_bytes())
    response = client.post("/orgs/entities/import/", {"file": upload})
    assert response.status_code == 400
    assert (
        "compressed suspiciously well" in response.content.decode()
        or "压缩比异常" in response.content.decode()
    )
    assert not Entity.objects.filter(uscc=make_uscc(72)).exists()
