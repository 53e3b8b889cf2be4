"""Demo data for the plan (marked 演示数据 / demo): indicator values, work points and a commendation,
written through ipcity.plan.services. Idempotent. The progress reports are the next part (reports.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction

from ipcity.orgs.models import Department, District
from ipcity.plan import services
from ipcity.plan.models import Commendation, Indicator, IndicatorValue, Plan, Task, WorkPoint

from .common import OPERATOR

DEMO_SOURCE = "演示数据 / demo"

# indicator code → {year: value}; every value is as of 31 December of its year.
DEMO_VALUES: dict[str, dict[int, str]] = {
    "protection-satisfaction": {2022: "81.5", 2023: "83.2", 2024: "85.6"},
    "high-value-patents-per-10k": {2022: "5.9", 2023: "6.9", 2024: "8.0"},
    "patent-intensive-share": {2022: "12.1", 2023: "12.6", 2024: "13.0"},
    "pledge-amount": {2022: "30.5", 2023: "41.2", 2024: "56.0"},
    "pledge-count": {2022: "210", 2023: "262", 2024: "340"},
    "new-advantage-enterprises": {2022: "15", 2023: "12", 2024: "14"},
    "new-standard-entities": {2022: "30", 2023: "28", 2024: "25"},
    "service-revenue": {2022: "8.2", 2023: "9.6", 2024: "11.3"},
    "training-person-times": {2022: "1260", 2023: "1105", 2024: "1180"},
    "advantage-enterprises-per-year": {2022: "15", 2023: "12", 2024: "14"},
    "operation-fund": {2022: "0.5", 2023: "0.8", 2024: "1.0"},
    "white-paper": {2022: "1", 2023: "1", 2024: "1"},
}

# (task, year, title, due date, unit, district or None)
DEMO_WORK_POINTS: list[tuple[str, int, str, dt.date, str, str | None]] = [
    (
        "7.3.1",
        2023,
        "发布2022年度烟台市知识产权发展与保护状况白皮书（演示）",
        dt.date(2023, 4, 26),
        "市市场监管局",
        None,
    ),
    ("1.1.1", 2023, "在芝罘区试点行政保护技术调查官制度（演示）", dt.date(2023, 9, 30), "市司法局", "芝罘区"),
    ("3.3.2", 2024, "受理首次专利质押融资贴息申报（演示）", dt.date(2024, 6, 30), "市财政局", None),
    (
        "6.1.2",
        2024,
        "莱山区基层知识产权服务网点挂牌（演示）",
        dt.date(2024, 10, 31),
        "市市场监管局",
        "莱山区",
    ),
]


def load(*, stdout: Any, options: dict[str, Any]) -> None:
    plan = Plan.objects.filter(code=settings.DEFAULT_POLICY).first()
    if plan is None:
        stdout.write("plan demo: the plan is not loaded (run manage.py load_policy first); skipped.")
        return
    made = 0
    with transaction.atomic():
        for code, series in DEMO_VALUES.items():
            indicator = Indicator.objects.filter(plan=plan, code=code).first()
            if indicator is None:
                continue
            for year, value in series.items():
                as_of = dt.date(year, 12, 31)
                if IndicatorValue.objects.filter(indicator=indicator, year=year, as_of=as_of).exists():
                    continue
                services.indicator_value_record(
                    actor=OPERATOR,
                    indicator=indicator,
                    year=year,
                    as_of=as_of,
                    value=Decimal(value),
                    source=DEMO_SOURCE,
                    notes="演示数据，非真实统计 / demo figure, not a real statistic",
                )
                made += 1
        for code, year, title, due, unit, district in DEMO_WORK_POINTS:
            task = Task.objects.filter(plan=plan, code=code).first()
            if task is None or WorkPoint.objects.filter(task=task, title=title).exists():
                continue
            services.work_point_create(
                actor=OPERATOR,
                task=task,
                year=year,
                title=title,
                due_date=due,
                department=Department.objects.get(name=unit),
                district=District.objects.get(name=district) if district else None,
            )
            made += 1
        reason = "（演示）2023年度知识产权工作成绩突出，基层服务网点建设走在全市前列。"
        if not Commendation.objects.filter(plan=plan, reason=reason).exists():
            services.commendation_create(
                actor=OPERATOR,
                plan=plan,
                year=2023,
                kind="district",
                district=District.objects.get(name="莱山区"),
                reason=reason,
                document="演示文件（demo）",
                awarded_on=dt.date(2024, 4, 26),
            )
            made += 1
    stdout.write(f"plan demo: {made} new demo rows (indicator values, work points, commendation).")
