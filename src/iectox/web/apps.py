"""The web application's own Django app: base templates, static files, the `tr` tag and form submissions."""

from __future__ import annotations

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "iectox.web"
    label = "web"
    verbose_name = "iectox"
    default_auto_field = "django.db.models.BigAutoField"
