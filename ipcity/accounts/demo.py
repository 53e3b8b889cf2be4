"""Demo users, one or more per role. The password is printed by `make run`; never use it in production."""

from typing import Any

from django.db import transaction

from ipcity.core.audit import audit_record

from .choices import AuditAction

DEMO_PASSWORD = "Demo2024-ipcity"  # noqa: S105 - published demo credential, demo data only

# (username, role, department name or None, entity USCC or None, display name)
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


def load(*, stdout: Any, options: dict[str, Any]) -> None:
    from ipcity.orgs.models import Department, Entity

    from .models import User

    with transaction.atomic():
        for username, role, dept, uscc, display in DEMO_USERS + _applicant_users():
            if User.objects.filter(username=username).exists():
                continue
            user = User(
                username=username,
                role=role,
                display_name=display,
                department=Department.objects.get(name=dept) if dept else None,
                entity=Entity.objects.get(uscc=uscc) if uscc else None,
                email=f"{username}@demo.ipcity.local",
                # No superuser flags: rights come from the role only; admin approves no money (ADR 0004).
                is_staff=False,
                is_superuser=False,
            )
            user.set_password(DEMO_PASSWORD)
            user.full_clean()
            user.save()
            audit_record(
                actor="demo",
                action=AuditAction.USER_CREATE,
                obj=user,
                after={"role": role, "username": username},
            )


def _applicant_users() -> list[tuple[str, str, str | None, str | None, str]]:
    from ipcity.orgs.demo import DEMO_APPLICANT_ENTITIES

    return [(username, "applicant", None, uscc, name) for username, uscc, name in DEMO_APPLICANT_ENTITIES]


def demo_logins() -> list[tuple[str, str, str]]:
    return [(role, username, display) for username, role, _, _, display in DEMO_USERS + _applicant_users()]
