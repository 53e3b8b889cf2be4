"""API authentication by the browser session (with CSRF), and role checks. The bearer token and `API_AUTH`
(token or session) live in `ipcity.accounts.api_auth`: core imports no other app (docs/adr/0014-layering.md)."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import APIKeyCookie
from ninja.utils import check_csrf


class SessionAuth(APIKeyCookie):
    """Django's session cookie; unsafe methods also need the CSRF token (ninja checks it)."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if request.user.is_authenticated:
            return request.user
        return None


CSRF_MESSAGE = (
    "A request that carries the session cookie needs the CSRF token (X-CSRFToken header). / "
    "携带会话 Cookie 的请求须附带 CSRF 令牌（X-CSRFToken 请求头）。"
)


def csrf_when_session(request: HttpRequest) -> Any:
    """The auth of an anonymous operation that changes something (lodging a 公示 objection, the calculator).

    Anyone may call it. But a request carrying the session cookie comes from a signed-in browser and acts as
    that user (a service records `request.user`), so like every session request it needs the CSRF token:
    otherwise a page elsewhere could make the browser post it. Without the cookie there is nothing to forge.
    A plain function, so the OpenAPI document lists no security scheme for the operation: it stays public.
    """
    if settings.SESSION_COOKIE_NAME in request.COOKIES and check_csrf(request) is not None:
        raise HttpError(403, CSRF_MESSAGE)
    return request.user or True


PUBLIC_WRITE = [csrf_when_session]


def require_role(request: HttpRequest, *roles: str) -> Any:
    """Raise 403 unless the authenticated user has one of `roles`; return the user."""
    user = request.user
    if not (user.is_authenticated and user.is_active and getattr(user, "role", "") in roles):
        raise HttpError(403, "This action is not allowed for your role. / 您的角色无权执行此操作。")
    return user
