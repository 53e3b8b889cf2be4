"""The account change request's workflow walked cell by cell (docs/adr/0017): every status × action × role is
compared with the transitions table, and the services agree; the guards keep the second-person rule."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from ipcity.accounts import services
from ipcity.accounts.choices import (
    CHANGE_TRANSITIONS,
    CHANGE_WORKFLOW,
    ChangeAction,
    ChangeKind,
    ChangeStatus,
    Role,
)
from ipcity.accounts.models import AccountChangeRequest

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Yantai2025-new"

SERVICES: dict[str, Any] = {
    ChangeAction.CONFIRM: services.account_change_confirm,
    ChangeAction.REJECT: services.account_change_reject,
}


class _Rollback(Exception):
    pass


def _outcome(action: str, actor: Any, change: Any) -> str:
    try:
        with transaction.atomic():
            SERVICES[action](actor=actor, change=change)
            raise _Rollback
    except _Rollback:
        return "done"
    except PermissionDenied:
        return "role"
    except ValidationError as exc:
        return exc.error_list[0].code or "refused"


def test_the_table_is_confirm_and_reject_by_an_administrator() -> None:
    assert set(CHANGE_TRANSITIONS) == set(SERVICES) == set(ChangeAction.values)
    for status in ChangeStatus.values:
        for role in Role.values:
            expected = ["confirm", "reject"] if (status, role) == (ChangeStatus.PENDING, Role.ADMIN) else []
            assert CHANGE_WORKFLOW.allowed(status, role) == expected


def test_change_status_action_role_against_the_table_and_the_services(make_user: Any) -> None:
    requester = make_user("admin")
    target = make_user("finance")
    change = services.account_change_request(
        actor=requester, user=target, kind=ChangeKind.PASSWORD, password=NEW_PASSWORD
    )
    # An applicant needs an entity; the other roles are enough to walk the table.
    people = {role: make_user(role) for role in Role.values if role != Role.APPLICANT}
    for status in ChangeStatus.values:
        AccountChangeRequest.objects.filter(pk=change.pk).update(status=status)
        change.refresh_from_db()
        for role, person in people.items():
            for action, transition in CHANGE_TRANSITIONS.items():
                if role not in transition.roles:
                    expected = "role"  # the services refuse non-administrators before the table
                elif status not in transition.sources:
                    expected = "wrong_status"
                else:
                    expected = "done"
                assert CHANGE_WORKFLOW.can(action, change, person) == (expected == "done")
                assert _outcome(action, person, change) == expected, (status, action, role)


def test_the_guards_keep_the_second_person_rule(make_user: Any) -> None:
    requester, second, owner_admin = make_user("admin"), make_user("admin"), make_user("admin")
    change = services.account_change_request(
        actor=requester, user=owner_admin, kind=ChangeKind.PASSWORD, password=NEW_PASSWORD
    )
    assert CHANGE_WORKFLOW.actions_for(change, requester) == ["reject"]  # the requester may withdraw it
    assert CHANGE_WORKFLOW.actions_for(change, owner_admin) == []
    assert CHANGE_WORKFLOW.actions_for(change, second) == ["confirm", "reject"]
    assert _outcome(ChangeAction.CONFIRM, requester, change) == "requester"
    assert _outcome(ChangeAction.CONFIRM, owner_admin, change) == "own_account"
    assert _outcome(ChangeAction.REJECT, owner_admin, change) == "own_account"
    assert _outcome(ChangeAction.CONFIRM, second, change) == "done"
