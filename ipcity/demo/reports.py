"""Demo progress reports in every workflow state (marked 【演示】), written through the reporting services so
they carry history and audit records like real ones. Idempotent. Runs after the plan and the demo accounts
(PARTS in parts.py)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.conf import settings

DEMO_MARK = "【演示】"
TZ = zoneinfo.ZoneInfo(settings.TIME_ZONE)

# (period, task, reporter username, progress, percent, narrative, figures, final state, reviewer, comment)
DEMO_REPORTS: list[tuple[str, str, str, str, int, str, list[dict[str, str]], str, str, str]] = [
    (
        "2024Q3",
        "1.1.1",
        "dept_samr",
        "on_track",
        60,
        "技术调查官制度试点在芝罘区、莱山区开展；行政裁决案件按期办结。",
        [{"name": "行政裁决案件", "value": "12", "unit": "件"}],
        "accepted",
        "plan_office",
        "",
    ),
    (
        "2024Q4",
        "1.1.1",
        "dept_samr",
        "on_track",
        85,
        "技术调查官库扩充至20人，行政调解司法确认试点全面推开。",
        [{"name": "技术调查官", "value": "20", "unit": "人"}],
        "accepted",
        "plan_office",
        "",
    ),
    (
        "2024Q4",
        "1.1.1",
        "dept_justice",
        "on_track",
        80,
        "指导人民调解组织受理知识产权纠纷，开展法律援助。",
        [{"name": "调解案件", "value": "36", "unit": "件"}],
        "accepted_public",
        "plan_office",
        "",
    ),
    (
        "2024Q4",
        "1.1.1",
        "dept_court",
        "at_risk",
        50,
        "知识产权案件审理“三合一”推进中，技术调查官参与庭审机制待完善。",
        [],
        "submitted_late",
        "",
        "",
    ),
    (
        "2024Q4",
        "1.3.1",
        "dept_justice",
        "on_track",
        70,
        "仲裁、公证机构设立知识产权服务窗口。",
        [],
        "returned",
        "plan_office",
        "请补充维权援助工作站数量和受理案件数。",
    ),
    ("2024Q4", "1.3.1", "dept_court", "on_track", 40, "诉调对接机制草案已形成。", [], "draft", "", ""),
    (
        "2024Q4",
        "3.2.2",
        "dept_ndrc",
        "delayed",
        30,
        "专利转化项目储备不足，正在协调。",
        [{"name": "储备项目", "value": "5", "unit": "个"}],
        "submitted",
        "",
        "",
    ),
]


def load(*, stdout: Any, options: dict[str, Any]) -> None:
    from ipcity.accounts.models import User
    from ipcity.plan.models import Plan, Task
    from ipcity.reporting import services as svc
    from ipcity.reporting.models import ProgressReport

    plan = Plan.objects.filter(code=settings.DEFAULT_POLICY).first()
    if plan is None:
        stdout.write("report demo: no plan loaded, skipped")
        return
    svc.periods_generate(actor="demo", plan=plan)
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in={"plan_office", "dept_samr", "dept_justice", "dept_court", "dept_ndrc"}
        )
    }
    made = 0
    for (
        period_code,
        code,
        reporter,
        progress,
        percent,
        text,
        figures,
        state,
        reviewer,
        comment,
    ) in DEMO_REPORTS:
        user = users.get(reporter)
        task = Task.objects.filter(plan=plan, code=code).prefetch_related("assignments").first()
        period = plan.periods.filter(code=period_code).first()
        if user is None or task is None or period is None or not svc.can_report_on(user, task):
            continue
        if ProgressReport.objects.filter(task=task, period=period, department=user.department).exists():
            continue
        report = svc.report_create(
            actor=user,
            task=task,
            period=period,
            progress=progress,
            percent_complete=percent,
            narrative=f"{DEMO_MARK}{text}",
            figures=figures,
        )
        made += 1
        if state == "draft":
            continue
        due = dt.datetime.combine(period.due_date, dt.time(10, 0), tzinfo=TZ)
        at = due + dt.timedelta(days=3) if state == "submitted_late" else due - dt.timedelta(days=2)
        report = svc.report_submit(actor=user, report=report, now=at)
        if state.startswith("accepted"):
            svc.report_accept(
                actor=users[reviewer], report=report, make_public=state == "accepted_public", comment=comment
            )
        elif state == "returned":
            svc.report_return(actor=users[reviewer], report=report, comment=f"{DEMO_MARK}{comment}")
    stdout.write(f"report demo: {made} progress reports")
