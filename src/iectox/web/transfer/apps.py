from __future__ import annotations

from django.apps import AppConfig

from iectox.i18n import N_
from iectox.web.accounts.roles import Capability
from iectox.web.navigation import MENU, Entry


class TransferConfig(AppConfig):
    name = "iectox.web.transfer"
    label = "transfer"
    verbose_name = "transfer"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        MENU.register(Entry("transfer", "transfer:index", N_("Import and export"), Capability.VIEW_REGISTRY))
