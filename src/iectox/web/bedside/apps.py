from __future__ import annotations

from django.apps import AppConfig
from django.core import checks

from iectox.i18n import N_
from iectox.web.accounts.roles import Capability
from iectox.web.navigation import MENU, Entry
from iectox.web.pathway import pathway_check


class BedsideConfig(AppConfig):
    name = "iectox.web.bedside"
    label = "bedside"
    verbose_name = "bedside"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        MENU.register(Entry("bedside", "bedside:patients", N_("Bedside"), Capability.VIEW_REGISTRY))
        checks.register(pathway_check)
