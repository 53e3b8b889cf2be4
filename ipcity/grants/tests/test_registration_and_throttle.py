"""Finding 11 on the grants side: a self-registered applicant whose entity link the plan office has not
confirmed cannot apply (the service refuses, the page says so first); once confirmed they can; registering
an entity that already has an applicant gives access to none of its applications. The anonymous 公示
objection (page and API) is throttled per address."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from ipcity.accounts.services import user_confirm_entity, user_register
from ipcity.core.errors import NotAllowed
from ipcity.grants import selectors
from ipcity.grants.models import Application, Objection

from .conftest import ENTITLEMENT, World, new_entity

pytestmark = pytest.mark.django_db

GOOD = "Yantai2024-ok"


def _self_registered(uscc: str, username: str = "selfreg") -> Any:
    return user_register(
        username=username,
        password=GOOD,
        email="self@example.cn",
        display_name="自注册",
        uscc=uscc,
        entity_name="自注册测试有限公司",
        entity_kind="enterprise",
    )


def _apply_page(world: World) -> str:
    return f"/grants/calls/{world.call.pk}/apply/overseas_litigation/"


def _apply_form() -> dict[str, str]:
    return {
        "subject_ref": "(2024)鲁06民初77号",
        "entitlement_date": ENTITLEMENT.isoformat(),
        "fact_outcome": "won",
        "fact_legal_fees": "300000",
    }


def test_pending_applicant_is_told_before_the_form_and_cannot_apply(world: World, client: Any) -> None:
    fresh = new_entity()
    fresh_uscc = fresh.uscc
    fresh.delete()  # an unregistered code: the registration creates the entity
    user = _self_registered(fresh_uscc)
    client.force_login(user)
    page = client.get(_apply_page(world)).content.decode()
    assert 'id="entity-pending"' in page and 'id="application-form"' not in page
    assert "计划办尚未确认您隶属于所属单位" in page
    client.post(_apply_page(world), _apply_form())
    assert not Application.objects.filter(subject_ref="(2024)鲁06民初77号").exists()
    with pytest.raises(NotAllowed) as info:
        world.draft(applicant=user, subject="PENDING-SELF")
    assert info.value.code == "entity_pending"


def test_after_the_plan_office_confirms_the_applicant_can_apply(world: World, client: Any) -> None:
    fresh = new_entity()
    fresh_uscc = fresh.uscc
    fresh.delete()
    user = _self_registered(fresh_uscc)
    user = user_confirm_entity(actor=world.plan_office, user=user, reason="营业执照已核对")
    client.force_login(user)
    assert 'id="application-form"' in client.get(_apply_page(world)).content.decode()
    response = client.post(_apply_page(world), _apply_form())
    assert response.status_code == 302
    app = Application.objects.get(subject_ref="(2024)鲁06民初77号")
    assert app.entity.uscc == fresh_uscc and app.created_by == user


def test_registering_a_claimed_uscc_gives_no_access(world: World, client: Any) -> None:
    """world.entity already has a confirmed applicant with an application."""
    theirs = world.submitted(subject="CLAIMED-1")
    intruder = _self_registered(world.entity.uscc, username="intruder")
    assert intruder.entity is None and intruder.pending_entity == world.entity
    assert not selectors.application_list(user=intruder).exists()
    client.force_login(intruder)
    assert client.get(f"/grants/applications/{theirs.pk}/").status_code in (403, 404)
    with pytest.raises(NotAllowed):
        world.draft(applicant=intruder, subject="CLAIMED-2")


def test_every_other_role_is_refused_on_the_apply_page(world: World, client: Any) -> None:
    for user in (world.plan_office, world.reviewer, world.finance, world.admin, world.auditor):
        client.force_login(user)
        assert client.get(_apply_page(world)).status_code == 403


# --- throttling the anonymous objection --------------------------------------------------------------


def test_objection_page_allows_n_and_refuses_n_plus_one(world: World, settings: Any) -> None:
    settings.THROTTLE_OBJECTIONS_PER_HOUR = 2
    cache.clear()
    app = world.announced(starts_on=timezone.localdate(), subject="THR-1")
    url = f"/grants/announcements/{app.pk}/object/"
    client = Client(REMOTE_ADDR="203.0.113.9")
    assert client.post(url, {"name": "", "contact": "", "text": ""}).status_code == 200  # invalid: counts
    assert (
        client.post(url, {"name": "赵六", "contact": "zl@example.org", "text": "有疑问"}).status_code == 302
    )
    refused = client.post(url, {"name": "赵六", "contact": "zl@example.org", "text": "再次异议"})
    assert refused.status_code == 429 and "尝试次数过多" in refused.content.decode()
    assert Objection.objects.filter(application=app).count() == 1
    assert client.get(url).status_code == 200  # reading the form is not an attempt
    other = Client(REMOTE_ADDR="203.0.113.10")
    assert other.post(url, {"name": "钱七", "contact": "1", "text": "另一异议"}).status_code == 302


@pytest.mark.django_db(transaction=True)
def test_objection_api_allows_n_and_refuses_n_plus_one(
    make_user: Any, http: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.THROTTLE_OBJECTIONS_PER_HOUR = 2
    cache.clear()
    world = World(make_user)
    app = world.announced(starts_on=timezone.localdate(), subject="THR-API")
    url = f"/api/grants/announcements/{app.pk}/objections"
    for n in range(2):
        assert (
            http.post(url, json={"name": f"异议人{n}", "contact": "1", "text": "有疑问"}).status_code == 201
        )
    refused = http.post(url, json={"name": "异议人3", "contact": "1", "text": "有疑问"})
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "3600"
    detail = refused.json()["detail"][0]
    assert detail["type"] == "throttled" and "Too many attempts" in detail["message"]
    assert "尝试次数过多" in detail["message"]
    assert Objection.objects.filter(application=app).count() == 2
