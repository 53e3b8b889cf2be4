from django.urls import path

from . import views

app_name = "incentives"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("simulate/", views.simulate, name="simulate"),
    path("<slug:scheme_id>/", views.scheme_detail, name="scheme"),
]
