"""One comparison table on its own, laid out as the study report lays out its tables.

    compare(frame, "cohort", ["sex", "age"]).add_p().to_docx("table1.docx", title="Demographics")

The table is built by the report's own `document.build_table`, so a lone table and the same table in a report
have the same columns, colours, numbers and footnotes; only the page around it differs.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from iectox.i18n import LANGUAGES, tr
from iectox.io.atomic import atomic_file
from iectox.render.document import Table, build_table
from iectox.render.docx import add_table, blank
from iectox.render.html import CSS, escape, table_html
from iectox.render.xlsx import table_sheet
from iectox.stats.compare import Comparison


def single_table(comparison: Comparison, title: str, lang: str, digits: int, p_digits: int) -> Table:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
    return build_table(comparison, title, lang, digits, p_digits)


def html_page(
    comparison: Comparison, title: str = "", lang: str = "en", digits: int = 1, p_digits: int = 3
) -> str:
    """A self-contained page (inline CSS, no external request) holding the table and its footnotes."""
    table = single_table(comparison, title, lang, digits, p_digits)
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(table.title or tr("Table", lang))}</title><style>{CSS}</style></head>
<body><main>
{table_html(table, lang)}
</main></body></html>
"""


def write_xlsx(
    comparison: Comparison, path: Path, title: str = "", lang: str = "en", digits: int = 1, p_digits: int = 3
) -> Path:
    """A workbook of one sheet, formatted as the report's table sheets."""
    table = single_table(comparison, title, lang, digits, p_digits)
    book = Workbook()
    book.active.title = tr("Table", lang)
    table_sheet(book.active, table)
    path = Path(path)
    with atomic_file(path) as tmp:
        book.save(tmp)
    return path


def write_docx(
    comparison: Comparison, path: Path, title: str = "", lang: str = "en", digits: int = 1, p_digits: int = 3
) -> Path:
    """A Word document holding the table as a journal prints it (caption, three rules, footnotes)."""
    table = single_table(comparison, title, lang, digits, p_digits)
    doc, text_width = blank((table,))
    add_table(doc, table, text_width)
    path = Path(path)
    with atomic_file(path) as tmp:
        doc.save(str(tmp))
    return path
