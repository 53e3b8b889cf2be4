"""The progress report's workflow walked cell by cell (ADR 0020, docs/adr/0017): every status × action × role
is compared with the transitions table, and the services agree with it for the people the object rules let
act (an assigned department reports; another user of the lead unit reviews)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from ipcity.accounts.choices import Role
from ipcity.reporting import services as svc
from ipcity.reporting.choices import REPORT_TRANSITIONS, REPORT_WORKFLOW, ReportAction, ReportStatus
from ipcity.reporting.models import ProgressReport

from .test_report_fixtures import Mini, build_mini

SERVICES: dict[str, Any] = {
    ReportAction.SUBMIT: lambda u, r: svc.report_submit(actor=u, report=r),
    ReportAction.ACCEPT: lambda u, r: svc.report_accept(actor=u, report=r),
    ReportAction.RETURN: lambda u, r: svc.report_return(actor=u, report=r, comment="请补充"),
}


@pytest.fixture
def mini(db: Any) -> Mini:
    return build_mini()


class _Rollback(Exception):
    pass


def _outcome(action: str, person: Any, report: ProgressReport) -> str:
    try:
        with transaction.atomic():
            SERVICES[action](person, ProgressReport.objects.get(pk=report.pk))
            raise _Rollback
    except _Rollback:
        return "done"
    except PermissionDenied:
        return "not_allowed"
    except svc.IllegalTransition:
        return "wrong_status"


def test_the_table_is_submit_accept_return() -> None:
    assert set(REPORT_TRANSITIONS) == set(SERVICES) == set(ReportAction.values)
    assert REPORT_WORKFLOW.allowed(ReportStatus.RETURNED, Role.DEPARTMENT) == ["submit"]
    assert REPORT_WORKFLOW.allowed(ReportStatus.ACCEPTED, Role.PLAN_OFFICE) == []


def test_report_status_action_role_against_the_table_and_the_services(mini: Mini) -> None:
    # Task 1.1.1: 市司法局 (justice_user) reports as a support unit; 市市场监管局 leads and reviews.
    report = svc.report_create(
        actor=mini.justice_user, task=mini.t1, period=mini.q1, progress="on_track", percent_complete=30
    )
    people = {
        Role.DEPARTMENT: [mini.justice_user, mini.samr_user],
        Role.PLAN_OFFICE: [mini.office],
        Role.FINANCE: [mini.user("finance")],
        Role.AUDITOR: [mini.user("auditor")],
        Role.ADMIN: [mini.user("admin")],
        Role.APPLICANT: [mini.user("applicant")],
    }
    walked = 0
    for status in ReportStatus.values:
        ProgressReport.objects.filter(pk=report.pk).update(status=status)
        report.refresh_from_db()
        for role, persons in people.items():
            for person in persons:
                for action, transition in REPORT_TRANSITIONS.items():
                    in_table = role in transition.roles and status in transition.sources
                    assert REPORT_WORKFLOW.can(action, report, person) == in_table, (status, action, role)
                    assert (action in REPORT_WORKFLOW.actions_for(report, person)) == in_table
                    if action == ReportAction.SUBMIT:
                        may = svc.can_report_on(person, report.task, report.department_id)
                    else:
                        may = svc.can_review(person, report)
                    got = _outcome(action, person, report)
                    if role not in transition.roles or not may:
                        assert got == "not_allowed", (status, action, role)
                    else:
                        assert got == ("done" if in_table else "wrong_status"), (status, action, role)
                    walked += 1
    assert walked == len(ReportStatus.values) * 7 * len(REPORT_TRANSITIONS)
