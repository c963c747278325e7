from __future__ import annotations

from django.apps import AppConfig

from iectox.i18n import N_
from iectox.web.accounts.roles import Capability
from iectox.web.navigation import MENU, Entry


class RegistryConfig(AppConfig):
    name = "iectox.web.registry"
    label = "registry"
    verbose_name = "registry"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        MENU.register(Entry("registry", "registry:patients-list", N_("Registry"), Capability.VIEW_REGISTRY))
