from __future__ import annotations

from django.apps import AppConfig

from iectox.i18n import N_
from iectox.web.accounts.roles import Capability
from iectox.web.navigation import MENU, Entry


class QualityConfig(AppConfig):
    name = "iectox.web.quality"
    label = "quality"
    verbose_name = "study and quality"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        MENU.register(Entry("study", "quality:study", N_("Study"), Capability.RUN_STUDIES))
        MENU.register(
            Entry("dashboard", "quality:dashboard", N_("Quality dashboard"), Capability.VIEW_REGISTRY)
        )
