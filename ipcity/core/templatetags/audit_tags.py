"""Readable names for audit actions on the auditor's pages; the action code itself is always shown too."""

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

ACTION_LABELS = {
    "auth.login": _("Login"),
    "auth.logout": _("Logout"),
    "auth.login_failed": _("Failed login"),
    "auth.lockout": _("Login locked out"),
    "account_change.request": _("Account change requested"),
    "account_change.confirm": _("Account change confirmed"),
    "account_change.reject": _("Account change rejected"),
}


@register.filter
def action_label(action: str) -> str:
    """The label of an audit action, or "" when it has none (the code speaks for itself)."""
    return str(ACTION_LABELS.get(action, ""))
