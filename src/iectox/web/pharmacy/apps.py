from __future__ import annotations

from django.apps import AppConfig

from iectox.i18n import N_
from iectox.web.accounts.roles import Capability
from iectox.web.navigation import MENU, Entry


class PharmacyConfig(AppConfig):
    name = "iectox.web.pharmacy"
    label = "pharmacy"
    verbose_name = "pharmacy"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        MENU.register(Entry("pharmacy", "pharmacy:queue", N_("Pharmacy orders"), Capability.MANAGE_PHARMACY))
        MENU.register(
            Entry("pharmacy-stock", "pharmacy:stock", N_("Tocilizumab stock"), Capability.MANAGE_PHARMACY)
        )
