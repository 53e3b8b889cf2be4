"""Reads of the audit trail: only auditors see it (separation of duties: the people whose work is audited
do not read or curate the trail). docs/adr/0002-audit-chain.md."""

from typing import Any

from django.db.models import QuerySet

from ipcity.core.permissions import user_has_role

from .models import AuditEntry

AUDIT_READERS = ("auditor",)


def audit_entries(*, user: Any) -> QuerySet[AuditEntry]:
    if not user_has_role(user, *AUDIT_READERS):
        return AuditEntry.objects.none()
    return AuditEntry.objects.order_by("-seq")


def audit_diff(entry: AuditEntry) -> list[dict[str, Any]]:
    """Rows of (field, before, after, changed) over the union of keys of `before` and `after`."""
    before = entry.before if isinstance(entry.before, dict) else {}
    after = entry.after if isinstance(entry.after, dict) else {}
    keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
    return [
        {
            "field": key,
            "before": before.get(key, ""),
            "after": after.get(key, ""),
            "in_before": key in before,
            "in_after": key in after,
            "changed": before.get(key) != after.get(key),
        }
        for key in keys
    ]
