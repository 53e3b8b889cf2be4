"""Login throttling keyed two ways (docs/adr/0004-authentication-and-throttling.md).

`AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], ["ip_address"]]`:

- a (user name, address) pair is locked after `AXES_FAILURE_LIMIT` failures: someone guessing from elsewhere
  cannot lock the real user out of their own address;
- an address is locked after `AXES_IP_FAILURE_LIMIT` failures over *all* user names (password spraying).

django-axes compares one count with one limit, so the address count is scaled onto the pair's limit here:
reaching `AXES_IP_FAILURE_LIMIT` counts as reaching `AXES_FAILURE_LIMIT`.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum


class PairAndAddressHandler(AxesDatabaseHandler):  # type: ignore[misc]
    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        pair_limit = int(settings.AXES_FAILURE_LIMIT)
        ip_limit = max(int(getattr(settings, "AXES_IP_FAILURE_LIMIT", pair_limit)), 1)
        counts = []
        for attempts in self.get_user_attempts(request, credentials):
            total = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            counts.append(total)
        if not counts:
            return 0
        # get_user_attempts follows AXES_LOCKOUT_PARAMETERS: [pair, address] (more entries count unscaled).
        pair = counts[0]
        address = counts[1] * pair_limit // ip_limit if len(counts) > 1 else 0
        return max([pair, address, *counts[2:]])
