"""A new applicant registers in a real browser (Chinese UI), lands on their account page, and logs in again."""

from typing import Any

import pytest

from ipcity.accounts.models import User
from ipcity.accounts.services import user_confirm_entity
from ipcity.orgs.tests.fixtures import make_uscc

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_register_and_log_in_again(page: Any, orgs: Any, users: Any) -> None:
    page.goto("/accounts/login/")
    page.click("#register-link")
    page.fill("#id_uscc", make_uscc(777).lower())
    page.fill("#id_entity_name", "烟台浏览器测试有限公司")
    page.select_option("#id_entity_kind", "enterprise")
    page.select_option("#id_district", label="芝罘区")
    page.fill("#id_display_name", "测试人")
    page.fill("#id_email", "browser@example.cn")
    page.fill("#id_username", "browser_user")
    page.fill("#id_password", "Yantai2024-ok")
    page.fill("#id_password2", "Yantai2024-ok")
    page.click("#register-submit")
    page.wait_for_url("**/accounts/me/")
    assert "烟台浏览器测试有限公司" in page.content()
    assert "我的账户" in page.content()
    assert page.locator("#pending-badge").count() == 1  # the plan office has not confirmed yet
    user_confirm_entity(
        actor=users["plan_office"], user=User.objects.get(username="browser_user"), reason="营业执照已核对"
    )
    page.click("#user-menu")
    page.click("#logout-button")
    page.goto("/accounts/login/")
    page.fill("#id_username", "browser_user")
    page.fill("#id_password", "Yantai2024-ok")
    page.click("#login-submit")
    page.goto("/orgs/my-entity/")
    assert make_uscc(777) in page.content()


def test_register_shows_field_error_in_chinese(page: Any, orgs: Any) -> None:
    page.goto("/accounts/register/")
    bad = make_uscc(778)[:17] + ("0" if make_uscc(778)[17] != "0" else "1")
    page.fill("#id_uscc", bad)
    page.fill("#id_entity_name", "x")
    page.select_option("#id_entity_kind", "enterprise")
    page.fill("#id_display_name", "x")
    page.fill("#id_email", "x@example.cn")
    page.fill("#id_username", "x_user")
    page.fill("#id_password", "Yantai2024-ok")
    page.fill("#id_password2", "Yantai2024-ok")
    page.click("#register-submit")
    assert "校验码" in page.locator(".invalid-feedback").first.inner_text()
