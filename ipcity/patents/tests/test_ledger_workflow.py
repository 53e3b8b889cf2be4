"""The innovation ledger's workflow walked cell by cell (docs/adr/0017): every status × action × role is
compared with the transitions table, and the service and the ledger page agree with it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from ipcity.accounts.choices import Role
from ipcity.patents.choices import PROJECT_TRANSITIONS, PROJECT_WORKFLOW, ProjectAction, ProjectStatus
from ipcity.patents.models import InnovationProject
from ipcity.patents.services import innovation_project_create, innovation_project_transition


class _Rollback(Exception):
    pass


def _outcome(actor: Any, project: InnovationProject, to: str) -> str:
    try:
        with transaction.atomic():
            innovation_project_transition(actor=actor, project=project, to=to)
            raise _Rollback
    except _Rollback:
        return "done"
    except PermissionDenied:
        return "role"
    except ValidationError:
        return "refused"


def test_the_table_names_start_suspend_resume_complete() -> None:
    assert set(PROJECT_TRANSITIONS) == set(ProjectAction.values) == {"start", "suspend", "resume", "complete"}
    # Each (from, to) pair is one action, so a page that posts the to-state names exactly one action.
    pairs = [(s, t.target) for t in PROJECT_TRANSITIONS.values() for s in t.sources]
    assert len(pairs) == len(set(pairs))


@pytest.mark.django_db
def test_project_status_action_role_against_the_table_and_the_service(make_user: Any) -> None:
    people = {
        role: make_user(role) for role in (Role.PLAN_OFFICE, Role.DEPARTMENT, Role.AUDITOR, Role.FINANCE)
    }
    project = innovation_project_create(
        actor="system", name="氢能重大专项", platform="x", responsible_name="y", start_year=2025
    )
    for status in ProjectStatus.values:
        InnovationProject.objects.filter(pk=project.pk).update(status=status)
        project.refresh_from_db()
        for role, person in people.items():
            for action, transition in PROJECT_TRANSITIONS.items():
                allowed = role in transition.roles and status in transition.sources
                assert PROJECT_WORKFLOW.can(action, project, person) == allowed, (status, action, role)
                assert (action in PROJECT_WORKFLOW.allowed(status, role)) == allowed
                got = _outcome(person, project, transition.target)
                if role not in transition.roles:
                    assert got == "role"
                elif allowed:
                    assert got == "done"
                elif PROJECT_WORKFLOW.action_to(status, transition.target) is None:
                    assert got == "refused", (status, action, role)
        # A command acts as a string: the table's statuses still hold.
        for transition in PROJECT_TRANSITIONS.values():
            if status in transition.sources:
                assert _outcome("system", project, transition.target) == "done"


@pytest.mark.django_db
def test_the_ledger_page_offers_only_the_workflows_moves(client: Any, make_user: Any) -> None:
    office = make_user(Role.PLAN_OFFICE)
    project = innovation_project_create(
        actor="system", name="氢能重大专项", platform="x", responsible_name="y", start_year=2025
    )
    client.force_login(office)
    response = client.get(reverse("patents:ledger"))
    assert [to for to, _label in response.context["projects"][0].moves] == ["in_progress", "suspended"]
    assert '<option value="in_progress">' in response.content.decode()
    InnovationProject.objects.filter(pk=project.pk).update(status=ProjectStatus.COMPLETED)
    page = client.get(reverse("patents:ledger")).content.decode()
    assert f"patents/ledger/{project.pk}/status/" not in page  # completed is final: nothing to offer
