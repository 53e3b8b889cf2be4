"""Fixtures for the grants tests: a published call, people in every role, and helpers that move an
application along the workflow through the services (the same paths the pages and the API use)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ipcity.core.identifiers.uscc import check_character
from ipcity.core.sample_files import minimal_pdf

_serial = itertools.count(1)

ENTITLEMENT = dt.date(2024, 6, 1)
ATTACHMENTS = [{"code": "judgment", "label_zh": "判决书", "label_en": "Judgment"}]


def new_entity(name: str | None = None, district: str = "芝罘区") -> Any:
    from ipcity.orgs.models import District, Entity

    n = next(_serial)
    prefix = f"91370602MA3G{n:05d}"
    uscc = prefix + check_character(prefix)
    return Entity.objects.create(
        uscc=uscc,
        name=name or f"测试企业{n}有限公司",
        kind="enterprise",
        district=District.objects.get(name=district),
    )


def pdf(name: str = "judgment.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, minimal_pdf(), content_type="application/pdf")


class World:
    """Everyone a grants workflow needs, plus a published call."""

    def __init__(self, make_user: Any) -> None:

        self.make_user = make_user
        self.plan_office = make_user("plan_office")  # 市市场监管局
        self.reviewer = make_user("department", department="市司法局")
        self.reviewer2 = make_user("department", department="市司法局")
        self.outsider_dept = make_user("department", department="市公安局")
        self.finance = make_user("finance")
        self.finance2 = make_user("finance")
        self.admin = make_user("admin")
        self.auditor = make_user("auditor")
        self.entity = new_entity("海润测试有限公司", "烟台黄渤海新区")
        self.applicant = make_user("applicant", entity=self.entity)
        self.other_entity = new_entity("芝罘测试有限公司")
        self.other_applicant = make_user("applicant", entity=self.other_entity)
        self.call = self.new_call()

    def new_call(
        self, budget: str = "2000000.00", schemes: list[str] | None = None, days: int = 5, year: int = 2024
    ) -> Any:
        from ipcity.grants import services
        from ipcity.orgs.models import Department

        now = timezone.now()
        call = services.call_create(
            actor=self.plan_office,
            title=f"{year}年度知识产权保护奖补申报",
            title_en=f"{year} IP protection incentives",
            year=year,
            schemes=schemes or ["overseas_litigation", "protection_market", "madrid_trademark"],
            opens_at=now - dt.timedelta(days=1),
            closes_at=now + dt.timedelta(days=30),
            budget=Decimal(budget),
            reviewing_departments=[
                Department.objects.get(name="市司法局"),
                Department.objects.get(name="市市场监管局"),
            ],
            required_attachments=ATTACHMENTS,
            rules_zh="按方案二(一)4执行。",
            announcement_days=days,
        )
        services.call_confirm_budget(actor=self.finance, call=call, budget_line="2024-IP-01")
        return services.call_publish(actor=self.plan_office, call=call)

    # -- moving an application along -------------------------------------------------------------
    def draft(
        self,
        applicant: Any = None,
        subject: str = "(2024)鲁06民初1号",
        fees: str = "300000",
        call: Any = None,
        scheme: str = "overseas_litigation",
        facts: dict | None = None,
        entitlement: dt.date = ENTITLEMENT,
    ) -> Any:
        from ipcity.grants import services

        applicant = applicant or self.applicant
        app = services.application_create(
            actor=applicant,
            call=call or self.call,
            scheme_id=scheme,
            subject_ref=subject,
            entitlement_date=entitlement,
            facts=facts if facts is not None else {"outcome": "won", "legal_fees": fees},
        )
        services.attachment_add(actor=applicant, application=app, code="judgment", upload=pdf())
        return app

    def submitted(self, **kw: Any) -> Any:
        from ipcity.grants import services

        app = self.draft(**kw)
        return services.application_submit(actor=kw.get("applicant") or self.applicant, application=app)

    def under_review(self, **kw: Any) -> Any:
        from ipcity.grants import services

        return services.application_start_review(actor=self.reviewer, application=self.submitted(**kw))

    def content_approved(self, amount: Decimal | None = None, reason: str = "", **kw: Any) -> Any:
        from ipcity.grants import services

        return services.application_approve_content(
            actor=self.reviewer, application=self.under_review(**kw), amount=amount, reason=reason
        )

    def approved(self, **kw: Any) -> Any:
        from ipcity.grants import services

        return services.application_approve(actor=self.finance, application=self.content_approved(**kw))

    def advantage(self, call: Any, n: int, amount: str = "100000", year: int = 2024) -> Any:
        """A content-approved application of a new entity for municipal_advantage_enterprise (二(四)1:
        at most 20 designated a year, up to 200,000 each), in `call`, waiting for finance."""
        return self.content_approved(
            applicant=self.make_user("applicant", entity=new_entity()),
            call=call,
            subject=f"烟市监字〔{year}〕{n}号",
            scheme="municipal_advantage_enterprise",
            facts={"designated": True, "requested_amount": amount},
            entitlement=dt.date(year, 6, 1),
        )

    def announced(self, starts_on: dt.date | None = None, **kw: Any) -> Any:
        """An announced award. The service only starts a period today or later; for a period in the
        past (default: 20 days ago, so it is over) the award is announced today and time then passes:
        its dates are moved back, as the days going by would have moved them."""
        from ipcity.grants import services

        today = timezone.localdate()
        start = starts_on or (today - dt.timedelta(days=20))
        app = services.application_announce(
            actor=self.plan_office, application=self.approved(**kw), starts_on=max(start, today)
        )
        if start < today:
            return age_announcement(app, start)
        return app


def age_announcement(app: Any, start: dt.date) -> Any:
    """Let time pass for an announced award: its period started on `start` (test-only, bypasses services)."""
    from ipcity.core.workdays import add_working_days
    from ipcity.grants.models import Application

    until = add_working_days(start, app.call.announcement_days)
    Application.objects.filter(pk=app.pk).update(announced_from=start, announced_until=until)
    app.refresh_from_db()
    return app


@pytest.fixture
def world(make_user: Any, settings: Any, tmp_path: Any) -> World:
    settings.MEDIA_ROOT = tmp_path
    return World(make_user)
