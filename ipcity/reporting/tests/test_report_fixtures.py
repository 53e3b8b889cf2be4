"""Small plan objects for the reporting tests (fast; independent of the policy loader).

`mini` builds one plan (2023, quarterly, due 10 days after period end), two departments' worth of
tasks and users. Department names are the seed's: 市市场监管局 leads 1.1.1, 市发展改革委 leads 3.2.2.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from ipcity.accounts.models import User
from ipcity.orgs.models import Department, District
from ipcity.plan.models import Measure, Plan, Programme, Task, TaskAssignment, WorkPoint
from ipcity.reporting.models import ReportingPeriod

PASSWORD = "Passw0rd-test"


def mk_user(role: str, department: Department | None = None, username: str | None = None, **kw: Any) -> User:
    n = User.objects.count() + 1
    user = User(
        username=username or f"{role}-r{n}",
        role=role,
        department=department,
        email=f"{username or role}{n}@example.org",
        **kw,
    )
    user.set_password(PASSWORD)
    user.full_clean()
    user.save()
    return user


@dataclass
class Mini:
    plan: Plan
    samr: Department  # 市市场监管局 (plan office's department)
    justice: Department  # 市司法局
    ndrc: Department  # 市发展改革委
    court: Department  # 市法院
    finance_dept: Department
    district: District
    t1: Task  # 1.1.1 lead 市市场监管局, support 市司法局
    t2: Task  # 3.2.2 lead 市发展改革委, support 市市场监管局
    q1: ReportingPeriod
    q2: ReportingPeriod
    wp: WorkPoint
    office: User  # plan_office in 市市场监管局
    justice_user: User
    ndrc_user: User
    court_user: User
    samr_user: User  # a second user of 市市场监管局 (department role): writes the lead unit's reports
    ndrc_user2: User  # a second user of 市发展改革委

    def user(self, role: str) -> User:
        dept = {"finance": self.finance_dept}.get(role)
        return mk_user(role, department=dept, **({"entity": _entity()} if role == "applicant" else {}))


def _entity() -> Any:
    from ipcity.orgs.models import Entity

    entity = Entity.objects.filter(uscc="91370600MA3C4D9X0T").first()
    if entity is None:
        entity = Entity.objects.create(uscc="91370600MA3C4D9X0T", name="演示企业", kind="enterprise")
    return entity


def build_mini() -> Mini:
    def dept(code: str, name: str, order: int) -> Department:
        return Department.objects.get_or_create(name=name, defaults={"code": code, "order": order})[0]

    samr = dept("samr", "市市场监管局", 1)
    justice = dept("justice", "市司法局", 2)
    ndrc = dept("ndrc", "市发展改革委", 3)
    court = dept("court", "市法院", 4)
    finance = dept("finance", "市财政局", 5)
    district = District.objects.get_or_create(name="芝罘区", defaults={"code": "zhifu", "kind": "district"})[
        0
    ]
    plan = Plan.objects.create(
        code="mini",
        title="测试方案",
        document_number="测试〔2023〕1号",
        issuer="测试",
        issued_on=dt.date(2023, 1, 1),
        start_year=2023,
        end_year=2023,
    )
    p1 = Programme.objects.create(plan=plan, number=1, title="保护强化工程")
    p3 = Programme.objects.create(plan=plan, number=3, title="运用促进工程")
    m1 = Measure.objects.create(
        programme=p1, number=1, code="1.1", title="司法保护", clause="二(一)1", main_text="…"
    )
    m3 = Measure.objects.create(
        programme=p3, number=2, code="3.2", title="转化", clause="二(三)2", main_text="…"
    )
    t1 = Task.objects.create(
        plan=plan, measure=m1, number=1, code="1.1.1", text="加强知识产权司法保护", order=1
    )
    t2 = Task.objects.create(plan=plan, measure=m3, number=2, code="3.2.2", text="推动专利转化运用", order=2)
    TaskAssignment.objects.create(task=t1, department=samr, role="lead", order=1)
    TaskAssignment.objects.create(task=t1, department=justice, role="support", order=2)
    TaskAssignment.objects.create(task=t2, department=ndrc, role="lead", order=1)
    TaskAssignment.objects.create(task=t2, department=samr, role="support", order=2)
    q1 = ReportingPeriod.objects.create(
        plan=plan,
        code="2023Q1",
        name="2023年第一季度",
        start=dt.date(2023, 1, 1),
        end=dt.date(2023, 3, 31),
        due_date=dt.date(2023, 4, 10),
    )
    q2 = ReportingPeriod.objects.create(
        plan=plan,
        code="2023Q2",
        name="2023年第二季度",
        start=dt.date(2023, 4, 1),
        end=dt.date(2023, 6, 30),
        due_date=dt.date(2023, 7, 10),
    )
    wp = WorkPoint.objects.create(
        task=t1,
        year=2023,
        title="建立巡回审判点",
        due_date=dt.date(2023, 12, 31),
        department=justice,
        district=district,
    )
    return Mini(
        plan=plan,
        samr=samr,
        justice=justice,
        ndrc=ndrc,
        court=court,
        finance_dept=finance,
        district=district,
        t1=t1,
        t2=t2,
        q1=q1,
        q2=q2,
        wp=wp,
        office=mk_user("plan_office", samr, "office"),
        justice_user=mk_user("department", justice, "justice"),
        ndrc_user=mk_user("department", ndrc, "ndrc"),
        court_user=mk_user("department", court, "court"),
        samr_user=mk_user("department", samr, "samr"),
        ndrc_user2=mk_user("department", ndrc, "ndrc2"),
    )


@pytest.fixture
def mini(db: Any) -> Mini:
    return build_mini()
