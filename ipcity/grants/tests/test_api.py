"""The API over real HTTP: the same workflow and permissions as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from ipcity.core.sample_files import minimal_pdf
from ipcity.grants.models import Application

from .conftest import World, age_announcement

pytestmark = pytest.mark.django_db(transaction=True)


def test_full_workflow_over_http(world: World, http: Any) -> None:
    applicant = http.as_user(world.applicant)
    reviewer = http.as_user(world.reviewer)
    finance = http.as_user(world.finance)
    office = http.as_user(world.plan_office)
    admin = http.as_user(world.admin)

    preview = applicant.post(
        "/api/grants/preview",
        json={
            "scheme_id": "overseas_litigation",
            "entitlement_date": "2024-06-01",
            "facts": {"outcome": "won", "legal_fees": "300000"},
        },
    )
    assert preview.status_code == 200 and preview.json()["amount"] == "150000.00"
    assert preview.json()["trace"]

    r = applicant.post(
        "/api/grants/applications",
        json={
            "call": world.call.pk,
            "scheme_id": "overseas_litigation",
            "subject_ref": "(2024)鲁06民初500号",
            "entitlement_date": "2024-06-01",
            "facts": {"outcome": "won", "legal_fees": "300000"},
        },
    )
    assert r.status_code == 201, r.text
    app_id = r.json()["id"]
    assert r.json()["computed_amount"] == "150000.00"

    r = applicant.post(f"/api/grants/applications/{app_id}/submit", json={})
    assert r.status_code == 422 and r.json()["code"] == "attachments_missing"
    bad = applicant.post(
        f"/api/grants/applications/{app_id}/attachments",
        data={"code": "judgment"},
        files={"file": ("j.pdf", b"MZ not a pdf", "application/pdf")},
    )
    assert bad.status_code == 422
    ok = applicant.post(
        f"/api/grants/applications/{app_id}/attachments",
        data={"code": "judgment"},
        files={"file": ("j.pdf", minimal_pdf("judgment"), "application/pdf")},
    )
    assert ok.status_code == 201, ok.text
    download = http.as_user(world.other_applicant).get(f"/api/grants/attachments/{ok.json()['id']}")
    assert download.status_code == 404
    assert applicant.get(f"/api/grants/attachments/{ok.json()['id']}").content.startswith(b"%PDF")
    assert (
        applicant.post(f"/api/grants/applications/{app_id}/submit", json={}).json()["status"] == "submitted"
    )

    # duplicates are refused with a clear message
    dup = applicant.post(
        "/api/grants/applications",
        json={
            "call": world.call.pk,
            "scheme_id": "overseas_litigation",
            "subject_ref": "(2024)鲁06民初500号",
            "entitlement_date": "2024-06-01",
            "facts": {"outcome": "won", "legal_fees": "1"},
        },
    )
    assert dup.status_code == 422 and dup.json()["code"] == "duplicate"

    assert finance.post(f"/api/grants/applications/{app_id}/start-review", json={}).status_code == 403
    assert (
        reviewer.post(f"/api/grants/applications/{app_id}/start-review", json={}).json()["status"]
        == "under_review"
    )
    r = reviewer.post(f"/api/grants/applications/{app_id}/request-changes", json={"message": "补充委托合同"})
    assert r.json()["status"] == "changes_requested"
    r = applicant.post(f"/api/grants/applications/{app_id}/resubmit", json={"answer": "已补充"})
    assert r.json()["status"] == "under_review"
    raised = reviewer.post(f"/api/grants/applications/{app_id}/approve-content", json={"amount": "150000.01"})
    assert raised.status_code == 422 and raised.json()["code"] == "amount_raised"
    assert (
        reviewer.post(
            f"/api/grants/applications/{app_id}/approve-content", json={"amount": "abc"}
        ).status_code
        == 422
    )
    assert (
        reviewer.post(f"/api/grants/applications/{app_id}/approve-content", json={}).json()["status"]
        == "content_approved"
    )

    assert admin.post(f"/api/grants/applications/{app_id}/approve", json={}).status_code == 404
    assert Application.objects.get(pk=app_id).status == "content_approved"
    assert reviewer.post(f"/api/grants/applications/{app_id}/approve", json={}).status_code == 403
    r = finance.post(f"/api/grants/applications/{app_id}/approve", json={})
    assert r.json()["status"] == "approved" and r.json()["approved_amount"] == "150000.00"

    # a back-dated announcement period is refused per field, in Chinese and English, and changes nothing
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    back = office.post(f"/api/grants/applications/{app_id}/announce", json={"starts_on": yesterday})
    assert back.status_code == 422 and back.json()["code"] == "starts_in_past"
    assert back.json()["detail"][0]["field"] == "starts_on"
    assert "公示期不能早于今天" in back.json()["detail"][0]["message"]
    back_en = office.post(
        f"/api/grants/applications/{app_id}/announce",
        json={"starts_on": yesterday},
        headers={"Accept-Language": "en"},
    )
    assert "cannot start before today" in back_en.json()["detail"][0]["message"]
    whole_call = office.post(f"/api/grants/calls/{world.call.pk}/announce", json={"starts_on": yesterday})
    assert whole_call.status_code == 422 and whole_call.json()["detail"][0]["field"] == "starts_on"
    assert Application.objects.get(pk=app_id).status == "approved"

    start = timezone.localdate().isoformat()
    assert (
        office.post(f"/api/grants/applications/{app_id}/announce", json={"starts_on": start}).json()["status"]
        == "announced"
    )
    age_announcement(Application.objects.get(pk=app_id), timezone.localdate() - dt.timedelta(days=20))

    public = http.get("/api/grants/announcements").json()
    assert any(i["id"] == app_id and i["amount"] == "150000.00" for i in public["items"])
    totals = http.get("/api/grants/totals").json()
    assert totals["per_scheme"][0]["amount"] == "150000.00"

    late = http.post(
        f"/api/grants/announcements/{app_id}/objections", json={"name": "x", "contact": "y", "text": "z"}
    )
    assert late.status_code == 409 and late.json()["code"] == "not_in_announcement"

    today = timezone.localdate().isoformat()
    wrong = finance.post(
        f"/api/grants/applications/{app_id}/payment",
        json={"paid_on": today, "amount": "1.00", "voucher": "V1"},
    )
    assert wrong.status_code == 422 and wrong.json()["code"] == "amount_mismatch"
    paid = finance.post(
        f"/api/grants/applications/{app_id}/payment",
        json={"paid_on": today, "amount": "150000", "voucher": "V1"},
    )
    assert paid.status_code == 201, paid.text
    again = finance.post(
        f"/api/grants/applications/{app_id}/payment",
        json={"paid_on": today, "amount": "150000", "voucher": "V2"},
    )
    assert again.status_code == 409 and again.json()["code"] == "wrong_status"

    ledger = applicant.get("/api/grants/ledger").json()["items"]
    assert ledger == [
        {
            "entity": world.entity.name,
            "scheme_id": "overseas_litigation",
            "year": 2024,
            "granted": "150000.00",
            "awards": 1,
            "paid": "150000.00",
        }
    ]
    assert finance.get("/api/grants/budget").json()["items"][0]["paid"] == "150000.00"
    assert applicant.get("/api/grants/budget").status_code == 403


def test_each_user_sees_their_own_over_http(world: World, http: Any) -> None:
    app = world.submitted(subject="API-OWN")
    assert http.get("/api/grants/applications").status_code == 401
    other = http.as_user(world.other_applicant)
    assert other.get("/api/grants/applications").json()["count"] == 0
    assert other.get(f"/api/grants/applications/{app.pk}").status_code == 404
    mine = http.as_user(world.applicant).get("/api/grants/applications").json()
    assert [i["id"] for i in mine["items"]] == [app.pk]
    outsider = http.as_user(world.outsider_dept)
    assert outsider.get("/api/grants/applications").json()["count"] == 0
    reviewer = http.as_user(world.reviewer2)
    assert (
        reviewer.post(f"/api/grants/applications/{app.pk}/conflict", json={"reason": "亲属"}).status_code
        == 201
    )
    assert reviewer.get(f"/api/grants/applications/{app.pk}").status_code == 404
    assert http.as_user(world.reviewer).get("/api/grants/queue").json()["count"] == 1
    filtered = (
        http.as_user(world.plan_office).get("/api/grants/applications", params={"status": "paid"}).json()
    )
    assert filtered["count"] == 0
    bad_filter = http.as_user(world.plan_office).get(
        "/api/grants/applications", params={"status": "nonsense"}
    )
    assert bad_filter.status_code == 422


def test_calls_and_objections_over_http(world: World, http: Any) -> None:
    office = http.as_user(world.plan_office)
    finance = http.as_user(world.finance)
    now = timezone.now()
    body = {
        "title": "API批次",
        "year": 2024,
        "schemes": ["madrid_trademark"],
        "opens_at": now.isoformat(),
        "closes_at": (now + dt.timedelta(days=5)).isoformat(),
        "budget": "100000",
        "reviewing_departments": ["amr"],
    }
    assert finance.post("/api/grants/calls", json=body).status_code == 403
    assert office.post("/api/grants/calls", json=dict(body, budget="1.001")).status_code == 422
    assert (
        office.post("/api/grants/calls", json=dict(body, reviewing_departments=["nope"])).status_code == 422
    )
    created = office.post("/api/grants/calls", json=body)
    assert created.status_code == 201, created.text
    call_id = created.json()["id"]
    assert http.get(f"/api/grants/calls/{call_id}").status_code == 404  # drafts are not public
    assert (
        office.post(f"/api/grants/calls/{call_id}/publish", json={}).json()["code"] == "budget_not_confirmed"
    )
    assert (
        finance.post(f"/api/grants/calls/{call_id}/confirm-budget", json={"reason": "2024-IP-02"}).status_code
        == 200
    )
    assert office.post(f"/api/grants/calls/{call_id}/publish", json={}).json()["status"] == "published"
    assert http.get(f"/api/grants/calls/{call_id}").json()["schemes"][0]["id"] == "madrid_trademark"

    app = world.announced(starts_on=timezone.localdate(), subject="API-OBJ")
    r = http.post(
        f"/api/grants/announcements/{app.pk}/objections",
        json={"name": "钱七", "contact": "1", "text": "重复"},
    )
    assert r.status_code == 201
    objection_id = r.json()["id"]
    assert Application.objects.get(pk=app.pk).paused
    assert (
        finance.post(
            f"/api/grants/objections/{objection_id}/resolve", json={"uphold": True, "resolution": "x"}
        ).status_code
        == 403
    )
    r = office.post(
        f"/api/grants/objections/{objection_id}/resolve", json={"uphold": True, "resolution": "异议成立"}
    )
    assert r.json() == {"id": objection_id, "status": "upheld", "application_status": "rejected"}


def test_credit_register_api(world: World, http: Any) -> None:
    body = {
        "entity_uscc": world.entity.uscc,
        "behaviour": "虚假材料",
        "measure": "限制申报",
        "period_start": "2024-01-01",
        "source_document": "烟市监〔2024〕3号",
    }
    assert http.as_user(world.finance).post("/api/protection/credit-records", json=body).status_code == 403
    bad = http.as_user(world.plan_office).post(
        "/api/protection/credit-records", json=dict(body, period_end="2023-01-01")
    )
    assert bad.status_code == 422
    ok = http.as_user(world.plan_office).post("/api/protection/credit-records", json=body)
    assert ok.status_code == 201
    listed = http.get("/api/protection/credit-records").json()["items"]
    assert listed[0]["uscc"] == world.entity.uscc


def test_bad_input_is_422_never_500(world: World, http: Any) -> None:
    office = http.as_user(world.plan_office)
    applicant = http.as_user(world.applicant)
    now = timezone.now()
    body = {
        "title": "t",
        "year": 2024,
        "schemes": ["madrid_trademark"],
        "opens_at": now.isoformat(),
        "closes_at": (now - dt.timedelta(days=1)).isoformat(),
        "budget": "100",
        "reviewing_departments": ["amr"],
    }
    r = office.post("/api/grants/calls", json=body)
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "closes_at"
    assert (
        office.post(
            "/api/grants/calls",
            json=dict(body, closes_at=(now + dt.timedelta(days=1)).isoformat(), schemes=["x"]),
        ).status_code
        == 422
    )
    r = applicant.post(
        "/api/grants/applications",
        json={
            "call": world.call.pk,
            "scheme_id": "overseas_litigation",
            "subject_ref": "  ",
            "entitlement_date": "2024-06-01",
            "facts": {},
        },
    )
    assert r.status_code == 422
    assert (
        applicant.post(
            "/api/grants/applications",
            json={
                "call": world.call.pk,
                "scheme_id": "overseas_litigation",
                "subject_ref": "x",
                "entitlement_date": "not a date",
                "facts": {},
            },
        ).status_code
        == 422
    )
    assert (
        applicant.post(
            "/api/grants/applications",
            json={"call": 99999, "scheme_id": "x", "subject_ref": "x", "entitlement_date": "2024-06-01"},
        ).status_code
        == 404
    )
    app = world.announced(starts_on=timezone.localdate(), subject="BAD-OBJ")
    r = http.post(
        f"/api/grants/announcements/{app.pk}/objections", json={"name": "", "contact": "", "text": ""}
    )
    assert r.status_code == 422
    assert not Application.objects.get(pk=app.pk).paused
    assert applicant.post(f"/api/grants/applications/{app.pk}/nonsense", json={}).status_code == 404


BEYOND_INT64 = str(2**63)


def test_hostile_list_parameters_are_answered_not_500(world: World, http: Any) -> None:
    app = world.announced(starts_on=timezone.localdate(), subject="HOSTILE-1")
    office = http.as_user(world.plan_office)
    for path in ("/api/grants/announcements", "/api/grants/queue", "/api/grants/applications"):
        r = office.get(path, params={"offset": BEYOND_INT64})
        assert r.status_code == 200, (path, r.text)
        assert r.json()["items"] == []
        assert r.json()["count"] == office.get(path).json()["count"]  # the count ignores the offset
    # The first page still lists the award: the guard only empties pages past the end.
    first = office.get("/api/grants/announcements", params={"offset": 0})
    assert [a["id"] for a in first.json()["items"]] == [app.pk]
    assert office.get("/api/grants/announcements", params={"offset": 1}).json()["items"] == []

    r = office.get("/api/grants/applications", params={"call": BEYOND_INT64})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "call"
    assert office.get("/api/grants/applications", params={"call": 0}).status_code == 422
    assert [
        a["id"] for a in office.get("/api/grants/applications", params={"call": app.call_id}).json()["items"]
    ] == [app.pk]
    # "²" is a digit to str.isdigit() but not to int(): a text search, not a 500.
    r = office.get("/api/grants/applications", params={"q": "²"})
    assert r.status_code == 200 and r.json()["items"] == []
    assert [
        a["id"] for a in office.get("/api/grants/applications", params={"q": str(app.pk)}).json()["items"]
    ] == [app.pk]


def test_nul_characters_are_a_422_and_change_nothing(world: World, http: Any) -> None:
    """PostgreSQL refuses NUL in text and jsonb (a DataError, a 500): the API refuses it per field
    (ipcity.core.middleware.RejectControlCharactersMiddleware)."""
    from ipcity.grants.models import Objection

    applicant = http.as_user(world.applicant)
    body = {
        "call": world.call.pk,
        "scheme_id": "overseas_litigation",
        "subject_ref": "(2024)鲁06民初7号",
        "entitlement_date": "2024-06-01",
        "facts": {"outcome": "won", "legal_fees": "300000"},
    }
    before = Application.objects.count()
    for bad in (
        dict(body, subject_ref="(2024)\x00"),
        dict(body, facts={"outcome": "won\x00", "legal_fees": "300000"}),
        dict(body, facts={"outcome\x00": "won"}),
    ):
        r = applicant.post("/api/grants/applications", json=bad)
        assert r.status_code == 422, r.text
        assert r.json()["detail"][0]["field"].split(".")[0] in ("subject_ref", "facts")
    assert Application.objects.count() == before
    assert applicant.post("/api/grants/applications", json=body).status_code == 201

    app = world.announced(starts_on=timezone.localdate(), subject="NUL-OBJ")
    r = http.post(
        f"/api/grants/announcements/{app.pk}/objections",
        json={"name": "张三", "contact": "1", "text": "a\x00b"},
    )
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "text"
    assert not Objection.objects.exists() and not Application.objects.get(pk=app.pk).paused
    r = http.as_user(world.reviewer).post(
        f"/api/grants/applications/{app.pk}/reject", json={"reason": "\x00"}
    )
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "reason"


@pytest.mark.parametrize(
    "attachments",
    [[{"x": "y"}], [{"code": "1 bad"}], [{"code": ""}], [{"code": "ok", "label_zh": ["not", "text"]}]],
)
def test_a_call_with_malformed_required_attachments_is_a_422(
    world: World, http: Any, client: Any, attachments: list[Any]
) -> None:
    """Such a call was saved (201) and its page then failed on item["code"] (a 500)."""
    from ipcity.grants.models import Call

    office = http.as_user(world.plan_office)
    now = timezone.now()
    body = {
        "title": "附件格式",
        "year": 2024,
        "schemes": ["madrid_trademark"],
        "opens_at": now.isoformat(),
        "closes_at": (now + dt.timedelta(days=10)).isoformat(),
        "budget": "100",
        "reviewing_departments": ["amr"],
        "required_attachments": attachments,
    }
    before = Call.objects.count()
    r = office.post("/api/grants/calls", json=body)
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["field"].startswith("required_attachments")
    assert Call.objects.count() == before
    ok = office.post(
        "/api/grants/calls",
        json=dict(body, required_attachments=[{"code": "certificate", "label_zh": "注册证"}]),
    )
    assert ok.status_code == 201, ok.text
    client.force_login(world.plan_office)
    assert "注册证" in client.get(f"/grants/calls/{ok.json()['id']}/").content.decode()


def test_resolving_an_objection_checks_visibility_without_loading_every_application(
    world: World, http: Any
) -> None:
    from django.db.models.signals import post_init

    app = world.announced(starts_on=timezone.localdate(), subject="API-OBJ-SCOPE")
    for n in range(6):  # other applications the plan office can see
        world.submitted(subject=f"(2024)鲁06民初{100 + n}号")
    objection_id = http.post(
        f"/api/grants/announcements/{app.pk}/objections",
        json={"name": "钱七", "contact": "1", "text": "重复"},
    ).json()["id"]
    outsider = http.as_user(world.other_applicant)  # cannot see the application
    assert (
        outsider.post(
            f"/api/grants/objections/{objection_id}/resolve", json={"uphold": False, "resolution": "x"}
        ).status_code
        == 404
    )
    office = http.as_user(world.plan_office)
    assert (
        office.post(
            "/api/grants/objections/999999/resolve", json={"uphold": False, "resolution": "x"}
        ).status_code
        == 404
    )

    loaded: list[int] = []

    def count(sender: Any, instance: Any, **kwargs: Any) -> None:
        loaded.append(1)

    post_init.connect(count, sender=Application)
    try:
        r = office.post(
            f"/api/grants/objections/{objection_id}/resolve", json={"uphold": False, "resolution": "不成立"}
        )
    finally:
        post_init.disconnect(count, sender=Application)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "dismissed"
    # The visibility check asks the database about one row; it used to build all 7 visible applications.
    assert len(loaded) < 7
