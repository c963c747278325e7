"""The menu of every page: one entry per area, shown to the users whose role grants its capability.

An app adds its entry in its `AppConfig.ready()`:

    MENU.register(Entry("pharmacy", "pharmacy:queue", N_("Pharmacy"), Capability.MANAGE_PHARMACY))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from iectox.i18n import tr
from iectox.registry import Registry


@dataclass(frozen=True)
class Entry:
    id: str
    url_name: str
    label: str  # English, marked with N_
    capability: str


MENU: Registry[Entry] = Registry("menu")


def menu(user: Any, lang: str) -> list[dict[str, str]]:
    """The entries the user may open, as links in their language (none before login)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [
        {"id": entry.id, "url": reverse(entry.url_name), "label": tr(entry.label, lang)}
        for entry in MENU.values()
        if user.can(entry.capability)
    ]
