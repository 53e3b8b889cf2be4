"""Public plan pages, the annex export and the plan office's pages."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from ipcity.core.models import AuditEntry
from ipcity.orgs.models import Department
from ipcity.plan.models import Commendation, IndicatorValue, WorkPoint

from .test_structure_helpers import ROLES, reports_on, user_of


def codes_on(html: str) -> list[str]:
    return re.findall(r'<tr class="task" data-code="([\d.]+)"', html)


def test_plan_page_is_public_and_lists_every_task(client, plan):
    resp = client.get("/plan/")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "烟台市知识产权高质量发展三年行动方案" in html and "烟政办字〔2022〕19号" in html
    assert len(codes_on(html)) == 38
    assert '<strong title="' in html  # lead unit marked
    assert 'id="indicator-high-value-patents-per-10k"' in html
    assert "（三）加强任务落实和督导激励" in html


def test_plan_page_filters_with_the_shared_filterset(client, plan):
    html = client.get("/plan/?programme=3&department=finance").content.decode()
    assert codes_on(html) == ["3.2.1", "3.3.2", "3.3.3", "3.3.4", "3.3.5"]
    bad = client.get("/plan/?programme=x")
    assert bad.status_code == 200 and codes_on(bad.content.decode()) == []


def test_plan_page_has_no_n_plus_one(client, plan, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        client.get("/plan/")
    with django_assert_max_num_queries(8):
        assert len(client.get("/api/plan/tasks").json()) == 38


def test_indicator_page_draws_an_svg_chart_per_goal(client, plan, make_user):
    import datetime as dt

    from ipcity.plan import services
    from ipcity.plan.models import Indicator

    ind = Indicator.objects.get(plan=plan, code="training-person-times")
    services.indicator_value_record(
        actor=make_user("plan_office"),
        indicator=ind,
        year=2022,
        as_of=dt.date(2022, 12, 31),
        value=1300,
        source="培训台账",
    )
    html = client.get("/plan/indicators/").content.decode()
    assert html.count('<svg class="chart"') == 12
    assert "<script" not in html.split("<footer")[0].split('<main id="main"')[1]
    chart = html[html.index('id="indicator-training-person-times"') :]
    assert '<rect class="value"' in chart.split("</svg>")[0]
    assert "1300" in chart.split("</svg>")[0]


def test_task_page_shows_only_public_accepted_reports(client, plan):
    reports_on(plan, "7.3.1")
    html = client.get("/plan/tasks/7.3.1/").content.decode()
    assert "公开的进展" in html
    assert "内部进展" not in html and "待审核的进展" not in html
    assert "发布烟台市知识产权发展与保护状况年度白皮书" in html  # annex text
    assert "强化舆论宣传。争取承办" in html  # main-text paragraph
    assert client.get("/plan/tasks/9.9.9/").status_code == 404


def test_annex_export_has_the_annex_layout(client, plan):
    resp = client.get("/plan/annex.xlsx")
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.content)).active
    assert ws["A2"].value == "重点任务" and ws["D2"].value == "责任部门"
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 38
    assert rows[0][2].startswith("1.探索建立行政保护技术调查官制度")
    assert rows[0][3] == "市市场监管局、市司法局、市法院"
    assert rows[2][2].startswith("完善知识产权侵权投诉受理机制")  # single row: no number
    assert rows[15][3] == "市发展改革委、市市场监管局"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert "A3:A10" in merged  # programme 1 spans its 8 rows
    assert "B3:B4" in merged  # measure 1.1 spans its 2 rows
    filtered = load_workbook(io.BytesIO(client.get("/plan/annex.xlsx?programme=7").content)).active
    first_column = [r[0] for r in filtered.iter_rows(min_row=3, values_only=True)]
    assert first_column == ["七、实施知识产权环境优化工程", None, None]
    assert "A3:A5" in {str(r) for r in filtered.merged_cells.ranges}


OFFICE_PAGES = [
    ("/plan/indicators/training-person-times/values/new/", {"year": 2023, "as_of": "2023-12-31", "value": "1100", "source": "培训台账"}, IndicatorValue),
    ("/plan/tasks/7.3.1/work-points/new/", {"year": 2023, "title": "发布2022年度白皮书", "due_date": "2023-04-26"}, WorkPoint),
    ("/plan/commendations/new/", {"year": 2023, "kind": "individual", "person_name": "张三", "reason": "成绩突出", "awarded_on": "2024-01-20"}, Commendation),
]  # fmt: skip


@pytest.mark.parametrize(("url", "data", "model"), OFFICE_PAGES)
def test_plan_office_pages_write_through_services(client, plan, make_user, url, data, model):
    client.force_login(make_user("plan_office"))
    assert client.get(url).status_code == 200
    if model is WorkPoint:
        data = {**data, "department": Department.objects.get(code="amr").pk}
    resp = client.post(url, data)
    assert resp.status_code == 302, resp.content.decode()[:2000]
    assert model.objects.count() == 1
    assert AuditEntry.objects.filter(object_type=model._meta.label_lower).count() == 1


@pytest.mark.parametrize(("url", "data", "model"), OFFICE_PAGES)
@pytest.mark.parametrize("role", [r for r in ROLES if r != "plan_office"])
def test_plan_office_pages_refuse_other_roles(client, plan, make_user, url, data, model, role):
    client.force_login(user_of(make_user, role))
    assert client.get(url).status_code == 403
    assert client.post(url, data).status_code == 403
    assert model.objects.count() == 0


@pytest.mark.parametrize(("url", "data", "model"), OFFICE_PAGES)
def test_plan_office_pages_send_anonymous_users_to_login(client, plan, url, data, model):
    resp = client.post(url, data)
    assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]
    assert model.objects.count() == 0


def test_invalid_form_input_gets_field_errors_and_writes_nothing(client, plan, make_user):
    client.force_login(make_user("plan_office"))
    resp = client.post(
        "/plan/tasks/3.2.2/work-points/new/",
        {
            "year": 2023,
            "title": "x",
            "due_date": "2024-01-01",
            "department": Department.objects.get(name="市发展改革委").pk,
        },
    )
    assert resp.status_code == 200 and "field-error" in resp.content.decode()
    resp = client.post(
        "/plan/tasks/3.2.2/work-points/new/",
        {
            "year": 2023,
            "title": "x",
            "due_date": "2023-05-01",
            "department": Department.objects.get(name="市财政局").pk,
        },
    )
    assert resp.status_code == 200 and "field-error" in resp.content.decode()
    resp = client.post(
        "/plan/indicators/training-person-times/values/new/", {"year": "abc", "as_of": "x", "value": "y"}
    )
    assert resp.status_code == 200 and resp.content.decode().count("field-error") >= 3
    assert WorkPoint.objects.count() == 0 and IndicatorValue.objects.count() == 0


def test_plan_page_programmes_are_cached_until_the_next_audited_write(client, plan):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ipcity.orgs import services as org_services

    with CaptureQueriesContext(connection) as first:
        assert "市司法局" in client.get("/plan/").content.decode()
    with CaptureQueriesContext(connection) as second:
        page = client.get("/plan/").content.decode()
    assert len(second) < len(first), "the programmes section came from the cache"
    assert codes_on(page) == [t.code for t in plan.tasks.order_by("order")]
    # A write through a service is audited, which changes the key: the next visitor sees it at once.
    justice = Department.objects.get(name="市司法局")
    org_services.department_update(actor="test", department=justice, name="市司法局（更名测试）")
    assert "市司法局（更名测试）" in client.get("/plan/").content.decode()
    # Each language is cached on its own.
    client.cookies["django_language"] = "en"
    assert "Lead unit" in client.get("/plan/").content.decode()


def test_filtered_plan_page_is_never_served_from_the_cache(client, plan):
    client.get("/plan/")
    filtered = client.get("/plan/", {"department": "市司法局"}).content.decode()
    assert set(codes_on(filtered)) < {t.code for t in plan.tasks.all()}
