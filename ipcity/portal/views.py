"""The public front door: what the plan is, how it is going, and where to go next."""

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from . import selectors


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", selectors.home_summary())


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for operators and the trivial baseline view of bench/plan_http.py: one cheap query."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
