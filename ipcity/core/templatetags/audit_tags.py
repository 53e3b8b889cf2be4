"""Readable names for audit actions on the auditor's pages; the action code itself is always shown too.

The labels come from the registry each app declares its actions into (ipcity/core/audit_actions.py)."""

from django import template

from ipcity.core.audit_actions import label_for

register = template.Library()


@register.filter
def action_label(action: str) -> str:
    """The label of an audit action, or "" when it has none (an unknown historic code speaks for itself)."""
    label = label_for(action)
    return "" if label == action else label
