"""The grants workflows walked cell by cell (docs/adr/0017): every status × action × role is compared with
the transitions table, and the service agrees — it refuses with the workflow's own refusal exactly where the
table says no (role first, then status), and never with it where the table says yes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils.translation import override

from ipcity.accounts.choices import Role
from ipcity.core.errors import DomainError, NotAllowed
from ipcity.core.workflow import ROLE_MESSAGE
from ipcity.grants import services
from ipcity.grants.choices import (
    APPLICATION_WORKFLOW,
    CALL_TRANSITIONS,
    CALL_WORKFLOW,
    TRANSITIONS,
    Action,
    ApplicationStatus,
    CallAction,
    CallStatus,
)
from ipcity.grants.models import Application, Call

from .conftest import World


class _Rollback(Exception):
    pass


def _outcome(service: Any, person: Any, obj: Any) -> str:
    """What the service did, rolled back: 'done', 'role', 'wrong_status' or 'other' (a later rule)."""
    try:
        with override("en"), transaction.atomic():
            service(person, obj)
            raise _Rollback
    except _Rollback:
        return "done"
    except NotAllowed as exc:
        # The table's own refusal; a service's narrower role rule (e.g. finance before the content review)
        # carries its own sentence and counts as "other".
        return "role" if exc.message == str(ROLE_MESSAGE) else "other"
    except DomainError as exc:
        return "wrong_status" if exc.code == "wrong_status" else "other"
    except IntegrityError:  # a status set by hand lacks the ledger rows an award would have written
        return "other"


APPLICATION_SERVICES: dict[str, Any] = {
    Action.SUBMIT: lambda u, a: services.application_submit(actor=u, application=a),
    Action.WITHDRAW: lambda u, a: services.application_withdraw(actor=u, application=a),
    Action.START_REVIEW: lambda u, a: services.application_start_review(actor=u, application=a),
    Action.REQUEST_CHANGES: lambda u, a: services.application_request_changes(
        actor=u, application=a, message="x"
    ),
    Action.RESUBMIT: lambda u, a: services.application_resubmit(actor=u, application=a, answer="x"),
    Action.APPROVE_CONTENT: lambda u, a: services.application_approve_content(actor=u, application=a),
    Action.APPROVE: lambda u, a: services.application_approve(actor=u, application=a),
    Action.ANNOUNCE: lambda u, a: services.application_announce(actor=u, application=a),
    Action.PAY: lambda u, a: services.payment_record(
        actor=u, application=a, paid_on=dt.date.today(), amount=Decimal("1"), voucher="V1"
    ),
    Action.REJECT: lambda u, a: services.application_reject(actor=u, application=a, reason="x"),
}


def _people(world: World) -> dict[str, Any]:
    return {
        Role.APPLICANT: world.applicant,
        Role.DEPARTMENT: world.reviewer,
        Role.PLAN_OFFICE: world.plan_office,
        Role.FINANCE: world.finance,
        Role.AUDITOR: world.auditor,
        Role.ADMIN: world.admin,
    }


def test_every_action_has_a_service_and_the_table_is_what_the_workflow_answers() -> None:
    assert set(APPLICATION_SERVICES) == set(TRANSITIONS) == set(Action.values)
    for status in ApplicationStatus.values:
        for role in Role.values:
            expected = [a for a, t in TRANSITIONS.items() if status in t.sources and role in t.roles]
            assert APPLICATION_WORKFLOW.allowed(status, role) == expected


@pytest.mark.django_db
def test_application_status_action_role_against_the_table_and_the_services(world: World) -> None:
    app = world.draft()
    people = _people(world)
    walked = 0
    for status in ApplicationStatus.values:
        Application.objects.filter(pk=app.pk).update(status=status, paused=False)
        app.refresh_from_db()
        for role, person in people.items():
            shown = APPLICATION_WORKFLOW.actions_for(app, person)
            for action, transition in TRANSITIONS.items():
                if role not in transition.roles:
                    expected = "role"
                elif status not in transition.sources:
                    expected = "wrong_status"
                else:
                    expected = "allowed"
                assert APPLICATION_WORKFLOW.can(action, app, person) == (expected == "allowed")
                assert (action in shown) == (expected == "allowed")
                got = _outcome(APPLICATION_SERVICES[action], person, Application(pk=app.pk))
                cell = (status, action, role)
                if expected == "allowed":
                    assert got in ("done", "other"), cell  # a later object-level rule may still refuse
                else:
                    assert got == expected, cell
                walked += 1
    assert walked == len(ApplicationStatus.values) * len(people) * len(TRANSITIONS)


@pytest.mark.django_db
def test_payment_waits_while_an_objection_holds_the_award(world: World) -> None:
    app = world.draft()
    Application.objects.filter(pk=app.pk).update(status=ApplicationStatus.ANNOUNCED, paused=True)
    app.refresh_from_db()
    assert not APPLICATION_WORKFLOW.can(Action.PAY, app, world.finance)
    with pytest.raises(DomainError) as refused:
        APPLICATION_SERVICES[Action.PAY](world.finance, app)
    assert refused.value.code == "paused"


CALL_SERVICES: dict[str, Any] = {
    CallAction.PUBLISH: lambda u, c: services.call_publish(actor=u, call=c),
    CallAction.CLOSE: lambda u, c: services.call_close(actor=u, call=c),
}


@pytest.mark.django_db
def test_call_status_action_role_against_the_table_and_the_services(world: World) -> None:
    call = world.call
    people = _people(world)
    assert set(CALL_SERVICES) == set(CALL_TRANSITIONS)
    for status in CallStatus.values:
        Call.objects.filter(pk=call.pk).update(status=status)
        call.refresh_from_db()
        for role, person in people.items():
            for action, transition in CALL_TRANSITIONS.items():
                if role not in transition.roles:
                    expected = "role"
                elif status not in transition.sources:
                    expected = "wrong_status"
                else:
                    expected = "done"
                assert CALL_WORKFLOW.can(action, call, person) == (expected == "done")
                assert CALL_WORKFLOW.allowed(status, role) == [
                    a for a, t in CALL_TRANSITIONS.items() if status in t.sources and role in t.roles
                ]
                got = _outcome(CALL_SERVICES[action], person, Call(pk=call.pk))
                assert got == expected, (status, action, role)
