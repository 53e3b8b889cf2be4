"""The anonymous 公示 objection at the API's edge: a lone surrogate is a 422 naming the field (it was a 500),
and a request carrying a signed-in browser's session cookie needs the CSRF token (ipcity.core.api_auth
.csrf_when_session); an anonymous request without cookies is accepted as before. Real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.utils import timezone

from ipcity.grants.models import Application, Objection

from .conftest import World

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _close_http(http: Any) -> Iterator[None]:
    yield
    http.close()  # before the live server stops: a kept-alive connection would outlive its database


def _url(app: Any) -> str:
    return f"/api/grants/announcements/{app.pk}/objections"


def _signed_in(user: Any, http: Any) -> Any:
    """A requests session holding `user`'s real session cookie, as a browser would after logging in."""
    client = Client()
    client.force_login(user)
    browser = type(http)()
    browser.cookies.set(settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value)
    return browser


def test_a_lone_surrogate_in_an_anonymous_objection_is_a_422(world: World, http: Any) -> None:
    app = world.announced(starts_on=timezone.localdate(), subject="SURROGATE-OBJ")
    text = '{"name": "\\u5f20\\u4e09", "contact": "1", "text": "\\ud800 \\u91cd\\u590d"}'
    r = http.post(_url(app), data=text, headers={"Content-Type": "application/json"})
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["field"] == "text" and r.json()["detail"][0]["type"] == "surrogate"
    assert not Objection.objects.exists() and not Application.objects.get(pk=app.pk).paused
    # The same objection with real text is lodged.
    r = http.post(_url(app), json={"name": "张三", "contact": "1", "text": "重复申报"})
    assert r.status_code == 201, r.text


def test_an_objection_with_a_session_cookie_needs_the_csrf_token(world: World, http: Any) -> None:
    app = world.announced(starts_on=timezone.localdate(), subject="CSRF-OBJ")
    body = {"name": "钱七", "contact": "1", "text": "重复"}
    with _signed_in(world.applicant, http) as browser, type(http)() as stale:
        r = browser.post(_url(app), json=body)  # what a forged cross-site post looks like
        assert r.status_code == 403, r.text
        assert "CSRF" in r.json()["detail"]
        # A stale or forged session cookie is no different: the cookie alone decides.
        stale.cookies.set(settings.SESSION_COOKIE_NAME, "not-a-session")
        assert stale.post(_url(app), json=body).status_code == 403
        assert not Objection.objects.exists() and not Application.objects.get(pk=app.pk).paused

        token = _get_new_csrf_string()
        browser.cookies.set(settings.CSRF_COOKIE_NAME, token)
        r = browser.post(_url(app), json=body, headers={"X-CSRFToken": token})
        assert r.status_code == 201, r.text
        assert Objection.objects.get().name == "钱七"

    # Anonymous, without cookies: accepted as before.
    r = http.post(_url(app), json=dict(body, name="孙八"))
    assert r.status_code == 201, r.text
    assert Objection.objects.count() == 2


@pytest.mark.parametrize("path", ["/api/incentives/calculate", "/api/incentives/simulate"])
def test_the_other_public_writes_follow_the_same_rule(world: World, http: Any, path: str) -> None:
    body = {"scheme": "madrid_trademark", "date": "2024-05-01", "facts": {}, "applications": []}
    assert http.post(path, json=body).status_code != 403
    with _signed_in(world.applicant, http) as browser:
        r = browser.post(path, json=body)
        assert r.status_code == 403 and "CSRF" in r.json()["detail"]
