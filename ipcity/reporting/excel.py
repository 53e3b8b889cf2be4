"""Excel export of progress reports, the import template, and the import.

Import is all-or-nothing (docs/adr/0021-report-import.md): every row is validated first and every bad
row is reported (row number, column, reason in Chinese and English); if any row is bad nothing is
written (ipcity.core.importing, policy ALL_OR_NOTHING). Good files are written through report_services
in one transaction, so the same permission and workflow rules apply as on the pages; a refusal there
also rolls back every row.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext_noop
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from ipcity.core.excel import append_row
from ipcity.core.importing import (
    Column,
    Columns,
    ImportResult,
    Policy,
    RowErrors,
    bilingual,
    read_rows,
    run_import,
)
from ipcity.core.spreadsheets import TableReader, limits_for
from ipcity.core.uploads import OFFICE_ZIP, check_upload
from ipcity.orgs.models import Department
from ipcity.plan.choices import TaskStatus
from ipcity.plan.models import Plan, Task

from . import services as svc
from .models import ProgressReport, ReportingPeriod

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# (key, Chinese header, English header)
COLUMNS = [
    ("task", "任务编号", "Task code"),
    ("department", "责任单位", "Department"),
    ("period", "报告期", "Period"),
    ("progress", "任务状态", "Task status"),
    ("percent", "完成百分比", "Percent complete"),
    ("narrative", "工作进展", "Progress this period"),
    ("figures", "完成数据", "Figures achieved"),
    ("submit", "是否提交", "Submit"),
]
IMPORT_COLUMNS = Columns((Column(key, zh, en) for key, zh, en in COLUMNS), letters=True)

STATUS_ALIASES = {
    "未开始": TaskStatus.NOT_STARTED,
    "正常推进": TaskStatus.ON_TRACK,
    "按计划推进": TaskStatus.ON_TRACK,
    "存在风险": TaskStatus.AT_RISK,
    "有风险": TaskStatus.AT_RISK,
    "滞后": TaskStatus.DELAYED,
    "已完成": TaskStatus.COMPLETED,
}
YES = {"是", "提交", "yes", "y", "true", "1"}
NO = {"否", "", "no", "n", "false", "0", "草稿"}


def _status_lookup() -> dict[str, str]:
    lookup = {k: str(v) for k, v in STATUS_ALIASES.items()}
    for value, label in TaskStatus.choices:
        lookup[value] = value
        for lang in ("zh-hans", "en"):
            with translation.override(lang):
                lookup[str(label).lower()] = value
    return lookup


class ReportImportResult(ImportResult):
    """Error columns are labelled with letter and header, e.g. "E 完成百分比 / Percent complete"."""

    @property
    def reports(self) -> list[ProgressReport]:
        return self.written


def _style_header(ws: Any) -> None:
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for i in range(1, ws.max_column + 1):
        ws.column_dimensions[get_column_letter(i)].width = 18
    ws.freeze_panes = "A2"


def _figures_cell(figures: list[dict[str, Any]]) -> str:
    return "; ".join(f"{f.get('name')}={f.get('value')} {f.get('unit', '')}".rstrip() for f in figures or [])


def _parse_figures_cell(text: str) -> list[dict[str, str]]:
    figures = []
    for part in text.replace("；", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        name, sep, rest = part.partition("=")
        value, _s, unit = rest.strip().partition(" ")
        if not sep or not name.strip():
            raise ValueError(part)
        Decimal(value)  # raises InvalidOperation
        figures.append({"name": name.strip(), "value": value, "unit": unit.strip()})
    return figures


# --------------------------------------------------------------------------- export


def export_reports(reports: QuerySet[ProgressReport]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "reports"
    append_row(
        ws,
        [f"{zh} / {en}" for _k, zh, en in COLUMNS]
        + [
            "流程状态 / Workflow status",
            "提交时间 / Submitted at",
            "逾期 / Late",
            "审核意见 / Review comment",
            "公开 / Public",
        ],
    )
    for r in reports.select_related("task", "department", "period"):
        append_row(
            ws,
            [
                r.task.code,
                r.department.name,
                r.period.code,
                r.progress,
                r.percent_complete,
                r.narrative,
                _figures_cell(r.figures),
                "是" if r.submitted_at else "否",
                r.status,
                timezone.localtime(r.submitted_at).strftime("%Y-%m-%d %H:%M") if r.submitted_at else "",
                "是" if r.is_late else "否",
                r.review_comment,
                "是" if r.is_public else "否",
            ],
        )
    _style_header(ws)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def import_template(*, user: Any, plan: Plan | None, period: ReportingPeriod | None) -> bytes:
    """One row per task of the user's department for the period, ready to fill in; plus instructions."""
    wb = Workbook()
    ws = wb.active
    ws.title = "reports"
    append_row(ws, [f"{zh} / {en}" for _k, zh, en in COLUMNS])
    dept_id = svc.user_department_id(user)
    dept = Department.objects.filter(pk=dept_id).first() if dept_id else None
    if plan is not None and dept is not None:
        for task in Task.objects.filter(plan=plan, assignments__department=dept).order_by("order"):
            append_row(ws, [task.code, dept.name, period.code if period else "", "on_track", 0, "", "", "否"])
    _style_header(ws)
    help_ws = wb.create_sheet("说明 instructions")
    lines = [
        "填写说明 / How to fill in",
        "任务编号：分工表中的任务编号，如 1.1.1 / Task code as in the annex, e.g. 1.1.1",
        "责任单位：本单位名称，与系统一致 / Your department's name as in the system",
        "报告期：如 2023Q1（季度）、2023M01（月）、2023H1（半年）、2023（年） / Period code",
        "任务状态：未开始、正常推进、存在风险、滞后、已完成（或 not_started, on_track, at_risk, delayed, completed）",
        "完成百分比：0–100 的整数 / Whole number 0–100",
        "工作进展：必填 / Required",
        "完成数据：名称=数值 单位，多项用分号分隔，如 审结案件=15 件; 培训=200 人次 / name=value unit; …",
        "是否提交：是 = 提交给牵头单位；否 = 保存为草稿 / 是 submits to the lead unit, 否 keeps a draft",
        "任何一行有错误时，整个文件都不会导入，并列出每一个错误行。 / If any row is wrong, nothing is imported and every bad row is listed.",
    ]
    for line in lines:
        append_row(help_ws, [line])
    help_ws.column_dimensions["A"].width = 120
    if plan is not None:
        periods_ws = wb.create_sheet("报告期 periods")
        append_row(periods_ws, ["代码 / code", "名称 / name", "截止日期 / due date"])
        for p in ReportingPeriod.objects.filter(plan=plan).order_by("start"):
            append_row(periods_ws, [p.code, p.name, p.due_date.isoformat()])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --------------------------------------------------------------------------- import


@dataclass
class _Row:
    number: int
    task: Task
    department: Department
    period: ReportingPeriod
    progress: str
    percent: int
    narrative: str
    figures: list[dict[str, str]]
    submit: bool
    existing: ProgressReport | None


def _row_parser(actor: Any, plan: Plan) -> Callable[[int, dict[str, str], RowErrors], _Row | None]:
    """Checks one row (the lookups are loaded once; duplicates are found across rows)."""
    tasks = {t.code: t for t in Task.objects.filter(plan=plan).prefetch_related("assignments")}
    periods = {p.code: p for p in ReportingPeriod.objects.filter(plan=plan)}
    departments = {d.name: d for d in Department.objects.all()}
    statuses = _status_lookup()
    seen: dict[tuple[int, int, int], int] = {}

    def parse_row(number: int, c: dict[str, str], errors: RowErrors) -> _Row | None:
        bad = errors.add
        before = len(errors)
        task = tasks.get(c["task"])
        if task is None:
            bad(number, "task", gettext_noop("Unknown task code “%(value)s”."), value=c["task"])
        dept = departments.get(c["department"])
        if dept is None:
            bad(number, "department", gettext_noop("Unknown department “%(value)s”."), value=c["department"])
        elif task is not None and not svc.can_report_on(actor, task, dept.pk):
            bad(
                number,
                "department",
                gettext_noop(
                    "You cannot report for %(dept)s on task %(task)s (not your department, or not assigned to the task)."
                ),
                dept=dept.name,
                task=task.code,
            )
        period = periods.get(c["period"])
        if period is None:
            bad(number, "period", gettext_noop("Unknown reporting period “%(value)s”."), value=c["period"])
        progress = statuses.get(c["progress"].lower()) or statuses.get(c["progress"])
        if progress is None:
            bad(number, "progress", gettext_noop("Unknown task status “%(value)s”."), value=c["progress"])
        percent = -1
        try:
            raw_percent = Decimal(c["percent"])
            # Range first: int() of "Infinity" raises OverflowError and int() of "1e9999999" builds a
            # ten-million-digit number (minutes of CPU for one cell).
            if raw_percent.is_finite() and 0 <= raw_percent <= 100 and raw_percent == int(raw_percent):
                percent = int(raw_percent)
        except (InvalidOperation, ValueError):
            percent = -1
        if not 0 <= percent <= 100:
            bad(
                number,
                "percent",
                gettext_noop("Percent complete must be a whole number from 0 to 100, not “%(value)s”."),
                value=c["percent"],
            )
        if not c["narrative"]:
            bad(number, "narrative", gettext_noop("Describe the progress: this column is required."))
        figures: list[dict[str, str]] = []
        try:
            figures = _parse_figures_cell(c["figures"])
        except (ValueError, InvalidOperation):
            bad(
                number,
                "figures",
                gettext_noop("Write figures as “name=value unit”, separated by semicolons."),
            )
        flag = c["submit"].lower()
        if flag not in YES and flag not in NO:
            bad(
                number,
                "submit",
                gettext_noop("Write 是 (submit) or 否 (keep as draft), not “%(value)s”."),
                value=c["submit"],
            )
        if len(errors) > before or task is None or dept is None or period is None:
            return None
        key = (task.pk, dept.pk, period.pk)
        if key in seen:
            bad(
                number,
                "task",
                gettext_noop("The same task, department and period is already in row %(row)s."),
                row=seen[key],
            )
            return None
        seen[key] = number
        existing = ProgressReport.objects.filter(task=task, department=dept, period=period).first()
        if existing is not None and not existing.can_edit():
            bad(
                number,
                "period",
                gettext_noop(
                    "The report for this task and period is already %(status)s and cannot be changed."
                ),
                status=existing.get_status_display(),
            )
            return None
        return _Row(
            number,
            task,
            dept,
            period,
            str(progress),
            percent,
            c["narrative"],
            figures,
            flag in YES,
            existing,
        )

    return parse_row


def _write_row(actor: Any) -> Callable[[_Row, ReportImportResult], None]:
    def write_row(row: _Row, result: ReportImportResult) -> None:
        fields = {
            "progress": row.progress,
            "percent_complete": row.percent,
            "narrative": row.narrative,
            "figures": row.figures,
        }
        if row.existing is None:
            report = svc.report_create(
                actor=actor,
                task=row.task,
                period=row.period,
                department_id=row.department.pk,
                **fields,
            )
            result.created += 1
        else:
            report = svc.report_update(actor=actor, report=row.existing, **fields)
            result.updated += 1
        if row.submit:
            report = svc.report_submit(actor=actor, report=report)
        result.written.append(report)

    return write_row


def _refused(number: int, exc: Exception, errors: RowErrors) -> None:
    message = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    errors.add(
        number, "", gettext_noop("This row was refused, so nothing was imported: %(reason)s"), reason=message
    )


def import_reports(*, actor: Any, plan: Plan | None, upload: UploadedFile) -> ReportImportResult:
    """All or nothing (ADR 0021), through the import idiom of ipcity.core.importing. Columns are taken in
    the template's order (the header row's text is not read); whole-file problems are reported on row 0."""
    result = ReportImportResult()
    errors = RowErrors(IMPORT_COLUMNS, result.errors)
    try:
        check_upload(upload, (OFFICE_ZIP,))
    except ValidationError as exc:
        zh, en = bilingual(gettext_noop("The file is not an Excel workbook (.xlsx) that can be read."))
        errors.add_text(0, "", f"{zh} {' '.join(exc.messages)}", en)
        return result
    # The guarded reader (ipcity.core.spreadsheets): zip bombs, declared dimensions, XML entities and
    # more rows than the reports limit refuse the whole file; the rows are bounded, so kept in memory.
    rows = read_rows(TableReader(upload, upload.name or "", limits_for("reports")), errors, error_row=0)
    if rows is None:
        return result
    if plan is None:
        errors.add(0, "", gettext_noop("No plan is loaded."))
        return result
    return run_import(
        rows,
        columns=IMPORT_COLUMNS,
        parse_row=_row_parser(actor, plan),
        write_row=_write_row(actor),
        policy=Policy.ALL_OR_NOTHING,
        result=result,
        by_header=False,
        no_rows=(0, gettext_noop("The file has no report rows.")),
        on_refusal=_refused,
        stop_at_refusal=True,
    )
