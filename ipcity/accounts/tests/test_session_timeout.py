"""Finding 8: a signed-in session ends after 30 minutes without a request and 8 hours after login
(ipcity.accounts.middleware). The clocks are moved by editing the session, never by sleeping."""

import time
from typing import Any

import pytest
from django.test import Client

from ipcity.accounts.middleware import LAST_ACTIVITY_KEY, LOGIN_AT_KEY

pytestmark = pytest.mark.django_db

PASSWORD = "Passw0rd-test"
MINUTE = 60


def _signed_in(client: Client, user: Any) -> None:
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert isinstance(client.session[LAST_ACTIVITY_KEY], int)  # the login request started the clocks


def _set_clocks(client: Client, *, idle: int, since_login: int | None = None) -> None:
    session = client.session
    now = int(time.time())
    session[LAST_ACTIVITY_KEY] = now - idle
    session[LOGIN_AT_KEY] = now - (since_login if since_login is not None else idle)
    session.save()


def test_29_minutes_idle_stays_signed_in(client: Client, users: Any) -> None:
    _signed_in(client, users["auditor"])
    _set_clocks(client, idle=29 * MINUTE)
    assert client.get("/accounts/me/").status_code == 200
    assert "_auth_user_id" in client.session


def test_31_minutes_idle_signs_out_to_login_with_a_message(client: Client, users: Any) -> None:
    _signed_in(client, users["auditor"])
    _set_clocks(client, idle=31 * MINUTE)
    response = client.get("/accounts/me/?tab=1")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/accounts/me/")
    assert "_auth_user_id" not in client.session
    login_page = client.get(response["Location"]).content.decode()
    assert "您已因 30 分钟未操作而退出登录" in login_page
    assert client.get("/accounts/me/").status_code == 302  # still signed out


def test_idle_message_in_english(client: Client, users: Any) -> None:
    _signed_in(client, users["auditor"])
    _set_clocks(client, idle=31 * MINUTE)
    response = client.get("/accounts/me/", follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "You were signed out after 30 minutes of inactivity." in response.content.decode()


def test_idle_limit_is_a_setting(client: Client, users: Any, settings: Any) -> None:
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 10
    _signed_in(client, users["auditor"])
    _set_clocks(client, idle=9 * MINUTE)
    assert client.get("/accounts/me/").status_code == 200
    _set_clocks(client, idle=11 * MINUTE)
    assert client.get("/accounts/me/").status_code == 302


def test_activity_is_recorded_at_most_once_a_minute(client: Client, users: Any) -> None:
    _signed_in(client, users["auditor"])
    _set_clocks(client, idle=30)
    before = client.session[LAST_ACTIVITY_KEY]
    client.get("/accounts/me/")
    assert client.session[LAST_ACTIVITY_KEY] == before  # under a minute: no session write
    _set_clocks(client, idle=90)
    client.get("/accounts/me/")
    assert client.session[LAST_ACTIVITY_KEY] >= int(time.time()) - 5  # refreshed


def test_activity_keeps_the_session_but_not_beyond_the_absolute_maximum(client: Client, users: Any) -> None:
    _signed_in(client, users["auditor"])
    _set_clocks(client, idle=MINUTE, since_login=8 * 3600 - MINUTE)
    assert client.get("/accounts/me/").status_code == 200
    _set_clocks(client, idle=MINUTE, since_login=8 * 3600 + MINUTE)
    response = client.get("/accounts/me/", follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert response.redirect_chain[0][0].startswith("/accounts/login/")
    assert "a session lasts at most 8 hours" in response.content.decode()


def test_idle_session_is_401_on_the_api(client: Client, users: Any) -> None:
    _signed_in(client, users["auditor"])
    _set_clocks(client, idle=29 * MINUTE)
    assert client.get("/api/accounts/me").status_code == 200
    _set_clocks(client, idle=31 * MINUTE)
    assert client.get("/api/accounts/me").status_code == 401
    assert "_auth_user_id" not in client.session


def test_anonymous_pages_are_untouched(client: Client, orgs: Any) -> None:
    assert client.get("/accounts/login/").status_code == 200
    assert LAST_ACTIVITY_KEY not in client.session
