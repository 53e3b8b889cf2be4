"""The registry of audit action codes and their labels (ADR 0013).

Every app declares the actions it audits in one place, an `AuditAction(models.TextChoices)` in its
`choices.py` (value = the code stored in the trail, label = the English words, Chinese in the app's .po),
and registers it from its `AppConfig.ready()`:

    def ready(self) -> None:
        from ipcity.core.audit_actions import register
        from .choices import AuditAction

        register(AuditAction)

`audit_record` refuses a code nobody registered (a typo fails the tests), and the auditor's pages and
CSV export show `label_for(code)` beside the code. Core imports no other app: apps register into it.
"""

from __future__ import annotations

from django.db import models
from django.utils.functional import Promise

_labels: dict[str, str | Promise] = {}
_owners: dict[str, type[models.TextChoices]] = {}


def register(actions: type[models.TextChoices]) -> type[models.TextChoices]:
    """Add an app's `AuditAction` choices to the registry. A code is declared once, by one enum."""
    for member in actions:
        code = str(member.value)
        owner = _owners.get(code)
        if owner is not None and owner is not actions:
            raise ValueError(
                f"audit action {code!r} is declared twice ({owner.__module__} and {actions.__module__})"
            )
        _owners[code] = actions
        _labels[code] = member.label
    return actions


def unregister(actions: type[models.TextChoices]) -> None:
    """Remove an enum's codes (tests that register an action of their own)."""
    for member in actions:
        if _owners.get(str(member.value)) is actions:
            del _owners[str(member.value)]
            del _labels[str(member.value)]


def registered() -> dict[str, str | Promise]:
    """Every registered code with its (lazy) label, sorted by code."""
    return dict(sorted(_labels.items()))


def is_registered(code: str) -> bool:
    return str(code) in _labels


def require(action: str) -> str:
    """The code of a registered action (a member or its string); ValueError for anything else."""
    code = str(getattr(action, "value", action))
    if code not in _labels:
        raise ValueError(
            f"audit action {code!r} is not registered: declare it in the app's choices.AuditAction "
            "(see docs/adding-a-model.md, 'Audit actions')"
        )
    return code


def label_for(code: str) -> str:
    """The label of an action in the active language; the code itself for an unknown (historic) code."""
    label = _labels.get(str(code))
    return str(label) if label is not None else str(code)
