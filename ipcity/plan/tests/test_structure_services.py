"""Services of the structure side: indicator values, work points, commendations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from ipcity.core.errors import Invalid
from ipcity.core.models import AuditEntry
from ipcity.orgs.models import Department, District
from ipcity.plan import services
from ipcity.plan.models import Commendation, Indicator, IndicatorValue, Task, WorkPoint


@pytest.fixture
def office(make_user):
    return make_user("plan_office")


def indicator(plan, code="high-value-patents-per-10k"):
    return Indicator.objects.get(plan=plan, code=code)


def test_indicator_value_is_an_upsert_on_indicator_year_as_of(plan, office):
    hv = indicator(plan)
    kw = {
        "actor": office,
        "indicator": hv,
        "year": 2023,
        "as_of": dt.date(2023, 12, 31),
        "source": "统计公报",
    }
    services.indicator_value_record(value="7.2", **kw)
    row = services.indicator_value_record(value=Decimal("7.4"), **kw)
    assert IndicatorValue.objects.filter(indicator=hv).count() == 1
    assert row.value == Decimal("7.4") and row.entered_by == office
    entries = list(AuditEntry.objects.filter(action="indicator_value.record").order_by("seq"))
    assert len(entries) == 2
    assert entries[0].before is None
    assert (entries[1].before or {})["value"] == "7.2000"
    services.indicator_value_record(value="7.5", **{**kw, "as_of": dt.date(2024, 1, 15)})
    assert IndicatorValue.objects.filter(indicator=hv).count() == 2


def test_computed_values_from_a_registry_job(plan):
    row = services.indicator_value_record(
        actor=None,
        indicator=indicator(plan),
        year=2024,
        as_of=dt.date(2024, 6, 30),
        value=Decimal("7.95"),
        source="专利登记簿计算",
        source_kind="computed",
    )
    assert row.source_kind == "computed" and row.computed_at is not None and row.entered_by is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"value": "abc"}, "value"),
        ({"value": "NaN"}, "value"),
        ({"year": 1999}, "year"),
        ({"as_of": dt.date(2022, 12, 31)}, "as_of"),
        ({"source": "  "}, "source"),
        ({"source_kind": "guess"}, "source_kind"),
    ],
)
def test_indicator_value_rejects_bad_input_per_field(plan, office, changes, field):
    kw = {
        "actor": office,
        "indicator": indicator(plan),
        "year": 2023,
        "as_of": dt.date(2023, 12, 31),
        "value": "1",
        "source": "x",
        **changes,
    }
    with pytest.raises(Invalid) as info:
        services.indicator_value_record(**kw)
    assert field in info.value.message_dict
    assert IndicatorValue.objects.count() == 0


def test_manual_values_are_for_the_plan_office_only(plan, make_user):
    with pytest.raises(PermissionDenied):
        services.indicator_value_record(
            actor=make_user("department"),
            indicator=indicator(plan),
            year=2023,
            as_of=dt.date(2023, 12, 31),
            value=1,
            source="x",
        )
    assert IndicatorValue.objects.count() == 0


def test_work_point_unit_must_be_one_of_the_tasks_units(plan, office):
    task = Task.objects.get(plan=plan, code="3.2.2")  # 市发展改革委, 市市场监管局
    kw = {
        "actor": office,
        "task": task,
        "year": 2023,
        "title": "军民融合项目对接会",
        "due_date": dt.date(2023, 9, 30),
    }
    with pytest.raises(Invalid) as info:
        services.work_point_create(department=Department.objects.get(name="市财政局"), **kw)
    assert "department" in info.value.message_dict
    point = services.work_point_create(
        department=Department.objects.get(name="市发展改革委"),
        district=District.objects.get(name="莱山区"),
        **kw,
    )
    assert point.district is not None and point.district.name == "莱山区"
    assert AuditEntry.objects.filter(action="work_point.create", object_id=str(point.pk)).exists()


@pytest.mark.parametrize(
    ("year", "due", "field"),
    [
        (2021, dt.date(2021, 6, 1), "year"),
        (2025, dt.date(2025, 6, 1), "year"),
        (2023, dt.date(2024, 1, 1), "due_date"),
    ],
)
def test_work_point_year_and_due_date(plan, office, year, due, field):
    task = Task.objects.get(plan=plan, code="7.3.1")
    with pytest.raises(Invalid) as info:
        services.work_point_create(
            actor=office,
            task=task,
            year=year,
            title="白皮书",
            due_date=due,
            department=Department.objects.get(code="amr"),
        )
    assert field in info.value.message_dict
    assert WorkPoint.objects.count() == 0


def test_work_point_status(plan, office):
    task = Task.objects.get(plan=plan, code="7.3.1")
    point = services.work_point_create(
        actor=office,
        task=task,
        year=2023,
        title="白皮书",
        due_date=dt.date(2023, 4, 26),
        department=Department.objects.get(code="amr"),
    )
    assert services.work_point_set_status(actor=office, work_point=point, status="done").status == "done"
    with pytest.raises(Invalid):
        services.work_point_set_status(actor=office, work_point=point, status="bogus")


def test_commendations(plan, office):
    common = {
        "actor": office,
        "plan": plan,
        "year": 2023,
        "reason": "工作成绩突出",
        "awarded_on": dt.date(2024, 2, 1),
    }
    with pytest.raises(Invalid) as info:
        services.commendation_create(kind="district", **common)
    assert "district" in info.value.message_dict
    with pytest.raises(Invalid):
        services.commendation_create(kind="individual", **common)
    item = services.commendation_create(
        kind="district", district=District.objects.get(name="芝罘区"), **common
    )
    person = services.commendation_create(
        kind="individual", person_name="张三", person_unit="市市场监管局", **common
    )
    assert (item.recipient, person.recipient) == ("芝罘区", "张三")
    assert Commendation.objects.count() == 2
    assert AuditEntry.objects.filter(action="commendation.create").count() == 2


def test_commendation_refused_to_other_roles(plan, make_user):
    with pytest.raises(PermissionDenied):
        services.commendation_create(
            actor=make_user("auditor"), plan=plan, year=2023, kind="individual", person_name="张三",
            reason="x", awarded_on=dt.date(2024, 2, 1),
        )  # fmt: skip
