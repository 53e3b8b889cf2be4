from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from . import selectors


def credit_register(request: HttpRequest) -> HttpResponse:
    """The public credit register (失信名单)."""
    today = timezone.localdate()
    records = list(selectors.credit_record_list(user=request.user)[:500])
    return render(
        request,
        "protection/credit_register.html",
        {"records": records, "today": today, "in_force": {r.pk for r in records if r.in_force_on(today)}},
    )
