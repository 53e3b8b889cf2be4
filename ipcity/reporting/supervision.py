"""The supervision board (三(三) 加强任务落实和督导激励): who has not reported, what is late, which tasks
are at risk or delayed, and what changed since the previous period. Read-only; plan office and auditor.

A report counts as *missing* only once the period's due date has passed (before that it is *pending*).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from ipcity.orgs.models import Department
from ipcity.plan.choices import TaskStatus
from ipcity.plan.models import Plan, Task, TaskAssignment

from .choices import ReportStatus
from .models import ProgressReport, ReportingPeriod

# Cell states of the task × department matrix, with their Bootstrap colour.
STATE_COLOURS = {
    "accepted": "success",
    "submitted": "primary",
    "returned": "warning",
    "draft": "secondary",
    "pending": "light",
    "missing": "danger",
}


@dataclass
class Cell:
    task: Task
    department: Department
    role: str
    report: ProgressReport | None
    previous: ProgressReport | None
    state: str

    @property
    def colour(self) -> str:
        return STATE_COLOURS[self.state]

    @property
    def percent_delta(self) -> int | None:
        if self.report is None or self.previous is None:
            return None
        return self.report.percent_complete - self.previous.percent_complete

    @property
    def progress_changed(self) -> bool:
        return bool(self.report and self.previous and self.report.progress != self.previous.progress)


@dataclass
class TaskLine:
    task: Task
    cells: list[Cell]

    @property
    def missing(self) -> list[Cell]:
        return [c for c in self.cells if c.state == "missing"]

    @property
    def late(self) -> list[Cell]:
        return [c for c in self.cells if c.report is not None and c.report.is_late]

    @property
    def changes(self) -> list[Cell]:
        return [c for c in self.cells if c.progress_changed or (c.percent_delta or 0) != 0]


@dataclass
class DepartmentLine:
    department: Department
    expected: int = 0
    submitted: int = 0
    accepted: int = 0
    missing: int = 0
    late: int = 0


@dataclass
class Board:
    plan: Plan
    period: ReportingPeriod
    previous: ReportingPeriod | None
    is_past_due: bool
    tasks: list[TaskLine]
    departments: list[Department]
    by_department: list[DepartmentLine]
    counts: dict[str, int] = field(default_factory=dict)

    def matrix(self) -> list[tuple[Task, list[Cell | None]]]:
        rows = []
        for line in self.tasks:
            by_dept = {c.department.pk: c for c in line.cells}
            rows.append((line.task, [by_dept.get(d.pk) for d in self.departments]))
        return rows


def _state(report: ProgressReport | None, past_due: bool) -> str:
    if report is None:
        return "missing" if past_due else "pending"
    if report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED) and past_due:
        return "missing"  # written but not handed in by the deadline
    return str(report.status)


def build_board(
    *, plan: Plan, period: ReportingPeriod, tasks: QuerySet[Task], today: dt.date | None = None
) -> Board:
    today = today or timezone.localdate()
    past_due = today > period.due_date
    previous = ReportingPeriod.objects.filter(plan=plan, start__lt=period.start).order_by("-start").first()
    tasks = (
        tasks.filter(plan=plan)
        .select_related("measure__programme")
        .prefetch_related(
            Prefetch("assignments", queryset=TaskAssignment.objects.select_related("department"))
        )
        .order_by("order")
    )
    periods = [period.pk] + ([previous.pk] if previous else [])
    reports: dict[tuple[int, int, int], ProgressReport] = {
        (r.task_id, r.department_id, r.period_id): r
        for r in ProgressReport.objects.filter(task__in=tasks, period_id__in=periods)
    }
    lines: list[TaskLine] = []
    dept_lines: dict[int, DepartmentLine] = {}
    departments: dict[int, Department] = {}
    for task in tasks:
        cells = []
        for a in task.assignments.all():
            report = reports.get((task.pk, a.department_id, period.pk))
            prev = reports.get((task.pk, a.department_id, previous.pk)) if previous else None
            cell = Cell(task, a.department, a.role, report, prev, _state(report, past_due))
            cells.append(cell)
            departments[a.department_id] = a.department
            dl = dept_lines.setdefault(a.department_id, DepartmentLine(a.department))
            dl.expected += 1
            if report is not None and report.status in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED):
                dl.submitted += 1
            if report is not None and report.status == ReportStatus.ACCEPTED:
                dl.accepted += 1
            if cell.state == "missing":
                dl.missing += 1
            if report is not None and report.is_late:
                dl.late += 1
        lines.append(TaskLine(task, cells))
    states = Counter(c.state for line in lines for c in line.cells)
    task_status = Counter(line.task.status for line in lines)
    counts = {
        "tasks": len(lines),
        "expected": sum(states.values()),
        "submitted": states["submitted"] + states["accepted"],
        "accepted": states["accepted"],
        "missing": states["missing"],
        "late": sum(len(line.late) for line in lines),
        "at_risk": task_status[TaskStatus.AT_RISK],
        "delayed": task_status[TaskStatus.DELAYED],
        "changed": sum(1 for line in lines if line.changes),
    }
    ordered = sorted(departments.values(), key=lambda d: (d.order, d.name))
    return Board(
        plan=plan,
        period=period,
        previous=previous,
        is_past_due=past_due,
        tasks=lines,
        departments=ordered,
        by_department=sorted(dept_lines.values(), key=lambda d: (-d.missing, d.department.order)),
        counts=counts,
    )


def missing_by_department(*, period: ReportingPeriod, department_ids: Any = None) -> dict[int, list[Task]]:
    """For each department, the tasks of the period's plan it has not submitted a report on
    (no report, or still a draft / returned). Used by the reminders."""
    handed_in = set(
        ProgressReport.objects.filter(
            period=period, status__in=[ReportStatus.SUBMITTED, ReportStatus.ACCEPTED]
        ).values_list("task_id", "department_id")
    )
    out: dict[int, list[Task]] = {}
    assignments = TaskAssignment.objects.filter(task__plan_id=period.plan_id).select_related("task")
    if department_ids is not None:
        assignments = assignments.filter(department_id__in=department_ids)
    for a in assignments.order_by("task__order"):
        if (a.task_id, a.department_id) not in handed_in:
            out.setdefault(a.department_id, []).append(a.task)
    return out
