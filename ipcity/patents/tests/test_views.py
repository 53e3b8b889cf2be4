"""Pages: search, patent page, high-value list and export, KPI charts, import job, ledger, population;
each forbidden role refused."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ipcity.core.identifiers.patent_number import make
from ipcity.patents.models import ImportJob, InnovationProject, Patent, Population
from ipcity.patents.services import population_set

from .conftest import row

NUMBER = make(2012, "1", 4321)


@pytest.fixture
def loaded(import_rows, districts):
    import_rows(
        [
            row(
                application_number=NUMBER,
                filing_date="2012-03-01",
                grant_date="2014-01-01",
                district="芝罘区",
                title="一种高价值装置",
            ),
            row(
                application_number=make(2021, "1", 1),
                filing_date="2021-03-01",
                grant_date="2023-01-01",
                district="莱山区",
                title="一种普通装置",
            ),
        ]
    )
    population_set(actor="t", district=districts["芝罘区"], year=2024, population=900_000, source="测试")


@pytest.mark.django_db
def test_search_page_filters(client, loaded):
    resp = client.get("/patents/", {"q": "高价值"})
    assert resp.status_code == 200
    assert NUMBER in resp.content.decode() and make(2021, "1", 1) not in resp.content.decode()
    resp = client.get("/patents/", {"district": "laishan"})
    assert make(2021, "1", 1) in resp.content.decode() and NUMBER not in resp.content.decode()
    resp = client.get("/patents/", {"district": "atlantis", "date": "2024-02-30"})
    assert resp.status_code == 200  # bad filters are shown as errors, never a 500


@pytest.mark.django_db
def test_patent_page_explains_the_verdict(client, loaded):
    resp = client.get(f"/patents/ZL{NUMBER}/")
    assert resp.status_code == 302 and resp["Location"].endswith(f"/patents/{NUMBER}/")
    page = client.get(f"/patents/{NUMBER}/", {"date": "2022-03-02"}).content.decode()
    assert 'data-criterion="maintained_over_10_years" data-met="true"' in page
    page = client.get(f"/patents/{NUMBER}/", {"date": "2022-03-01"}).content.decode()
    assert 'data-criterion="maintained_over_10_years" data-met="false"' in page
    assert client.get("/patents/202210635727.2/").status_code == 404
    assert client.get(f"/patents/{NUMBER}/", {"date": "nonsense"}).status_code == 200


@pytest.mark.django_db
def test_high_value_list_and_excel(client, loaded):
    page = client.get("/patents/high-value/", {"date": "2024-12-31"}).content.decode()
    assert NUMBER in page and make(2021, "1", 1) not in page
    resp = client.get("/patents/high-value/", {"date": "2024-12-31", "format": "xlsx"})
    assert resp["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(resp.content)).active
    values = [r for r in sheet.iter_rows(values_only=True)]
    assert len(values) == 2 and values[1][0] == NUMBER and "maintained_over_10_years" in values[1][-1]
    export = client.get("/patents/export.xlsx", {"district": "laishan"})
    rows = list(openpyxl.load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [make(2021, "1", 1)]


@pytest.mark.django_db
def test_kpi_pages_have_charts_and_figures(client, loaded, districts):
    population_set(actor="t", district=districts["芝罘区"], year=2024, population=9_000, source="测试")
    page = client.get("/patents/kpi/", {"year": "2024"}).content.decode()
    assert "<svg" in page and 'data-district="芝罘区"' in page
    zhifu_row = page.split('data-district="芝罘区"')[1].split("</tr>")[0]
    assert "1.11" in zhifu_row  # 1 high-value patent / (9,000 / 10,000)
    assert client.get("/patents/kpi/zhifu/").status_code == 200
    assert client.get("/patents/kpi/", {"year": "abc"}).status_code == 200


@pytest.mark.django_db
def test_import_page_runs_a_job_with_progress(
    client, make_user, districts, sei, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(make_user("plan_office"))
    content = (
        "application_number,title,filing_date,grant_date\n"
        + f"{make(2020, '1', 1)},一种方法,2020-01-05,2022-01-05\nbad,x,2020-01-01,\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(
            "/patents/import/", {"file": SimpleUploadedFile("p.csv", content.encode()), "mapping": "auto"}
        )
    job = ImportJob.objects.get()
    assert resp.status_code == 302 and resp["Location"].endswith(f"/patents/import/{job.pk}/")
    assert (job.status, job.imported, job.rejected) == ("done", 1, 1)
    progress = client.get(f"/patents/import/{job.pk}/progress.json").json()
    assert progress["percent"] == 100 and progress["status"] == "done"
    report = client.get(f"/patents/import/{job.pk}/report.csv")
    assert b"application_number" in b"".join(report.streaming_content)
    bad = client.post("/patents/import/", {"file": SimpleUploadedFile("p.exe", b"MZ..."), "mapping": "auto"})
    assert bad.status_code == 200 and ImportJob.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["department", "finance", "auditor", "admin"])
def test_import_refused_for_other_roles(client, make_user, role, plan):
    client.force_login(make_user(role))
    resp = client.post(
        "/patents/import/", {"file": SimpleUploadedFile("p.csv", b"a,b\n1,2\n"), "mapping": "auto"}
    )
    assert resp.status_code == 403 and ImportJob.objects.count() == 0


@pytest.mark.django_db
def test_anonymous_is_sent_to_login_for_imports_and_ledger(client, plan):
    assert client.get("/patents/import/").status_code == 302
    assert client.get("/patents/ledger/").status_code == 302


@pytest.mark.django_db
def test_ledger_plan_office_writes_and_others_read_or_are_refused(client, make_user, loaded):
    office = make_user("plan_office")
    client.force_login(office)
    resp = client.post(
        "/patents/ledger/new/",
        {
            "name": "候选药物研发",
            "platform": "中科环渤海（烟台）药物高等研究院",
            "responsible_name": "中科环渤海（烟台）药物高等研究院",
            "is_fast_track": "on",
            "start_year": "2022",
            "patents": f"ZL{NUMBER}",
        },
    )
    assert resp.status_code == 302
    project = InnovationProject.objects.get()
    assert project.is_fast_track and list(project.patents.values_list("application_number", flat=True)) == [
        NUMBER
    ]
    bad = client.post(
        "/patents/ledger/new/", {"name": "x", "platform": "y", "start_year": "2022", "patents": "123"}
    )
    assert bad.status_code == 200 and InnovationProject.objects.count() == 1
    client.post(f"/patents/ledger/{project.pk}/status/", {"to": "in_progress"})
    project.refresh_from_db()
    assert project.status == "in_progress"
    client.post(f"/patents/ledger/{project.pk}/status/", {"to": "planned"})  # not allowed
    project.refresh_from_db()
    assert project.status == "in_progress"
    client.force_login(make_user("department"))
    assert "候选药物研发" in client.get("/patents/ledger/").content.decode()
    assert client.post(f"/patents/ledger/{project.pk}/status/", {"to": "completed"}).status_code == 403
    assert client.get("/patents/ledger/new/").status_code == 403
    client.force_login(make_user("finance"))
    assert client.get("/patents/ledger/").status_code == 403


@pytest.mark.django_db
def test_population_page_only_plan_office_writes(client, make_user, loaded, districts):
    data = {
        "district": districts["莱山区"].pk,
        "year": "2024",
        "population": "500000",
        "basis": "resident",
        "source": "统计公报",
    }
    client.force_login(make_user("auditor"))
    assert client.post("/patents/population/", data).status_code == 403
    client.force_login(make_user("plan_office"))
    assert client.post("/patents/population/", data).status_code == 302
    assert Population.objects.get(district=districts["莱山区"], year=2024).population == 500_000
    resp = client.post("/patents/population/", {**data, "population": "0"})
    assert (
        resp.status_code == 200
        and Population.objects.get(district=districts["莱山区"], year=2024).population == 500_000
    )
    assert Patent.objects.count() == 2


def _queries(client, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(ctx)


LIST_PATHS = ("/patents/", "/patents/high-value/?date=2024-12-31", "/patents/ledger/", "/api/patents/")


@pytest.mark.django_db
def test_list_pages_do_not_grow_with_the_rows(
    client, make_user, loaded, import_rows, django_assert_max_num_queries
):
    from ipcity.patents.services import innovation_project_create

    office = make_user("plan_office")
    client.force_login(office)

    def project(n, numbers):
        innovation_project_create(
            actor=office,
            name=f"项目{n}",
            platform="平台",
            responsible_entity=None,
            responsible_name="单位",
            district=None,
            is_fast_track=False,
            start_year=2022,
            description="",
            patents=numbers,
        )

    project(0, [NUMBER])
    baseline = {path: _queries(client, path) for path in LIST_PATHS}
    numbers = [make(2013, "1", 100 + i) for i in range(8)]
    import_rows(
        [
            row(
                application_number=n,
                filing_date="2013-03-01",
                grant_date="2015-01-01",
                district=("芝罘区", "莱山区", "福山区")[i % 3],
                holders=f"烟台测试{i}有限公司",
                title=f"装置{i}",
            )
            for i, n in enumerate(numbers)
        ]
    )
    for i in range(1, 5):
        project(i, numbers[2 * i - 2 : 2 * i])
    assert Patent.objects.count() == 10 and InnovationProject.objects.count() == 5
    for path, count in baseline.items():
        with django_assert_max_num_queries(count):
            response = client.get(path)
        assert response.status_code == 200
    assert "装置7" in client.get("/patents/").content.decode()
