from django.contrib.auth import views as auth_views
from django.urls import path

import ipcity.core.converters  # noqa: F401 - registers <dbid:…>

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_changed.html"),
        name="password_changed",
    ),
    path("register/", views.register, name="register"),
    path("me/", views.profile, name="profile"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<dbid:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("users/", views.user_list, name="users"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<dbid:pk>/", views.user_detail, name="user_detail"),
    path("users/<dbid:pk>/active/", views.user_set_active, name="user_set_active"),
    path("users/<dbid:pk>/password/", views.user_reset_password, name="user_reset_password"),
    path("changes/", views.change_list, name="changes"),
    path("changes/<dbid:pk>/", views.change_decide, name="change_decide"),
    path("pending/", views.pending_list, name="pending"),
    path("pending/<dbid:pk>/", views.pending_decide, name="pending_decide"),
    path("pending/<dbid:pk>/licence/", views.pending_licence, name="pending_licence"),
]
