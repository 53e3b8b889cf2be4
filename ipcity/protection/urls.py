from django.urls import path

from . import views

app_name = "protection"
urlpatterns = [
    path("credit/", views.credit_register, name="credit_register"),
]
