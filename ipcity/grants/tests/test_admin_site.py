"""The admin site shows no grants data: applications (drafts included), payments, objections, calls and the
ledger are only on the product's scoped pages (security review, issue 8, finding 7; docs/adr/0004)."""

from typing import Any

import pytest
from django.utils import timezone

from ipcity.grants import services

from .conftest import World


@pytest.mark.django_db
def test_the_admin_role_gets_404_on_business_data_in_the_admin(client: Any, world: World) -> None:
    draft = world.draft(subject="ADMIN-DRAFT")
    announced = world.announced(starts_on=timezone.localdate(), subject="ADMIN-ANNOUNCED")
    objection = services.objection_lodge(
        actor=None, application=announced, name="张三", contact="13800000000", text="金额有误"
    )
    client.force_login(world.admin)
    assert client.get("/admin/").status_code == 200  # the admin still gets in
    assert client.get("/admin/orgs/department/").status_code == 200
    urls = [
        "/admin/grants/",
        "/admin/grants/application/",
        f"/admin/grants/application/{draft.pk}/change/",
        f"/admin/grants/application/{announced.pk}/change/",
        "/admin/grants/objection/",
        f"/admin/grants/objection/{objection.pk}/change/",
        "/admin/grants/payment/",
        "/admin/grants/call/",
        "/admin/grants/ledgerentry/",
        "/admin/plan/indicatorvalue/",
        "/admin/plan/workpoint/",
        "/admin/plan/commendation/",
        "/admin/patents/patent/",
        "/admin/patents/importjob/",
        "/admin/patents/innovationproject/",
        "/admin/orgs/certification/",
        "/admin/protection/creditrecord/",
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    page = client.get("/admin/").content.decode()
    assert "/admin/grants/" not in page and "ADMIN-DRAFT" not in page
