"""Plan pages (structure_urls: the plan, indicators, tasks, the plan office's pages). Progress reporting and
supervision pages, also under /plan/, are the reporting app's (ipcity.reporting.urls, namespace `reporting`)."""

from django.urls import include, path

app_name = "plan"
urlpatterns: list = [
    path("", include("ipcity.plan.structure_urls")),
]
