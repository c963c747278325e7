from __future__ import annotations

from django.apps import AppConfig

from iectox.i18n import N_
from iectox.web.accounts.roles import Capability
from iectox.web.navigation import MENU, Entry


class AccountsConfig(AppConfig):
    name = "iectox.web.accounts"
    label = "accounts"
    verbose_name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        MENU.register(Entry("accounts", "accounts:users", N_("Accounts"), Capability.ADMINISTER_USERS))
