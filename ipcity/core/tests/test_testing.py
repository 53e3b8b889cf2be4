"""The test suite's shared data (conftest `plan`, patents `sei_snapshot`): the policy package is loaded
once per session and its rows re-inserted for each test. Re-inserting must leave exactly what
`load_policy` leaves, and hand out fresh primary keys afterwards (PostgreSQL sequences)."""

import io
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from ipcity.core.audit import audit_record, verify_chain
from ipcity.core.models import AuditEntry
from ipcity.orgs.models import Department
from ipcity.plan.models import Plan, Task

PACKAGE = str(settings.POLICY_ROOT / settings.DEFAULT_POLICY)


def test_restored_rows_are_what_load_policy_leaves(policy_snapshot: Any, db: Any) -> None:
    assert not Plan.objects.exists() and policy_snapshot.applies()
    policy_snapshot.restore()
    assert Plan.objects.filter(code=settings.DEFAULT_POLICY).exists()
    assert Task.objects.count() == 38 and Department.objects.count() == 16
    assert list(verify_chain()) == []
    # The loader recognises its own result: nothing to do.
    out = io.StringIO()
    call_command("load_policy", PACKAGE, stdout=out)
    assert out.getvalue().startswith("Unchanged:")
    assert not policy_snapshot.applies()  # the tables are no longer empty


def test_new_rows_after_a_restore_get_fresh_keys_and_extend_the_audit_chain(
    policy_snapshot: Any, db: Any
) -> None:
    policy_snapshot.restore()
    highest = max(Department.objects.values_list("pk", flat=True))
    department = Department.objects.create(code="new-dept", name="新设部门")
    assert department.pk > highest
    last = AuditEntry.objects.order_by("-seq").first()
    assert last is not None
    with transaction.atomic():
        entry = audit_record(actor="test", action="department.create", obj=department)
    assert entry.seq == last.seq + 1 and entry.pk > last.pk
    assert list(verify_chain()) == []


def test_a_table_already_written_makes_the_loader_itself_run(policy_snapshot: Any, db: Any) -> None:
    Department.objects.create(code="t-justice", name="市司法局")
    assert not policy_snapshot.applies()
    output = policy_snapshot.apply()
    assert output.startswith("Loaded policy package")
    assert Department.objects.get(name="市司法局").code != "t-justice"  # the loader updated it
    assert Department.objects.count() == 16 and Plan.objects.exists()


def test_the_plan_fixture_gives_the_loaded_plan(plan: Any) -> None:
    assert plan.code == settings.DEFAULT_POLICY and plan.tasks.count() == 38
    assert list(verify_chain()) == []
