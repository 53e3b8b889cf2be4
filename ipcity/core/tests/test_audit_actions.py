"""Named audit actions (ADR 0013): every action is declared once, registered, labelled in both languages,
refused when unknown, and shown as words on the auditor's pages and in the CSV export."""

from __future__ import annotations

import ast
import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import models, transaction
from django.test import Client
from django.utils import translation

from ipcity.accounts.choices import AuditAction as AccountsAction
from ipcity.core import audit_actions
from ipcity.core.audit import audit_record
from ipcity.core.audit_actions import label_for
from ipcity.core.models import AuditEntry
from ipcity.grants.choices import AuditAction as GrantsAction

IPCITY = Path(settings.BASE_DIR) / "ipcity"


def test_an_unregistered_action_is_refused_and_writes_nothing(db: Any) -> None:
    with pytest.raises(ValueError, match="application.submitt"), transaction.atomic():
        audit_record(actor="test", action="application.submitt", object_type="test.thing", object_id=1)
    assert not AuditEntry.objects.exists()


def test_a_registered_action_is_recorded_under_its_code(db: Any) -> None:
    with transaction.atomic():
        entry = audit_record(
            actor="test", action=GrantsAction.APPLICATION_SUBMIT, object_type="t", object_id=1
        )
    stored = AuditEntry.objects.get(seq=entry.seq)
    assert stored.action == "application.submit" and type(stored.action) is str


def test_a_code_declared_by_two_enums_is_refused() -> None:
    class Clash(models.TextChoices):
        SUBMIT = "application.submit", "Submitted again"

    with pytest.raises(ValueError, match="declared twice"):
        audit_actions.register(Clash)
    assert label_for("application.submit") == str(GrantsAction.APPLICATION_SUBMIT.label)


def test_every_app_that_audits_has_registered_its_actions() -> None:
    codes = audit_actions.registered()
    for prefix in (
        "auth.",
        "user.",
        "application.",
        "entity.",
        "progress_report.",
        "patent_import.",
        "credit_record.",
        "audit.",
    ):
        assert any(code.startswith(prefix) for code in codes), prefix


def _audit_actions_in_source() -> list[tuple[str, int, ast.expr]]:
    found = []
    for path in sorted(IPCITY.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "audit_record":
                for keyword in node.keywords:
                    if keyword.arg == "action":
                        found.append((str(path.relative_to(IPCITY)), node.lineno, keyword.value))
    return found


def test_every_action_written_in_the_code_is_a_registered_code() -> None:
    uses = _audit_actions_in_source()
    assert len(uses) > 60
    for where, line, value in uses:
        assert not isinstance(value, ast.JoinedStr), (
            f"{where}:{line}: an f-string action; declare each member"
        )
        if isinstance(value, ast.Constant):
            assert audit_actions.is_registered(str(value.value)), (
                f"{where}:{line}: {value.value!r} is not registered"
            )


def test_every_registered_action_has_a_chinese_label_unlike_the_english() -> None:
    codes = audit_actions.registered()
    assert len(codes) >= 80
    missing = []
    for code in codes:
        with translation.override("en"):
            english = label_for(code)
        with translation.override("zh-hans"):
            chinese = label_for(code)
        if chinese == english or chinese == code:
            missing.append(f"{code}: {english}")
    assert not missing, "no Chinese label (add the msgstr to the app's django.po): " + ", ".join(missing)


def test_an_unknown_historic_code_is_shown_as_it_is() -> None:
    assert label_for("legacy.retired_action") == "legacy.retired_action"
    with translation.override("zh-hans"):
        assert label_for(AccountsAction.AUTH_LOGIN) == "登录"
        assert label_for("auth.login") == "登录"


def _entries() -> tuple[AuditEntry, AuditEntry]:
    with transaction.atomic():
        named = audit_record(actor="test", action=GrantsAction.OBJECTION_LODGE, object_type="t", object_id=1)
    historic = AuditEntry.objects.get(seq=named.seq)
    AuditEntry.objects.filter(seq=named.seq).update(action="legacy.retired_action")  # as an old row reads
    with transaction.atomic():
        named = audit_record(actor="test", action=GrantsAction.OBJECTION_LODGE, object_type="t", object_id=2)
    return named, historic


def test_the_auditor_pages_show_the_label_beside_the_code(client: Client, users: Any) -> None:
    named, historic = _entries()
    client.force_login(users["auditor"])
    with translation.override("zh-hans"):
        listing = client.get("/audit/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        detail = client.get(f"/audit/{named.seq}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        old = client.get(f"/audit/{historic.seq}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "<code>objection.lodge</code>" in listing and "提出异议" in listing
    assert "<code>objection.lodge</code>" in detail and "提出异议" in detail
    assert "<code>legacy.retired_action</code>" in old


def test_the_csv_export_has_a_label_column_beside_the_code(client: Client, users: Any) -> None:
    named, historic = _entries()
    client.force_login(users["auditor"])
    response = client.get("/audit/export.csv", HTTP_ACCEPT_LANGUAGE="en")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = rows[0]
    assert header.index("action_label") == header.index("action") + 1
    by_seq = {int(r[0]): r for r in rows[1:]}
    assert by_seq[named.seq][header.index("action_label")] == "Objection lodged"
    assert by_seq[historic.seq][header.index("action_label")] == "legacy.retired_action"
