"""The login trail (issue 8, finding 9): Django's authentication signals call accounts services that write the
audit record.

This is the one place ipcity uses signals for a write (STYLE rule 7 says no business logic in signals): login,
logout and failure happen inside django.contrib.auth and django-axes, not in our services, and these signals are
the auth framework's documented hook for them. The receivers only pass the event on to a service.
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from . import services


@receiver(user_logged_in, dispatch_uid="ipcity.accounts.audit_login")
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    services.auth_login_record(user=user, request=request)


@receiver(user_logged_out, dispatch_uid="ipcity.accounts.audit_logout")
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    services.auth_logout_record(user=user, request=request)


@receiver(user_login_failed, dispatch_uid="ipcity.accounts.audit_login_failed")
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    # `credentials` has the password already masked by Django; only the user name is kept.
    services.auth_login_failed_record(username=credentials.get("username"), request=request)


@receiver(user_locked_out, dispatch_uid="ipcity.accounts.audit_lockout")
def _locked_out(sender: Any, request: Any, username: Any, ip_address: str, **kwargs: Any) -> None:
    # axes signals every refused attempt while locked; the lockout itself is the attempt that reaches the limit
    # (later attempts appear as auth.login_failed with locked_out = true).
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is not None and failures > int(settings.AXES_FAILURE_LIMIT):
        return
    services.auth_lockout_record(username=username, ip_address=ip_address, request=request)
