"""The annex (分工表) as an Excel workbook in the annex's own layout."""

from __future__ import annotations

import io
from collections.abc import Iterable
from itertools import groupby

from django.db.models import Count
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from ipcity.core.excel import append_row, write_cell

from .choices import AssignmentRole
from .models import Plan, Task

CN = "一二三四五六七八九十"
TITLE = "烟台市建设国家知识产权强市工作任务分工表"


def cn_number(n: int) -> str:
    if n <= 10:
        return CN[n - 1]
    tens, ones = divmod(n, 10)
    return (CN[tens - 1] if tens > 1 else "") + "十" + (CN[ones - 1] if ones else "")


def annex_workbook(plan: Plan, tasks: Iterable[Task]) -> bytes:
    """Columns 重点任务 (programme | measure | task text) and 责任部门; programme and measure cells merged
    over their rows, as in the annex. `tasks` must be ordered by annex order with assignments prefetched."""
    wb = Workbook()
    ws = wb.active
    ws.title = "分工表"
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="center")
    centre = Alignment(wrap_text=True, vertical="center", horizontal="center")
    append_row(ws, [TITLE])
    ws.merge_cells("A1:D1")
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = centre
    append_row(ws, ["重点任务", None, None, "责任部门"])
    ws.merge_cells("A2:C2")
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.alignment = centre
        cell.border = border
    rows = list(tasks)
    # Whether a row is numbered depends on its measure's full row count, not on the filtered rows.
    measure_sizes = dict(
        Task.objects.filter(plan=plan)
        .values("measure_id")
        .annotate(n=Count("id"))
        .values_list("measure_id", "n")
    )
    row = 3
    for _programme_id, p_tasks_iter in groupby(rows, key=lambda t: t.measure.programme_id):
        p_tasks = list(p_tasks_iter)
        programme = p_tasks[0].measure.programme
        p_start = row
        for _measure_id, m_tasks_iter in groupby(p_tasks, key=lambda t: t.measure_id):
            m_tasks = list(m_tasks_iter)
            measure = m_tasks[0].measure
            m_start = row
            for task in m_tasks:
                several = measure_sizes.get(measure.pk, 1) > 1
                text = f"{task.number}.{task.text}" if several else task.text
                units = "、".join(a.department.name for a in task.assignments.all())
                write_cell(ws, row=row, column=1, value=f"{cn_number(programme.number)}、{programme.title}")
                write_cell(ws, row=row, column=2, value=f"（{cn_number(measure.number)}）{measure.title}")
                write_cell(ws, row=row, column=3, value=text)
                write_cell(ws, row=row, column=4, value=units)
                for col in range(1, 5):
                    ws.cell(row=row, column=col).border = border
                    ws.cell(row=row, column=col).alignment = wrap
                row += 1
            if row - 1 > m_start:
                ws.merge_cells(start_row=m_start, start_column=2, end_row=row - 1, end_column=2)
        if row - 1 > p_start:
            ws.merge_cells(start_row=p_start, start_column=1, end_row=row - 1, end_column=1)
    for letter, width in zip("ABCD", (16, 20, 70, 30), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A3"
    wb.properties.title = TITLE
    wb.properties.subject = f"{plan.title} {plan.document_number}"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def lead_of(task: Task) -> str:
    return next((a.department.name for a in task.assignments.all() if a.role == AssignmentRole.LEAD), "")
