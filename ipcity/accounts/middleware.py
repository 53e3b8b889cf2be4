"""Ends a signed-in session after a period without requests, and in any case some hours after login.

Why a middleware and not SESSION_SAVE_EVERY_REQUEST: with database sessions that setting writes the
session row on every request (every page, every API call made with the session cookie, every static
asset Django serves). Here the last-activity time is refreshed at most once a minute, so a busy user
costs one session write per minute; the price is that the idle limit is exact only to that minute
(someone idle for 30 minutes and 40 seconds may still be signed in). Refreshing also pushes Django's
own expiry (SESSION_COOKIE_AGE) forward, so the absolute maximum is kept here from the login time.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

LAST_ACTIVITY_KEY = "_ipcity_last_activity"  # epoch seconds of the last recorded request
LOGIN_AT_KEY = "_ipcity_login_at"  # epoch seconds of the first request seen signed in
REFRESH_SECONDS = 60


def idle_limit_seconds() -> int:
    return int(settings.SESSION_IDLE_TIMEOUT_MINUTES) * 60


def absolute_limit_seconds() -> int:
    return int(float(settings.SESSION_MAX_AGE_HOURS) * 3600)


class SessionTimeoutMiddleware:
    """After AuthenticationMiddleware and MessageMiddleware.

    An expired session is logged out; a page request goes to the login page with a message (the
    original address as `next`), an API request continues anonymously and gets the API's 401.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            message = self._expired(request)
            if message is not None:
                logout(request)  # flushes the session
                if not request.path.startswith("/api/"):
                    messages.info(request, message)
                    return redirect_to_login(request.get_full_path())
        response = self.get_response(request)
        # A login in this request (or a session from before this middleware existed) starts the clocks.
        if request.user.is_authenticated and LAST_ACTIVITY_KEY not in request.session:
            now = int(time.time())
            request.session[LOGIN_AT_KEY] = now
            request.session[LAST_ACTIVITY_KEY] = now
        return response

    def _expired(self, request: HttpRequest) -> str | None:
        """The message to show if the session has expired; otherwise record the activity (at most once a
        minute) and return None."""
        session = request.session
        now = int(time.time())
        last = session.get(LAST_ACTIVITY_KEY)
        login_at = session.get(LOGIN_AT_KEY)
        if not isinstance(last, int) or not isinstance(login_at, int):
            return None  # the clocks start after the response (see __call__)
        if now - login_at >= absolute_limit_seconds():
            hours = float(settings.SESSION_MAX_AGE_HOURS)
            return _(
                "You were signed out because a session lasts at most %(hours)s hours. Please log in again."
            ) % {"hours": f"{hours:g}"}
        if now - last >= idle_limit_seconds():
            return _("You were signed out after %(minutes)s minutes of inactivity.") % {
                "minutes": settings.SESSION_IDLE_TIMEOUT_MINUTES
            }
        if now - last >= REFRESH_SECONDS:
            session[LAST_ACTIVITY_KEY] = now
        return None
