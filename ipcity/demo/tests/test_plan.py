"""The plan's demo data is visibly marked and idempotent."""

import io

from ipcity.core.models import AuditEntry
from ipcity.demo import plan as demo
from ipcity.plan.models import Commendation, IndicatorValue, WorkPoint


def counts():
    return (IndicatorValue.objects.count(), WorkPoint.objects.count(), Commendation.objects.count())


def test_demo_is_marked_and_idempotent(plan):
    demo.load(stdout=io.StringIO(), options={})
    first = counts()
    assert first[0] >= 30 and first[1] >= 3 and first[2] == 1
    assert all("演示" in v.source for v in IndicatorValue.objects.all())
    assert all("演示" in w.title for w in WorkPoint.objects.all())
    assert "演示" in Commendation.objects.get().reason
    audits = AuditEntry.objects.filter(
        action__in=["indicator_value.record", "work_point.create", "commendation.create"]
    ).count()
    demo.load(stdout=io.StringIO(), options={})
    assert counts() == first
    assert (
        AuditEntry.objects.filter(
            action__in=["indicator_value.record", "work_point.create", "commendation.create"]
        ).count()
        == audits
    )
