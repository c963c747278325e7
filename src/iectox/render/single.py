"""One comparison table on its own, laid out as the study report lays out its tables.

    table = compare(frame, "cohort", ["sex", "age"]).add_p()
    write_table_docx(table, "table1.docx", title="Demographics", formatter=Formatter("fr"))

The table is built by the report's own `comparison_table`, so a lone table and the same table in a report
have the same columns, colours, numbers and footnotes; only the page around it differs.
"""

from __future__ import annotations

from pathlib import Path

from iectox.io.atomic import atomic_file
from iectox.io.sheets import save_workbook
from iectox.render.comparison import comparison_table
from iectox.render.docx import add_table, blank
from iectox.render.format import Formatter
from iectox.render.html import CSS, escape, table_html
from iectox.render.xlsx import table_workbook
from iectox.stats.compare import Comparison


def table_page(comparison: Comparison, title: str = "", formatter: Formatter | None = None) -> str:
    """A self-contained HTML page (inline CSS, no external request) holding the table and its footnotes."""
    fmt = formatter or Formatter()
    table = comparison_table(comparison, fmt, title)
    return f"""<!DOCTYPE html>
<html lang="{fmt.lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(table.title or fmt.tr("Table"))}</title><style>{CSS}</style></head>
<body><main>
{table_html(table, fmt.lang)}
</main></body></html>
"""


def write_table_html(
    comparison: Comparison, path: str | Path, title: str = "", formatter: Formatter | None = None
) -> Path:
    """The table's page (`table_page`) written whole or not at all."""
    page = table_page(comparison, title, formatter)
    path = Path(path)
    with atomic_file(path) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return path


def write_table_xlsx(
    comparison: Comparison, path: str | Path, title: str = "", formatter: Formatter | None = None
) -> Path:
    """A workbook of one sheet, laid out as the report's table sheets (statistics as numbers)."""
    fmt = formatter or Formatter()
    return save_workbook(
        table_workbook(comparison_table(comparison, fmt, title), fmt.tr("Table")), Path(path)
    )


def write_table_docx(
    comparison: Comparison, path: str | Path, title: str = "", formatter: Formatter | None = None
) -> Path:
    """A Word document holding the table as a journal prints it (caption, three rules, footnotes)."""
    table = comparison_table(comparison, formatter or Formatter(), title)
    doc, text_width = blank((table,))
    add_table(doc, table, text_width)
    path = Path(path)
    with atomic_file(path) as tmp:
        doc.save(str(tmp))
    return path
