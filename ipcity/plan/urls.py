"""Plan pages. Structure/indicator pages live in views.py; progress reporting and supervision in
report_views.py (kept apart so each file stays about one thing)."""

from django.urls import include, path

app_name = "plan"
urlpatterns: list = [
    path("", include("ipcity.plan.structure_urls")),
    path("", include("ipcity.plan.report_urls")),
]
