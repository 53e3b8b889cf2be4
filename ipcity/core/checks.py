"""System checks for the audit chain's keys (docs/adr/0009). `manage.py check --deploy` fails without a
key from the environment; every `check` fails on a malformed key."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.core.exceptions import ImproperlyConfigured


@register(Tags.security)
def audit_keys_are_valid(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    from .audit import audit_keys

    try:
        audit_keys()
    except ImproperlyConfigured as exc:
        return [Error(str(exc), hint="See docs/operations.md, 'The audit trail'.", id="ipcity.E001")]
    return []


@register(Tags.security, deploy=True)
def audit_key_from_environment(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if not (getattr(settings, "AUDIT_HMAC_KEY", "") or "").strip():
        return [
            Error(
                "AUDIT_HMAC_KEY is not set: a deployment seals its audit chain with a key from the "
                "environment, never one kept beside the database.",
                hint="export AUDIT_HMAC_KEY='<id>:<secret of 32+ characters>' (docs/adr/0009).",
                id="ipcity.E002",
            )
        ]
    return []
