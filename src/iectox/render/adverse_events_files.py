"""The adverse-event table on its own: an HTML page, a workbook, a Word document or JSON, each written whole.

    write_adverse_events_html(table, "ae.html", formatter=Formatter("fr"))   # or _xlsx, _docx, _json

Each lays out `iectox.render.adverse_events.adverse_event_layout`, as the study report does.
"""

from __future__ import annotations

import json
from pathlib import Path

from iectox.io.atomic import atomic_file
from iectox.io.sheets import save_workbook
from iectox.render.adverse_events import TITLE, adverse_event_layout, adverse_event_records
from iectox.render.docx import add_table, blank
from iectox.render.format import Formatter
from iectox.render.html import CSS, escape, table_html
from iectox.render.xlsx import table_workbook
from iectox.stats.adverse_events import AdverseEventTable


def adverse_events_page(
    table: AdverseEventTable, title: str = TITLE, formatter: Formatter | None = None
) -> str:
    """A self-contained HTML page holding the table and its footnotes."""
    fmt = formatter or Formatter()
    shown = adverse_event_layout(table, fmt, title)
    return f"""<!DOCTYPE html>
<html lang="{fmt.lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(shown.title or fmt.tr("Table"))}</title><style>{CSS}</style></head>
<body><main>
{table_html(shown, fmt.lang)}
</main></body></html>
"""


def write_adverse_events_html(
    table: AdverseEventTable, path: str | Path, title: str = TITLE, formatter: Formatter | None = None
) -> Path:
    path = Path(path)
    with atomic_file(path) as tmp:
        tmp.write_text(adverse_events_page(table, title, formatter), encoding="utf-8")
    return path


def write_adverse_events_xlsx(
    table: AdverseEventTable, path: str | Path, title: str = TITLE, formatter: Formatter | None = None
) -> Path:
    """One sheet, laid out as the report's table sheets: each count and its share as numbers."""
    fmt = formatter or Formatter()
    return save_workbook(
        table_workbook(adverse_event_layout(table, fmt, title), "adverse_events"), Path(path)
    )


def write_adverse_events_docx(
    table: AdverseEventTable, path: str | Path, title: str = TITLE, formatter: Formatter | None = None
) -> Path:
    shown = adverse_event_layout(table, formatter or Formatter(), title)
    doc, text_width = blank((shown,))
    add_table(doc, shown, text_width)
    path = Path(path)
    with atomic_file(path) as tmp:
        doc.save(str(tmp))
    return path


def write_adverse_events_json(
    table: AdverseEventTable, path: str | Path, formatter: Formatter | None = None
) -> Path:
    path = Path(path)
    with atomic_file(path) as tmp:
        text = json.dumps(adverse_event_records(table, formatter), indent=2, ensure_ascii=False)
        tmp.write_text(text + "\n", encoding="utf-8")
    return path
