"""The audit trail: `manage.py audit verify` and the auditor's pages."""

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import Client

from ipcity.core.audit import audit_record
from ipcity.core.models import AuditEntry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("thing_action")]


def _write(n: int, actor: Any = "test") -> None:
    for i in range(n):
        with transaction.atomic():
            audit_record(
                actor=actor, action="thing.create", object_type="test.thing", object_id=i, after={"i": i}
            )


def _verify() -> tuple[bool, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
    except CommandError as exc:
        return False, err.getvalue() + str(exc)
    return True, out.getvalue()


def _sql(statement: str, *params: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_table_name() -> None:
    assert AuditEntry._meta.db_table == "core_auditentry"  # the raw SQL below tampers with this table


def test_verify_passes_on_intact_chain(orgs: Any) -> None:
    _write(5)
    ok, text = _verify()
    assert ok and "5 record(s)" in text


def test_verify_fails_after_update_names_the_row(orgs: Any) -> None:
    _write(5)
    _sql("UPDATE core_auditentry SET action = %s WHERE seq = 3", "thing.delete")
    ok, text = _verify()
    assert not ok and "#3" in text


def test_verify_fails_after_update_of_json_content(orgs: Any) -> None:
    _write(5)
    _sql("UPDATE core_auditentry SET after = %s WHERE seq = 2", '{"i": 99}')
    ok, text = _verify()
    assert not ok and "#2" in text


def test_verify_fails_after_delete_of_middle_row(orgs: Any) -> None:
    _write(5)
    _sql("DELETE FROM core_auditentry WHERE seq = 3")
    ok, text = _verify()
    assert not ok and "#3" in text


def test_verify_fails_after_delete_of_last_row(orgs: Any) -> None:
    _write(5)
    _sql("DELETE FROM core_auditentry WHERE seq = 5")
    ok, text = _verify()
    assert not ok and "#5" in text


def test_verify_exit_status_is_non_zero(orgs: Any, tmp_path: Any) -> None:
    """The command as an operator runs it: CommandError → exit status 1."""
    _write(2)
    _sql("DELETE FROM core_auditentry WHERE seq = 2")
    with pytest.raises(CommandError):
        call_command("audit", "verify", stdout=io.StringIO(), stderr=io.StringIO())


# --- pages ----------------------------------------------------------------------------------------


def test_auditor_lists_filters_and_reads_diff(client: Client, users: Any, entity: Any) -> None:
    from ipcity.orgs.services import entity_update

    entity_update(actor=users["plan_office"], entity=entity, name="新名称有限公司")
    _write(3, actor="batch")
    client.force_login(users["auditor"])
    page = client.get("/audit/")
    assert page.status_code == 200
    assert page.context["page"].paginator.count == AuditEntry.objects.count()
    filtered = client.get("/audit/", {"action": "entity.update"})
    rows = list(filtered.context["page"])
    assert len(rows) == 1 and rows[0].action == "entity.update"
    by_actor = client.get("/audit/", {"actor": "batch"})
    assert by_actor.context["page"].paginator.count == 3
    by_type = client.get("/audit/", {"object_type": "orgs.entity"})
    assert by_type.context["page"].paginator.count == 1
    detail = client.get(f"/audit/{rows[0].seq}/")
    diff = {row["field"]: row for row in detail.context["diff"]}
    assert diff["name"]["before"] == "烟台测试科技有限公司" and diff["name"]["after"] == "新名称有限公司"
    assert diff["name"]["changed"] and not diff["uscc"]["changed"]


def test_audit_filter_by_date_and_request_id(client: Client, users: Any) -> None:
    from ipcity.core.request_context import reset_request_id, set_request_id

    token = set_request_id("req123abc")
    try:
        _write(2)
    finally:
        reset_request_id(token)
    _write(1)
    client.force_login(users["auditor"])
    assert client.get("/audit/", {"request_id": "req123abc"}).context["page"].paginator.count == 2
    # every entry: the three written here and the auditor's own login (auth.login, ADR 0004)
    everything = AuditEntry.objects.count()
    assert client.get("/audit/", {"date_from": "2000-01-01"}).context["page"].paginator.count == everything
    assert client.get("/audit/", {"date_to": "2000-01-01"}).context["page"].paginator.count == 0
    bad = client.get("/audit/", {"date_from": "not-a-date"})
    assert bad.status_code == 200


def test_request_id_of_a_page_write_is_recorded(client: Client, users: Any, entity: Any) -> None:
    client.force_login(users["plan_office"])
    response = client.post(
        f"/orgs/entities/{entity.pk}/certifications/",
        {"kind": "advantage", "level": "municipal", "year": 2023, "source": "s"},
        HTTP_X_REQUEST_ID="abc123",
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="certification.add")
    assert entry.request_id == "abc123" and entry.actor == users["plan_office"]


def test_verify_page(client: Client, users: Any) -> None:
    _write(3)
    client.force_login(users["auditor"])
    ok = client.get("/audit/verify/")
    assert ok.context["problems"] == [] and b"chain-intact" in ok.content
    _sql("UPDATE core_auditentry SET actor_repr = %s WHERE seq = 2", "mallory")
    broken = client.get("/audit/verify/")
    assert [p.seq for p in broken.context["problems"]] == [2]
    assert b"chain-broken" in broken.content


def test_audit_export_uses_the_filter(client: Client, users: Any) -> None:
    _write(2, actor="batch")
    _write(1, actor="other")
    client.force_login(users["auditor"])
    text = client.get("/audit/export.csv", {"actor": "batch"}).content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("seq,") and len(lines) == 3
    assert all(",batch," in line for line in lines[1:])


@pytest.mark.parametrize("role", ["plan_office", "department", "finance", "applicant", "admin"])
def test_audit_pages_refused_to_other_roles(client: Client, users: Any, role: str) -> None:
    _write(1)
    client.force_login(users[role])
    for url in ("/audit/", "/audit/1/", "/audit/verify/", "/audit/export.csv"):
        assert client.get(url).status_code == 403, url


def test_audit_pages_anonymous_redirect(client: Client, orgs: Any) -> None:
    assert client.get("/audit/").status_code == 302
