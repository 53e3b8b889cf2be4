"""Reads for progress reporting, always scoped to the user (STYLE rule 2).

- auditor and plan office: every report (read only; acting still follows services' rules);
- department users: their own department's reports and every report on a task their department leads;
- everybody else: nothing;
- anyone, on a task's public page: the accepted reports marked public (`public_reports`, registered as the
  plan's hook in apps.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from ipcity.accounts.choices import Role
from ipcity.plan.choices import AssignmentRole
from ipcity.plan.models import Plan, Task, TaskAssignment

from .choices import ReportStatus
from .models import ProgressReport, ReportingPeriod
from .services import REPORTING_ROLES, is_lead_reviewer, user_department_id

READ_ALL_ROLES = {Role.AUDITOR, Role.PLAN_OFFICE}
REPORT_PAGE_ROLES = (Role.PLAN_OFFICE, Role.DEPARTMENT, Role.AUDITOR)


def public_reports(*, user: Any, task: Task) -> QuerySet[ProgressReport]:
    """What anyone may read about a task's progress: accepted reports marked public."""
    return (
        ProgressReport.objects.filter(task=task, is_public=True, status=ReportStatus.ACCEPTED)
        .select_related("department", "period")
        .order_by("-period__start", "department__order")
    )


def current_plan() -> Plan | None:
    return Plan.objects.filter(code=settings.DEFAULT_POLICY).first() or Plan.objects.first()


def _base() -> QuerySet[ProgressReport]:
    return ProgressReport.objects.select_related(
        "task", "task__measure__programme", "department", "period", "work_point", "reviewed_by"
    ).prefetch_related(
        Prefetch("task__assignments", queryset=TaskAssignment.objects.select_related("department"))
    )


def reports_visible_to(user: Any) -> QuerySet[ProgressReport]:
    if user is None or not user.is_authenticated or not user.is_active:
        return ProgressReport.objects.none()
    if user.role in READ_ALL_ROLES:
        return _base()
    dept = user_department_id(user)
    if dept is None:
        return ProgressReport.objects.none()
    led = TaskAssignment.objects.filter(department_id=dept, role=AssignmentRole.LEAD).values("task_id")
    return _base().filter(Q(department_id=dept) | Q(task_id__in=led))


def report_for_user(user: Any, pk: int) -> ProgressReport:
    report = reports_visible_to(user).filter(pk=pk).first()
    if report is None:
        raise Http404("No such report / 没有这份报告")
    return report


def review_queue(user: Any) -> QuerySet[ProgressReport]:
    """Submitted reports on tasks the user's department leads."""
    dept = user_department_id(user)
    if dept is None:
        return ProgressReport.objects.none()
    led = TaskAssignment.objects.filter(department_id=dept, role=AssignmentRole.LEAD).values("task_id")
    return _base().filter(task_id__in=led, status=ReportStatus.SUBMITTED).order_by("submitted_at", "id")


def tasks_of_department(user: Any, plan: Plan | None) -> QuerySet[Task]:
    dept = user_department_id(user)
    if dept is None or plan is None:
        return Task.objects.none()
    return (
        Task.objects.filter(plan=plan, assignments__department_id=dept)
        .select_related("measure__programme")
        .prefetch_related(
            Prefetch("assignments", queryset=TaskAssignment.objects.select_related("department"))
        )
        .order_by("order")
        .distinct()
    )


def periods_of(plan: Plan | None) -> QuerySet[ReportingPeriod]:
    if plan is None:
        return ReportingPeriod.objects.none()
    return ReportingPeriod.objects.filter(plan=plan).order_by("start")


def default_period(plan: Plan | None, today: dt.date | None = None) -> ReportingPeriod | None:
    """The period to report on now: the latest period that has ended (its reports are being written),
    else the first period."""
    today = today or timezone.localdate()
    periods = periods_of(plan)
    return periods.filter(end__lt=today).order_by("-start").first() or periods.first()


@dataclass
class TaskRow:
    task: Task
    report: ProgressReport | None
    is_lead: bool
    can_write: bool


def my_task_rows(user: Any, plan: Plan | None, period: ReportingPeriod | None) -> list[TaskRow]:
    """My department's tasks with its report for the period (or None)."""
    dept = user_department_id(user)
    if dept is None or period is None:
        return []
    reports = {
        r.task_id: r
        for r in ProgressReport.objects.filter(department_id=dept, period=period).select_related("period")
    }
    rows = []
    for task in tasks_of_department(user, plan):
        report = reports.get(task.pk)
        rows.append(
            TaskRow(
                task=task,
                report=report,
                is_lead=is_lead_reviewer(user, task),
                can_write=user.role in REPORTING_ROLES and (report is None or report.can_edit()),
            )
        )
    return rows
