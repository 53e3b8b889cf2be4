"""The test suite's shared data (conftest `plan`, patents `sei_snapshot`): a loader runs once per database
state and its rows are written back for later tests. Writing them back must leave exactly what the
loader leaves, and hand out fresh primary keys afterwards (PostgreSQL sequences)."""

import io
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from ipcity.core.audit import audit_record, verify_chain
from ipcity.core.models import AuditEntry
from ipcity.core.testing import DataSnapshot
from ipcity.orgs.models import Department
from ipcity.plan.models import Plan

PACKAGE = str(settings.POLICY_ROOT / settings.DEFAULT_POLICY)


def load_policy() -> str:
    out = io.StringIO()
    call_command("load_policy", PACKAGE, stdout=out)
    return out.getvalue()


def dump() -> dict[str, list[dict[str, Any]]]:
    """Every non-empty table, without the auto_now columns (they hold the time of writing)."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.label in ("contenttypes.ContentType", "auth.Permission"):
            continue
        stamped = {f.attname for f in model._meta.concrete_fields if getattr(f, "auto_now", False)}
        stamped |= {f.attname for f in model._meta.concrete_fields if getattr(f, "auto_now_add", False)}
        rows = [
            {k: v for k, v in row.items() if k not in stamped}
            for row in model._base_manager.order_by("pk").values()
        ]
        if rows:
            tables[model._meta.label] = rows
    return tables


def test_a_replay_leaves_what_the_loader_leaves(db: Any) -> None:
    snapshot = DataSnapshot(load_policy)
    with transaction.atomic():
        first = snapshot.apply()
        loaded = dump()
        transaction.set_rollback(True)
    assert snapshot.runs == 1 and first.startswith("Loaded policy package")
    assert not Plan.objects.exists()

    second = snapshot.apply()
    assert snapshot.runs == 1 and snapshot.replays == 1  # written back, not loaded again
    assert second == first
    assert dump() == loaded
    assert list(verify_chain()) == []
    assert load_policy().startswith("Unchanged:")  # the loader recognises its own result


def test_new_rows_after_a_replay_get_fresh_keys_and_extend_the_audit_chain(db: Any) -> None:
    snapshot = DataSnapshot(load_policy)
    with transaction.atomic():
        snapshot.apply()
        transaction.set_rollback(True)
    snapshot.apply()
    assert snapshot.replays == 1
    highest = max(Department.objects.values_list("pk", flat=True))
    department = Department.objects.create(code="new-dept", name="新设部门")
    assert department.pk > highest
    last = AuditEntry.objects.order_by("-seq").first()
    assert last is not None
    with transaction.atomic():
        entry = audit_record(actor="test", action="department.create", obj=department)
    assert entry.seq == last.seq + 1 and entry.pk > last.pk
    assert list(verify_chain()) == []


def test_another_database_state_makes_the_loader_itself_run(db: Any) -> None:
    snapshot = DataSnapshot(load_policy)
    with transaction.atomic():
        snapshot.apply()
        transaction.set_rollback(True)
    Department.objects.create(code="t-justice", name="市司法局")  # a test wrote before asking for the plan
    output = snapshot.apply()
    assert snapshot.runs == 2 and snapshot.replays == 0
    assert output.startswith("Loaded policy package")
    assert Department.objects.get(name="市司法局").code != "t-justice"  # the loader updated it
    assert Department.objects.count() == 16 and Plan.objects.exists()


def test_the_plan_fixture_gives_the_loaded_plan(plan: Any) -> None:
    assert plan.code == settings.DEFAULT_POLICY and plan.tasks.count() == 38
    assert list(verify_chain()) == []
