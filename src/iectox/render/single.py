"""One comparison table on its own, laid out as the study report lays out its tables.

    table = compare(frame, "cohort", ["sex", "age"]).add_p()
    write_table_docx(table, "table1.docx", title="Demographics", formatter=Formatter("fr"))

The table is built by the report's own `comparison_table`, so a lone table and the same table in a report
have the same columns, colours, numbers and footnotes; only the page around it differs.
"""

from __future__ import annotations

from pathlib import Path

from iectox.i18n import tr
from iectox.io.atomic import atomic_file
from iectox.io.sheets import save_workbook
from iectox.render.comparison import comparison_table
from iectox.render.docx import add_table, blank
from iectox.render.format import Formatter
from iectox.render.html import CSS, escape, table_html
from iectox.render.layout import Table
from iectox.render.xlsx import table_workbook
from iectox.stats.compare import Comparison


def layout_page(table: Table, lang: str) -> str:
    """A self-contained HTML page (inline CSS, no external request) holding one laid-out table and its
    footnotes: the page of every table written on its own (a comparison, the adverse-event table)."""
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(table.title or tr("Table", lang))}</title><style>{CSS}</style></head>
<body><main>
{table_html(table, lang)}
</main></body></html>
"""


def write_layout_html(table: Table, path: str | Path, lang: str) -> Path:
    """`layout_page` written whole or not at all."""
    path = Path(path)
    with atomic_file(path) as tmp:
        tmp.write_text(layout_page(table, lang), encoding="utf-8")
    return path


def write_layout_xlsx(table: Table, path: str | Path, sheet: str) -> Path:
    """A workbook of one sheet, laid out as the report's table sheets (statistics as numbers)."""
    return save_workbook(table_workbook(table, sheet), Path(path))


def write_layout_docx(table: Table, path: str | Path) -> Path:
    """A Word document holding the table as a journal prints it (caption, three rules, footnotes)."""
    doc, text_width = blank((table,))
    add_table(doc, table, text_width)
    path = Path(path)
    with atomic_file(path) as tmp:
        doc.save(str(tmp))
    return path


def table_page(comparison: Comparison, title: str = "", formatter: Formatter | None = None) -> str:
    """`layout_page` of one comparison table."""
    fmt = formatter or Formatter()
    return layout_page(comparison_table(comparison, fmt, title), fmt.lang)


def write_table_html(
    comparison: Comparison, path: str | Path, title: str = "", formatter: Formatter | None = None
) -> Path:
    """The table's page (`table_page`) written whole or not at all."""
    fmt = formatter or Formatter()
    return write_layout_html(comparison_table(comparison, fmt, title), path, fmt.lang)


def write_table_xlsx(
    comparison: Comparison, path: str | Path, title: str = "", formatter: Formatter | None = None
) -> Path:
    """A workbook of one sheet, laid out as the report's table sheets (statistics as numbers)."""
    fmt = formatter or Formatter()
    return write_layout_xlsx(comparison_table(comparison, fmt, title), path, fmt.tr("Table"))


def write_table_docx(
    comparison: Comparison, path: str | Path, title: str = "", formatter: Formatter | None = None
) -> Path:
    """A Word document holding the table as a journal prints it (caption, three rules, footnotes)."""
    return write_layout_docx(comparison_table(comparison, formatter or Formatter(), title), path)
