"""Chinese is the default language; English is complete and reachable through the language switch."""

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_chinese_by_default(client: Client, orgs: Any) -> None:
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="zh-hans">' in page
    assert "登录" in page and "烟台" in page
    assert 'action="/i18n/setlang/"' in page


def test_switch_to_english(client: Client, orgs: Any) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in page
    assert "Log in" in page and "登录" not in page


def test_accept_language_english(client: Client, orgs: Any) -> None:
    page = client.get("/accounts/register/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Unified social credit code" in page


def test_app_pages_in_both_languages(client: Client, users: Any) -> None:
    client.force_login(users["plan_office"])
    zh = client.get("/orgs/entities/").content.decode()
    assert "统一社会信用代码" in zh and "市场主体" in zh
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    en = client.get("/orgs/entities/").content.decode()
    assert "Unified social credit code" in en and "统一社会信用代码" not in en


def test_validation_messages_follow_language(client: Client, users: Any) -> None:
    client.force_login(users["plan_office"])
    data = {"uscc": "91370602MA3X000010", "name": "x", "kind": "enterprise"}
    zh = client.post("/orgs/entities/new/", data).content.decode()
    assert "校验码" in zh or "统一社会信用代码" in zh
    en = client.post("/orgs/entities/new/", data, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "unified social credit code" in en


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_language_switch_in_browser(page: Any, orgs: Any) -> None:
    """The browser context is zh-CN: the page is Chinese; choosing English in the switch reloads in English."""
    page.goto("/accounts/login/")
    assert page.locator("h1").inner_text() == "登录"
    page.select_option("#language-form select", "en")
    page.wait_for_load_state()
    page.wait_for_selector("html[lang='en']")
    assert page.locator("h1").inner_text() == "Log in"
