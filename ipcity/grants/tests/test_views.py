"""Pages: the generated form, everyone's own lists, the public announcement page, exports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from ipcity.grants import services
from ipcity.grants.choices import ApplicationStatus as S
from ipcity.grants.models import Application

from .conftest import World, pdf

pytestmark = pytest.mark.django_db


def test_apply_form_is_generated_from_the_scheme(world: World, client: Any) -> None:
    client.force_login(world.applicant)
    page = client.get(f"/grants/calls/{world.call.pk}/apply/overseas_litigation/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="fact_legal_fees"' in html and 'name="fact_outcome"' in html
    assert "二(一)4" in html  # help cites the clause
    assert "fact_credit_blocked" not in html and "fact_granted_this_year" not in html  # platform facts
    assert "案号" in html  # the scheme's subject label


def test_apply_creates_a_draft_with_the_provisional_amount(world: World, client: Any) -> None:
    client.force_login(world.applicant)
    response = client.post(
        f"/grants/calls/{world.call.pk}/apply/overseas_litigation/",
        {
            "subject_ref": "(2024)鲁06民初99号",
            "entitlement_date": "2024-06-01",
            "fact_outcome": "won",
            "fact_role": "plaintiff",
            "fact_legal_fees": "300000",
        },
    )
    app = Application.objects.get(subject_ref="(2024)鲁06民初99号")
    assert response.status_code == 302
    detail = client.get(f"/grants/applications/{app.pk}/").content.decode()
    assert "150000.00" in detail
    assert 'id="trace"' in detail and "二(一)4" in detail


@pytest.mark.parametrize("fees", ["abc", "1.234", "-5"])
def test_bad_money_gets_a_field_error_not_a_500(world: World, client: Any, fees: str) -> None:
    client.force_login(world.applicant)
    response = client.post(
        f"/grants/calls/{world.call.pk}/apply/overseas_litigation/",
        {
            "subject_ref": "X",
            "entitlement_date": "2024-06-01",
            "fact_outcome": "won",
            "fact_legal_fees": fees,
        },
    )
    assert response.status_code == 200
    assert "field-error" in response.content.decode()
    assert not Application.objects.filter(subject_ref="X").exists()


def test_duplicate_via_the_page_is_refused_with_a_message(world: World, client: Any) -> None:
    world.submitted(subject="DUP-1")
    client.force_login(world.applicant)
    response = client.post(
        f"/grants/calls/{world.call.pk}/apply/overseas_litigation/",
        {
            "subject_ref": "DUP-1",
            "entitlement_date": "2024-06-01",
            "fact_outcome": "won",
            "fact_legal_fees": "10",
        },
    )
    assert response.status_code == 200
    assert Application.objects.filter(subject_ref="DUP-1").count() == 1
    assert "DUP-1" in response.content.decode() or "#" in response.content.decode()


def test_everyone_sees_their_own(world: World, client: Any) -> None:
    app = world.submitted(subject="OWN-1")
    client.force_login(world.other_applicant)
    assert client.get(f"/grants/applications/{app.pk}/").status_code == 404
    assert "OWN-1" not in client.get("/grants/").content.decode()
    client.force_login(world.applicant)
    assert "OWN-1" in client.get("/grants/").content.decode()
    client.force_login(world.reviewer)
    assert "OWN-1" in client.get("/grants/").content.decode()
    client.force_login(world.outsider_dept)
    assert client.get(f"/grants/applications/{app.pk}/").status_code == 404
    client.force_login(world.admin)
    assert client.get("/grants/").status_code == 403
    client.logout()
    assert client.get("/grants/").status_code == 302


def test_workflow_through_the_pages(world: World, client: Any) -> None:
    app = world.draft(subject="PAGE-1")
    client.force_login(world.applicant)
    client.post(f"/grants/applications/{app.pk}/do/submit/")
    client.force_login(world.reviewer)
    client.post(f"/grants/applications/{app.pk}/do/start_review/")
    client.post(f"/grants/applications/{app.pk}/do/approve_content/", {"amount": "", "reason": ""})
    client.force_login(world.admin)
    assert client.post(f"/grants/applications/{app.pk}/do/approve/").status_code == 404  # admin sees none
    assert Application.objects.get(pk=app.pk).status == S.CONTENT_APPROVED
    client.force_login(world.finance)
    client.post(f"/grants/applications/{app.pk}/do/approve/", {"amount": "", "reason": ""})
    assert Application.objects.get(pk=app.pk).status == S.APPROVED


def test_refusal_shows_the_reason(world: World, client: Any) -> None:
    app = world.under_review(subject="PAGE-2")
    client.force_login(world.reviewer)
    response = client.post(
        f"/grants/applications/{app.pk}/do/approve_content/",
        {"amount": "999999999", "reason": ""},
        follow=True,
    )
    assert "alert-danger" in response.content.decode()
    assert Application.objects.get(pk=app.pk).status == S.UNDER_REVIEW


def test_public_announcement_page_and_objection(world: World, client: Any) -> None:
    app = world.announced(starts_on=timezone.localdate(), subject="PUB-1")
    page = client.get("/grants/announcements/").content.decode()
    assert world.entity.name in page
    assert "150,000.00" in page or "150000.00" in page
    assert 'id="totals-scheme"' in page and 'id="totals-district"' in page
    response = client.post(
        f"/grants/announcements/{app.pk}/object/",
        {"name": "赵六", "contact": "zl@example.org", "text": "有疑问"},
    )
    assert response.status_code == 302
    assert Application.objects.get(pk=app.pk).paused
    empty = client.post(f"/grants/announcements/{app.pk}/object/", {"name": "", "contact": "", "text": ""})
    assert empty.status_code == 200


def test_drafts_and_reviews_are_not_public(world: World, client: Any) -> None:
    app = world.approved(subject="PRIV-1")
    assert client.get(f"/grants/announcements/{app.pk}/object/").status_code == 404
    assert world.entity.name not in client.get("/grants/announcements/").content.decode()


def test_call_pages(world: World, client: Any) -> None:
    page = client.get(f"/grants/calls/{world.call.pk}/").content.decode()
    assert "按方案二(一)4执行" in page and "二(一)4" in page
    from ipcity.orgs.models import Department

    now = timezone.now()
    draft = services.call_create(
        actor=world.plan_office,
        title="未发布批次",
        year=2024,
        schemes=["madrid_trademark"],
        opens_at=now,
        closes_at=now + dt.timedelta(days=1),
        budget=Decimal("1000"),
        reviewing_departments=[Department.objects.get(name="市市场监管局")],
    )
    assert client.get(f"/grants/calls/{draft.pk}/").status_code == 404
    client.force_login(world.finance)
    assert client.get(f"/grants/calls/{draft.pk}/").status_code == 200


def test_plan_office_creates_a_call_through_the_page(world: World, client: Any) -> None:
    from ipcity.orgs.models import Department

    client.force_login(world.plan_office)
    dept = Department.objects.get(name="市市场监管局")
    response = client.post(
        "/grants/calls/new/",
        {
            "title": "马德里商标资助2024",
            "year": 2024,
            "schemes": ["madrid_trademark"],
            "opens_at": "2024-01-01T09:00",
            "closes_at": "2030-01-01T17:00",
            "budget": "500000",
            "reviewing_departments": [dept.pk],
            "required_attachments": "certificate | 注册证 | Certificate",
            "announcement_days": 5,
        },
    )
    assert response.status_code == 302
    client.force_login(world.applicant)
    assert client.get("/grants/calls/new/").status_code == 403


def test_excel_exports(world: World, client: Any) -> None:
    world.approved(subject="XL-1")
    world.submitted(subject="XL-2")
    client.force_login(world.plan_office)
    response = client.get(f"/grants/calls/{world.call.pk}/export/applications.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    subjects = {row[5] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert {"XL-1", "XL-2"} <= subjects
    awards = load_workbook(
        BytesIO(client.get(f"/grants/calls/{world.call.pk}/export/awards.xlsx").content)
    ).active
    assert [r[4] for r in awards.iter_rows(min_row=2, values_only=True)] == [150000.0]
    client.force_login(world.applicant)
    assert client.get(f"/grants/calls/{world.call.pk}/export/applications.xlsx").status_code == 403


def test_attachment_upload_page_checks_the_file(world: World, client: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    app = world.draft(subject="UP-1")
    client.force_login(world.applicant)
    bad = SimpleUploadedFile("x.pdf", b"not a pdf at all", content_type="application/pdf")
    response = client.post(
        f"/grants/applications/{app.pk}/attachments/", {"code": "judgment", "file": bad}, follow=True
    )
    assert "alert-danger" in response.content.decode()
    assert app.attachments.count() == 1
    client.post(f"/grants/applications/{app.pk}/attachments/", {"code": "judgment", "file": pdf("b.pdf")})
    assert app.attachments.count() == 2


def test_credit_register_is_public(world: World, client: Any) -> None:
    from ipcity.protection import services as credit

    credit.credit_record_create(
        actor=world.plan_office,
        entity=world.entity,
        behaviour="虚假申报",
        measure="限制申报",
        period_start=timezone.localdate(),
        source_document="烟市监〔2024〕9号",
    )
    page = client.get("/protection/credit/").content.decode()
    assert world.entity.name in page and "烟市监〔2024〕9号" in page


def test_attachments_downloadable_only_by_those_who_see_the_application(world: World, client: Any) -> None:
    app = world.submitted(subject="DL-1")
    attachment = app.attachments.get()
    client.force_login(world.reviewer)
    response = client.get(f"/grants/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(world.other_applicant)
    assert client.get(f"/grants/attachments/{attachment.pk}/").status_code == 404
    client.force_login(world.outsider_dept)
    assert client.get(f"/grants/attachments/{attachment.pk}/").status_code == 404


def test_hostile_filters_on_the_pages_are_not_500(world: World, client: Any) -> None:
    app = world.submitted(subject="HOSTILE-PAGE")
    client.force_login(world.plan_office)
    for query in ({"call": str(2**63)}, {"q": "²"}, {"call": "-1"}):
        assert client.get("/grants/", query).status_code == 200, query
        for what in ("applications", "awards"):
            r = client.get(f"/grants/calls/{app.call_id}/export/{what}.xlsx", query)
            assert r.status_code == 200, (what, query)


@pytest.mark.parametrize("dept_id", [str(2**63), str(-(2**63) - 1), "99999999999999999999999"])
def test_call_form_with_a_huge_department_id_is_a_field_error(
    world: World, client: Any, dept_id: str
) -> None:
    from ipcity.grants.models import Call
    from ipcity.orgs.models import Department

    client.force_login(world.plan_office)
    before = Call.objects.count()
    dept = Department.objects.get(name="市市场监管局")
    body = {
        "title": "超大编号",
        "year": 2024,
        "schemes": ["madrid_trademark"],
        "opens_at": "2024-01-01T09:00",
        "closes_at": "2030-01-01T17:00",
        "budget": "500000",
        "reviewing_departments": [dept.pk, dept_id],
        "announcement_days": 5,
    }
    response = client.post("/grants/calls/new/", body)
    assert response.status_code == 200
    assert "reviewing_departments" in response.context["form"].errors
    assert Call.objects.count() == before
    # The largest id that can exist is still looked up (and is simply not a department).
    response = client.post("/grants/calls/new/", dict(body, reviewing_departments=[str(2**63 - 1)]))
    assert response.status_code == 200 and "reviewing_departments" in response.context["form"].errors


@pytest.mark.parametrize(
    "items",
    [
        "[" * 5000 + "]" * 5000,  # RecursionError in json.loads: was a 500
        '[{"requested_amount": "1\\u0000"}]',  # a NUL in jsonb: a 500 on PostgreSQL
        "[1, 2]",
        "[null]",
        '["x"]',
        '[{"requested_amount": {"a": 1}}]',
        '[{"requested_amount": 1e999}]',
        '[{"unknown": "1"}]',
    ],
)
def test_malformed_items_json_is_a_field_error(world: World, client: Any, items: str) -> None:
    client.force_login(world.applicant)
    url = f"/grants/calls/{world.call.pk}/apply/madrid_trademark/"
    body = {"subject_ref": "ITEMS-BAD", "entitlement_date": "2024-06-01", "fact_items": items}
    response = client.post(url, body)
    assert response.status_code == 200
    assert "field-error" in response.content.decode()
    assert not Application.objects.filter(subject_ref="ITEMS-BAD").exists()
    # The well-formed JSON form still makes a draft.
    response = client.post(url, dict(body, fact_items='[{"requested_amount": "8000"}]'))
    assert response.status_code == 302
    assert Application.objects.get(subject_ref="ITEMS-BAD").facts["items"] == [{"requested_amount": "8000"}]


def test_a_call_saved_with_malformed_attachments_still_renders(world: World, client: Any) -> None:
    """Calls saved through the API before Call.clean() checked the items may hold one without a code."""
    from ipcity.grants.models import Call

    Call.objects.filter(pk=world.call.pk).update(
        required_attachments=[{"x": "y"}, "text", {"code": "judgment", "label_zh": "判决书"}]
    )
    client.force_login(world.plan_office)
    page = client.get(f"/grants/calls/{world.call.pk}/")
    assert page.status_code == 200 and "判决书" in page.content.decode()
    app = world.draft(subject="OLD-CALL")
    client.force_login(world.applicant)
    detail = client.get(f"/grants/applications/{app.pk}/")  # shows the upload form with the codes
    assert detail.status_code == 200 and 'value="judgment"' in detail.content.decode()
