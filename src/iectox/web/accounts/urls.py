from __future__ import annotations

from django.urls import path

from iectox.web.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.sign_in, name="login"),
    path("logout/", views.sign_out, name="logout"),
    path("language/", views.language, name="language"),
]
