"""/plan/reports/… and /plan/supervision/: included under /plan/ by config/urls.py, beside the plan's own pages;
the URLs are the ones they had inside the plan app, the names are `reporting:…`."""

from django.urls import path

from . import views

app_name = "reporting"

urlpatterns: list = [
    path("reports/", views.report_list, name="report_list"),
    path("reports/new/", views.report_new, name="report_new"),
    path("reports/settings/", views.reporting_settings, name="reporting_settings"),
    path("reports/export.xlsx", views.reports_export, name="reports_export"),
    path("reports/import-template.xlsx", views.reports_template, name="reports_template"),
    path("reports/import/", views.reports_import, name="reports_import"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/submit/", views.report_submit, name="report_submit"),
    path("reports/<int:pk>/accept/", views.report_review, {"decision": "accept"}, name="report_accept"),
    path("reports/<int:pk>/return/", views.report_review, {"decision": "return"}, name="report_return"),
    path("reports/<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("reports/<int:pk>/evidence/<int:evidence_id>/", views.evidence_download, name="evidence_download"),
    path(
        "reports/<int:pk>/evidence/<int:evidence_id>/withdraw/",
        views.evidence_withdraw,
        name="evidence_withdraw",
    ),
    path("supervision/", views.supervision, name="supervision"),
]
