"""Demo users, one or more per role, made the way a real deployment makes them (ADR 0007):

1. the operator creates the two administrators a deployment starts with, `admin` and `secadmin`, from the
   server (an operator is not a person, so they start active);
2. `admin` creates every other account through the administrators' service; an account with a protected
   role (plan office, finance, auditor, administrator) starts inactive with a pending activation request;
3. `secadmin`, the second administrator, confirms those requests, which activates the accounts.

The password is printed by `make run`; never use it in production."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ipcity.accounts import services
from ipcity.accounts.choices import ChangeKind, ChangeStatus, Role
from ipcity.accounts.models import AccountChangeRequest, User
from ipcity.orgs.models import Department, Entity

from .common import OPERATOR
from .orgs import DEMO_APPLICANT_ENTITIES

DEMO_PASSWORD = "Demo2024-ipcity"  # noqa: S105 - published demo credential, demo data only

# (username, role, department name or None, entity USCC or None, display name), in the order `load_demo`
# prints them.
DEMO_USERS: list[tuple[str, str, str | None, str | None, str]] = [
    ("plan_office", "plan_office", "市市场监管局", None, "计划办 王明 (演示)"),
    ("dept_samr", "department", "市市场监管局", None, "市市场监管局 陈静 (演示)"),
    ("dept_justice", "department", "市司法局", None, "市司法局 李华 (演示)"),
    ("dept_court", "department", "市法院", None, "市法院 赵强 (演示)"),
    ("dept_ndrc", "department", "市发展改革委", None, "市发展改革委 孙丽 (演示)"),
    ("finance", "finance", "市财政局", None, "市财政局 周敏 (演示)"),
    ("auditor", "auditor", None, None, "纪检审计 吴刚 (演示)"),
    ("admin", "admin", None, None, "系统管理员 (演示)"),
    # A second administrator: money, audit and administrator roles need two (docs/adr/0007).
    ("secadmin", "admin", None, None, "安全管理员 (演示)"),
]

# The administrator who creates the accounts and the one who confirms the protected ones.
SYSTEM_ADMIN = "admin"
SECURITY_ADMIN = "secadmin"


def applicant_users() -> list[tuple[str, str, str | None, str | None, str]]:
    return [(username, "applicant", None, uscc, name) for username, uscc, name in DEMO_APPLICANT_ENTITIES]


def demo_logins() -> list[tuple[str, str, str]]:
    return [(role, username, display) for username, role, _, _, display in DEMO_USERS + applicant_users()]


def _create(actor: Any, row: tuple[str, str, str | None, str | None, str]) -> None:
    username, role, dept, uscc, display = row
    if User.objects.filter(username=username).exists():
        return
    services.user_create(
        actor=actor,
        username=username,
        password=DEMO_PASSWORD,
        role=role,
        email=f"{username}@demo.ipcity.local",
        display_name=display,
        department=Department.objects.get(name=dept) if dept else None,
        entity=Entity.objects.get(uscc=uscc) if uscc else None,
    )


def load(*, stdout: Any, options: dict[str, Any]) -> None:
    rows = DEMO_USERS + applicant_users()
    admins = [row for row in rows if row[0] in (SYSTEM_ADMIN, SECURITY_ADMIN)]
    with transaction.atomic():
        for row in admins:
            _create(OPERATOR, row)
        admin = User.objects.get(username=SYSTEM_ADMIN)
        secadmin = User.objects.get(username=SECURITY_ADMIN)
        for row in rows:
            if row not in admins:
                _create(admin, row)
        usernames = [row[0] for row in rows]
        pending = AccountChangeRequest.objects.filter(
            user__username__in=usernames,
            kind=ChangeKind.ACTIVATE,
            status=ChangeStatus.PENDING,
            requested_by=admin,
        ).order_by("pk")
        for change in pending:
            services.account_change_confirm(actor=secadmin, change=change)
    protected = sum(1 for _, role, *__ in rows if role in (Role.PLAN_OFFICE, Role.FINANCE, Role.AUDITOR))
    stdout.write(
        f"accounts demo: {len(rows)} demo accounts; {protected} protected ones filed by {SYSTEM_ADMIN} "
        f"and confirmed by {SECURITY_ADMIN}"
    )
