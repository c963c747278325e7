"""The registry's URLs, made for each table of `tables.PAGES`: records are named by their pseudonymous code
(`/registry/patients/P-0001/`), observations by their number; nothing else identifies a patient in a URL."""

from __future__ import annotations

from django.urls import path, register_converter

from iectox.schema.contract import ID_PATTERN
from iectox.web.registry.tables import PAGES
from iectox.web.registry.views import page_views


class Code:
    """A pseudonymous code as the contract allows it (letters, digits, '_', '.', '-'; 64 at most)."""

    regex = ID_PATTERN.strip("^$")

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(Code, "code")

app_name = "registry"
urlpatterns = []
for page in PAGES.values():
    views = page_views(page)
    key = f"{page.id}/<code:key>" if page.key else f"{page.id}/<int:key>"
    urlpatterns += [
        path(f"{page.id}/", views.listing, name=f"{page.id}-list"),
        path(f"{page.id}/+new/", views.create, name=f"{page.id}-create"),
        path(f"{key}/", views.detail, name=f"{page.id}-detail"),
        path(f"{key}/edit/", views.edit, name=f"{page.id}-edit"),
        path(f"{key}/delete/", views.delete, name=f"{page.id}-delete"),
        path(f"{key}/history/", views.trail, name=f"{page.id}-history"),
        path(f"{key}/history.csv", views.trail_csv, name=f"{page.id}-history-csv"),
    ]
