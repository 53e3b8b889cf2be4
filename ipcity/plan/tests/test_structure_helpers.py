"""Shared setup for the structure tests (no tests here)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ipcity.core.identifiers.uscc import check_character
from ipcity.orgs.models import Department, Entity
from ipcity.plan.choices import TaskStatus
from ipcity.plan.models import Task
from ipcity.reporting.choices import ReportStatus
from ipcity.reporting.models import ProgressReport, ReportingPeriod

ROLES = ["plan_office", "department", "finance", "applicant", "auditor", "admin"]


def entity() -> Entity:
    prefix = "91370602MA3T00099"
    found = Entity.objects.filter(uscc=prefix + check_character(prefix)).first()
    return found or Entity.objects.create(
        uscc=prefix + check_character(prefix), name="测试企业", kind="enterprise"
    )


def user_of(make_user: Any, role: str) -> Any:
    return make_user(role, entity=entity() if role == "applicant" else None)


def reports_on(plan: Any, code: str) -> dict[str, ProgressReport]:
    """Three accepted/draft reports on a task; only 'public' is public and accepted."""
    task = Task.objects.get(plan=plan, code=code)
    period, _ = ReportingPeriod.objects.get_or_create(
        plan=plan,
        code="2023Q1",
        defaults={
            "name": "2023年第一季度",
            "start": dt.date(2023, 1, 1),
            "end": dt.date(2023, 3, 31),
            "due_date": dt.date(2023, 4, 10),
        },
    )
    units = [a.department for a in task.assignments.order_by("order")]
    extra = list(Department.objects.exclude(pk__in=[u.pk for u in units])[:2])
    depts = (units + extra)[:3]
    made = {}
    for key, dept, status, public, text in [
        ("public", depts[0], ReportStatus.ACCEPTED, True, "公开的进展：已完成年度白皮书起草"),
        ("private", depts[1], ReportStatus.ACCEPTED, False, "内部进展：不公开"),
        ("draft", depts[2], ReportStatus.SUBMITTED, True, "待审核的进展"),
    ]:
        made[key] = ProgressReport.objects.create(
            task=task,
            department=dept,
            period=period,
            status=status,
            is_public=public,
            progress=TaskStatus.ON_TRACK,
            percent_complete=50,
            narrative=text,
        )
    return made
