"""/plan/ (public plan pages) and the plan office's pages for values, work points and commendations."""

from django.urls import path

from . import views

urlpatterns: list = [
    path("", views.plan_index, name="index"),
    path("indicators/", views.indicator_list, name="indicators"),
    path("indicators/<slug:code>/values/new/", views.indicator_value_new, name="indicator_value_new"),
    path("tasks/<str:code>/", views.task_detail, name="task_detail"),
    path("tasks/<str:code>/work-points/new/", views.work_point_new, name="work_point_new"),
    path("commendations/new/", views.commendation_new, name="commendation_new"),
    path("annex.xlsx", views.annex_xlsx, name="annex_xlsx"),
]
