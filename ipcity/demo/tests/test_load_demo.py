"""`manage.py load_demo`: the whole demo data set loads through the services, prints the same logins as
before, and a second run changes nothing."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command

from ipcity.core.models import AuditEntry, AuditHead
from ipcity.patents.models import Patent

pytestmark = pytest.mark.django_db

# What `make run` prints, one login per line, in this order (README.md lists the same accounts).
LOGINS = [
    ("plan_office", "plan_office"),
    ("department", "dept_samr"),
    ("department", "dept_justice"),
    ("department", "dept_court"),
    ("department", "dept_ndrc"),
    ("finance", "finance"),
    ("auditor", "auditor"),
    ("admin", "admin"),
    ("admin", "secadmin"),
    ("applicant", "applicant_hairun"),
    ("applicant", "applicant_zhiqiao"),
    ("applicant", "applicant_bank"),
]


def _counts() -> dict[str, int]:
    return {m._meta.label: m._base_manager.count() for m in apps.get_models(include_auto_created=True)}


def _load(**options: Any) -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out, **options)
    return out.getvalue()


def test_load_demo_prints_the_logins_and_a_second_run_changes_nothing(plan: Any, sei_snapshot: Any) -> None:
    sei_snapshot.apply()
    printed = _load(patents=200)
    lines = [line.split() for line in printed.splitlines() if line.startswith("  ")]
    assert [(words[0], words[1]) for words in lines] == LOGINS
    assert "Every demo account's password: Demo2024-ipcity" in printed
    assert "imported 200" in printed
    assert Patent.objects.filter(is_demo=True).count() == 200

    counts = _counts()
    head = AuditHead.objects.values_list("seq", "hash").get()
    again = _load(patents=200)
    assert "unchanged 200" in again
    # The only new record is the second import of the same synthetic file (every import is recorded, also
    # one that changes nothing); no other table changes.
    assert list(AuditEntry.objects.filter(seq__gt=head[0]).values_list("action", flat=True)) == [
        "patent.import"
    ]
    counts["core.AuditEntry"] += 1
    assert _counts() == counts
    assert AuditHead.objects.get().seq == head[0] + 1


def test_patents_zero_loads_no_patents(plan: Any, sei_snapshot: Any) -> None:
    sei_snapshot.apply()
    printed = _load(patents=0)
    assert "no synthetic patents" in printed
    assert not Patent.objects.exists()
