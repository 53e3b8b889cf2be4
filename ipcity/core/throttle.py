"""A per-address limit for anonymous forms (self-registration, 公示 objections): N attempts an hour.

Counters live in the default cache under a key per scope, address and clock hour (a fixed window: at
most N in each clock hour, so at worst 2N across the turn of an hour). Every attempt counts, successful
or not: otherwise probing for taken usernames would be free. The address is the one django-axes uses
for login throttling (`axes.helpers.get_client_ip_address`, which calls AXES_CLIENT_IP_CALLABLE =
accounts/client_ip.py: TRUSTED_PROXY_COUNT behind a proxy), so the two limits agree on who the client is.
"""

from __future__ import annotations

import time

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from .middleware import error_body

WINDOW_SECONDS = 3600

# The API's messages carry both languages; pages translate core/throttled.html.
THROTTLED_MESSAGE = (
    "Too many attempts from your network address. Please try again in an hour. / "
    "来自您网络地址的尝试次数过多，请一小时后再试。"
)


def throttle_hit(request: HttpRequest, scope: str, limit: int) -> bool:
    """Count one attempt by this request's address in `scope`; True if it is within `limit` this hour."""
    address = get_client_ip_address(request) or "unknown"
    window = int(time.time()) // WINDOW_SECONDS
    key = f"throttle:{scope}:{address}:{window}"
    cache.add(key, 0, WINDOW_SECONDS + 60)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, WINDOW_SECONDS + 60)
        count = 1
    return count <= limit


def limit_for(setting: str) -> int:
    return int(getattr(settings, setting))


def throttled_page(request: HttpRequest) -> HttpResponse:
    response = render(request, "core/throttled.html", status=429)
    response["Retry-After"] = str(WINDOW_SECONDS)
    return response


def throttled_api() -> HttpResponse:
    return JsonResponse(
        error_body("", THROTTLED_MESSAGE, "throttled"),
        status=429,
        headers={"Retry-After": str(WINDOW_SECONDS)},
    )
