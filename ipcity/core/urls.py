from django.urls import path

import ipcity.core.converters  # noqa: F401 - registers <dbid:…>

from . import views

app_name = "core"
urlpatterns = [
    path("", views.audit_list, name="audit_list"),
    path("verify/", views.audit_verify, name="audit_verify"),
    path("digests.json", views.audit_digests, name="audit_digests"),
    path("export.csv", views.audit_export, name="audit_export"),
    path("<dbid:seq>/", views.audit_detail, name="audit_detail"),
]
