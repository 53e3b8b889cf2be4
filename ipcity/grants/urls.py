from django.urls import path

from . import views

app_name = "grants"
urlpatterns = [
    path("", views.home, name="home"),
    path("calls/", views.call_list, name="call_list"),
    path("calls/new/", views.call_create, name="call_create"),
    path("calls/<int:pk>/", views.call_detail, name="call_detail"),
    path("calls/<int:pk>/apply/<str:scheme_id>/", views.apply, name="apply"),
    path("calls/<int:pk>/export/<str:what>.xlsx", views.export, name="export"),
    path("calls/<int:pk>/<str:action>/", views.call_action, name="call_action"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application_edit"),
    path("applications/<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("applications/<int:pk>/payment/", views.payment_create, name="payment_create"),
    path("applications/<int:pk>/do/<str:action>/", views.application_action, name="application_action"),
    path("objections/<int:pk>/resolve/", views.objection_resolve, name="objection_resolve"),
    path("announcements/", views.announcements, name="announcements"),
    path("announcements/<int:pk>/object/", views.objection_create, name="objection_create"),
]
