from django.urls import path

import ipcity.core.converters  # noqa: F401 - registers <dbid:…>

from . import views

app_name = "orgs"
urlpatterns = [
    path("entities/", views.entity_list, name="entity_list"),
    path("entities/export.csv", views.entity_export, name="entity_export"),
    path("entities/new/", views.entity_create, name="entity_create"),
    path("entities/import/", views.entity_import, name="entity_import"),
    path("entities/import/template.xlsx", views.import_template, name="import_template"),
    path("entities/<dbid:pk>/", views.entity_detail, name="entity_detail"),
    path("entities/<dbid:pk>/edit/", views.entity_edit, name="entity_edit"),
    path("entities/<dbid:pk>/certifications/", views.certification_add, name="certification_add"),
    path(
        "entities/<dbid:pk>/certifications/<dbid:cert_pk>/remove/",
        views.certification_remove,
        name="certification_remove",
    ),
    path("my-entity/", views.my_entity, name="my_entity"),
    path("departments/", views.department_list, name="department_list"),
    path("districts/", views.district_list, name="district_list"),
]
