from __future__ import annotations

from django.urls import path

from iectox.web.accounts import users, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.sign_in, name="login"),
    path("logout/", views.sign_out, name="logout"),
    path("language/", views.language, name="language"),
    path("users/", users.users, name="users"),
    path("users/+new/", users.new_user, name="user-create"),
    path("users/<int:user_id>/", users.edit_user, name="user-edit"),
    path("users/<int:user_id>/password/", users.reset_password, name="user-password"),
]
