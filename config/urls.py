from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from .api import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("accounts/", include("ipcity.accounts.urls")),
    path("orgs/", include("ipcity.orgs.urls")),
    path("plan/", include("ipcity.plan.urls")),
    path("plan/", include("ipcity.reporting.urls")),  # /plan/reports/…, /plan/supervision/
    path("incentives/", include("ipcity.incentives.urls")),
    path("grants/", include("ipcity.grants.urls")),
    path("protection/", include("ipcity.protection.urls")),
    path("patents/", include("ipcity.patents.urls")),
    path("audit/", include("ipcity.core.urls")),
    path("", include("ipcity.portal.urls")),
]

# No URL serves MEDIA_ROOT, not even with DEBUG on: uploaded files go out only through the download
# views, which check the user's right to the object first (docs/adr/0008-serving-uploaded-files.md).
