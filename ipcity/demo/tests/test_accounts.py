"""The demo accounts are made as a deployment makes them (ADR 0007): the operator creates the two
administrators; `admin` creates the others; `secadmin` confirms every protected account's activation."""

from __future__ import annotations

import io
from typing import Any

import pytest

from ipcity.accounts.choices import SECOND_PERSON_ROLES, ChangeKind, ChangeStatus
from ipcity.accounts.models import AccountChangeRequest, User
from ipcity.core.models import AuditEntry
from ipcity.demo import accounts, orgs

pytestmark = pytest.mark.django_db


def test_protected_accounts_are_confirmed_by_the_second_administrator(plan: Any) -> None:
    orgs.load(stdout=io.StringIO(), options={})
    accounts.load(stdout=io.StringIO(), options={})
    rows = accounts.DEMO_USERS + accounts.applicant_users()
    users = {u.username: u for u in User.objects.all()}
    assert set(users) == {row[0] for row in rows}
    assert all(u.is_active and u.check_password(accounts.DEMO_PASSWORD) for u in users.values())
    assert all("演示" in u.display_name for u in users.values())
    assert not any(u.is_staff or u.is_superuser for u in users.values())

    admin, secadmin = users["admin"], users["secadmin"]
    creators = {
        object_id: (actor_id, actor_repr)
        for object_id, actor_id, actor_repr in AuditEntry.objects.filter(
            action="user.create", object_type="accounts.user"
        ).values_list("object_id", "actor_id", "actor_repr")
    }
    assert {creators[str(admin.pk)], creators[str(secadmin.pk)]} == {(None, "demo")}
    protected = {u.username for u in users.values() if u.role in SECOND_PERSON_ROLES} - {"admin", "secadmin"}
    assert protected == {"plan_office", "finance", "auditor"}
    for username in protected:
        change = AccountChangeRequest.objects.get(user=users[username])
        assert (change.kind, change.status) == (ChangeKind.ACTIVATE, ChangeStatus.CONFIRMED)
        assert (change.requested_by, change.decided_by) == (admin, secadmin)
    # Everybody else was created active by `admin`, with no request.
    assert AccountChangeRequest.objects.count() == len(protected)
    others = {creators[str(u.pk)][0] for name, u in users.items() if name not in ("admin", "secadmin")}
    assert others == {admin.pk}

    entries = AuditEntry.objects.count()
    accounts.load(stdout=io.StringIO(), options={})
    assert AuditEntry.objects.count() == entries
