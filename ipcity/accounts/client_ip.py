"""The client's address, as login throttling and the login audit entries see it (docs/adr/0004).

`X-Forwarded-For` is set by whoever sends the request, so it is believed only as far as the operator says:
`TRUSTED_PROXY_COUNT` reverse proxies stand in front of the application (default 0: use the socket's
address, `REMOTE_ADDR`, and ignore the header). With N proxies, each appends the address it received the
request from, so the client is the N-th address from the right; anything further left was written by the
client and is ignored. `TRUSTED_PROXIES` (addresses or networks) may in addition require that the request
really comes from one of the proxies before the header is read at all.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(value: str) -> str | None:
    value = value.strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def _from_trusted_proxy(remote: str | None) -> bool:
    networks = getattr(settings, "TRUSTED_PROXIES", [])
    if not networks:
        return True
    if remote is None:
        return False
    address = ipaddress.ip_address(remote)
    for network in networks:
        try:
            if address in ipaddress.ip_network(network, strict=False):
                return True
        except ValueError:
            continue
    return False


def client_ip(request: HttpRequest) -> str:
    """The address to throttle and audit: never a value the client alone controls."""
    remote = _address(request.META.get("REMOTE_ADDR", "") or "")
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if count > 0 and _from_trusted_proxy(remote):
        hops = [h for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= count:
            forwarded = _address(hops[-count])
            if forwarded is not None:
                return forwarded
    return remote or ""
