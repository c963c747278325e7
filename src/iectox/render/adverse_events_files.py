"""The adverse-event table on its own: an HTML page, a workbook, a Word document or JSON, each written whole.

    write_adverse_events_html(table, "ae.html", formatter=Formatter("fr"))   # or _xlsx, _docx, _json

Each lays out `iectox.render.adverse_events.adverse_event_layout`, as the study report does.
"""

from __future__ import annotations

import json
from pathlib import Path

from iectox.io.atomic import atomic_file
from iectox.render.adverse_events import TITLE, adverse_event_layout, adverse_event_records
from iectox.render.format import Formatter
from iectox.render.single import layout_page, write_layout_docx, write_layout_html, write_layout_xlsx
from iectox.stats.adverse_events import AdverseEventTable


def adverse_events_page(
    table: AdverseEventTable, title: str = TITLE, formatter: Formatter | None = None
) -> str:
    """A self-contained HTML page holding the table and its footnotes."""
    fmt = formatter or Formatter()
    return layout_page(adverse_event_layout(table, fmt, title), fmt.lang)


def write_adverse_events_html(
    table: AdverseEventTable, path: str | Path, title: str = TITLE, formatter: Formatter | None = None
) -> Path:
    fmt = formatter or Formatter()
    return write_layout_html(adverse_event_layout(table, fmt, title), path, fmt.lang)


def write_adverse_events_xlsx(
    table: AdverseEventTable, path: str | Path, title: str = TITLE, formatter: Formatter | None = None
) -> Path:
    """One sheet, laid out as the report's table sheets: each count and its share as numbers."""
    return write_layout_xlsx(
        adverse_event_layout(table, formatter or Formatter(), title), path, "adverse_events"
    )


def write_adverse_events_docx(
    table: AdverseEventTable, path: str | Path, title: str = TITLE, formatter: Formatter | None = None
) -> Path:
    return write_layout_docx(adverse_event_layout(table, formatter or Formatter(), title), path)


def write_adverse_events_json(
    table: AdverseEventTable, path: str | Path, formatter: Formatter | None = None
) -> Path:
    path = Path(path)
    with atomic_file(path) as tmp:
        text = json.dumps(adverse_event_records(table, formatter), indent=2, ensure_ascii=False)
        tmp.write_text(text + "\n", encoding="utf-8")
    return path
