"""The bedside's URLs: a patient by pseudonymous code, an infusion by code, an observation by number."""

from __future__ import annotations

from django.urls import path

from iectox.web.bedside import views
from iectox.web.registry import urls as registry_urls  # noqa: F401 - registers the `code` converter

app_name = "bedside"
urlpatterns = [
    path("", views.patients, name="patients"),
    path("patients/<code:patient>/", views.timeline, name="timeline"),
    path("infusions/<code:infusion>/observe/", views.observe, name="observe"),
    path("observations/<int:observation>/edit/", views.edit, name="edit"),
]
