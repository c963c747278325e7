from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "iectox.web.accounts"
    label = "accounts"
    verbose_name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"
