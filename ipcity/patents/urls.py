from django.urls import path

from . import views

app_name = "patents"
urlpatterns = [
    path("", views.patent_list, name="list"),
    path("export.xlsx", views.patent_export, name="export"),
    path("high-value/", views.high_value_list, name="high_value"),
    path("kpi/", views.kpi_page, name="kpi"),
    path("kpi/<slug:code>/", views.kpi_district, name="kpi_district"),
    path("population/", views.population_page, name="population"),
    path("import/", views.import_new, name="import"),
    path("import/<int:pk>/", views.import_detail, name="import_detail"),
    path("import/<int:pk>/progress.json", views.import_progress, name="import_progress"),
    path("import/<int:pk>/report.csv", views.import_report, name="import_report"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger/new/", views.ledger_edit, name="ledger_new"),
    path("ledger/<int:pk>/edit/", views.ledger_edit, name="ledger_edit"),
    path("ledger/<int:pk>/status/", views.ledger_transition, name="ledger_transition"),
    path("<str:number>/", views.patent_detail, name="detail"),
]
