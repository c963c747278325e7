"""The registry's reading pages, made for each table of `tables.PAGES`: the list, one record, its trail.

`page_views(page)` gives a table's views, each declaring its capability (`access.requires`); the editing views
are in `editing`. Every query goes through `access.visible`: only the patients of the user's centres exist.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from iectox.i18n import tr
from iectox.web.accounts.access import requires, visible
from iectox.web.accounts.roles import Capability
from iectox.web.registry import display, editing, history
from iectox.web.registry.lookup import may_read_trail, record_of
from iectox.web.registry.models import Record
from iectox.web.registry.tables import PAGES, TablePage

PER_PAGE = 50


def _tables(lang: str) -> list[dict[str, str]]:
    """The registry's tables, for the links above each list."""
    return [
        {"id": page.id, "url": reverse(f"registry:{page.id}-list"), "title": tr(page.title, lang)}
        for page in PAGES.values()
    ]


def _children(record: Record, user: Any, lang: str) -> list[dict[str, object]]:
    """The records that belong to this one (a patient's infusions; an infusion's episodes, doses...)."""
    found = []
    target = f"{record.contract.name}.{record.contract.key}"
    for page in PAGES.values():
        if page.parent and page.table.column(page.parent).references == target:
            rows = page.model.objects.filter(**{page.parent: record.code})
            found.append(
                {
                    "page": page,
                    "title": tr(page.title, lang),
                    "records": _listed(page, rows, lang),
                    "can_add": user.can(page.edit),
                }
            )
    return found


def _listed(page: TablePage, records: object, lang: str) -> list[dict[str, object]]:
    return [{"code": r.code, "cells": [v for _, v in display.rows(r, lang, page.listed)]} for r in records]


def page_views(page: TablePage) -> SimpleNamespace:
    """The views of one table, each with the capability it needs."""

    @requires(Capability.VIEW_REGISTRY)
    def listing(request: HttpRequest) -> HttpResponse:
        records = visible(page.model.objects.all(), request.user)
        query = request.GET.get("q", "").strip()
        if query:
            records = records.filter(**{f"{page.key or page.parent}__istartswith": query})
        shown = Paginator(records, PER_PAGE).get_page(request.GET.get("page"))
        context = {
            "page": page,
            "query": query,
            "tables": _tables(request.lang),
            "records": _listed(page, shown, request.lang),
            "pages": shown,
            "can_edit": request.user.can(page.edit),
        }
        return render(request, "registry/list.html", context)

    @requires(Capability.VIEW_REGISTRY)
    def detail(request: HttpRequest, key: str) -> HttpResponse:
        record = record_of(page, key, request.user)
        context = {
            "page": page,
            "record": record,
            "rows": display.rows(record, request.lang),
            "children": _children(record, request.user, request.lang),
            "can_edit": request.user.can(page.edit),
            "can_audit": request.user.can(Capability.VIEW_AUDIT),
        }
        return render(request, "registry/detail.html", context)

    def _trail(request: HttpRequest, key: str) -> tuple[str, list[history.Entry]]:
        rows = history.trail(page.model, key)
        if not may_read_trail(page, rows, request.user):
            raise Http404(key)
        return str(key), history.entries(page.model, rows)

    @requires(Capability.VIEW_AUDIT)
    def trail(request: HttpRequest, key: str) -> HttpResponse:
        code, entries = _trail(request, key)
        shown = [
            {
                "entry": entry,
                "action": entry.label(request.lang),
                "changes": [(c.column, history.shown(c.old), history.shown(c.new)) for c in entry.changes],
            }
            for entry in entries
        ]
        return render(request, "registry/history.html", {"page": page, "code": code, "entries": shown})

    @requires(Capability.VIEW_AUDIT)
    def trail_csv(request: HttpRequest, key: str) -> HttpResponse:
        code, entries = _trail(request, key)
        response = HttpResponse(
            history.as_csv(page.model, code, entries), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{page.id}-{code}-history.csv"'
        return response

    return SimpleNamespace(
        listing=listing,
        detail=detail,
        trail=trail,
        trail_csv=trail_csv,
        create=editing.create_view(page),
        edit=editing.edit_view(page),
        delete=editing.delete_view(page),
    )
