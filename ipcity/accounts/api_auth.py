"""API authentication by personal bearer token (accounts owns the tokens), and `API_AUTH`: a token or the
browser session with CSRF. The session auth and the role check stay in `ipcity.core.api_auth`, which imports
no app (docs/adr/0014-layering.md)."""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from ipcity.core.api_auth import SessionAuth

from .models import ApiToken

EXPIRED_MESSAGE = (
    "This API token has expired; create a new one on /accounts/tokens/. / "
    "此 API 令牌已过期，请在 /accounts/tokens/ 创建新令牌。"
)


class TokenExpired(Exception):
    """A known token past its `expires_at`: config/api.py answers 401 in the API's error shape."""

    message = EXPIRED_MESSAGE


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        row = ApiToken.objects.select_related("user").filter(digest=ApiToken.digest_of(token)).first()
        if row is None or not row.user.is_active:
            return None
        now = timezone.now()
        if row.is_expired(now):
            raise TokenExpired
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        return row.user


API_AUTH = [TokenAuth(), SessionAuth(csrf=True)]
