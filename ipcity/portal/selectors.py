"""Public figures for the home page. Everything here is public data; nothing depends on the user."""

from typing import Any

from django.conf import settings
from django.db.models import Count

from ipcity.plan.models import Plan, Task


def home_summary() -> dict[str, Any]:
    plan = Plan.objects.filter(code=settings.DEFAULT_POLICY).first()
    if plan is None:
        return {"plan": None}
    status_counts = dict(
        Task.objects.filter(plan=plan)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {
        "plan": plan,
        "programme_count": plan.programmes.count(),
        "task_count": sum(status_counts.values()),
        "indicator_count": plan.indicators.count(),
        "status_counts": status_counts,
    }
