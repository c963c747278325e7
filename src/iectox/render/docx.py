"""report.docx: the tables as a journal prints them (captions, three rules, footnotes), figures, methods.

Tables with more than five columns put the page in landscape: a comparison table must never wrap its numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from docx import Document as new_document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table as WordTable
from docx.table import _Cell

from iectox.i18n import tr
from iectox.io.atomic import atomic_file
from iectox.render.document import Document
from iectox.render.html import CHECKS_NOTE, TRACE_NOTE
from iectox.render.layout import Table

MUTED = RGBColor(0x5B, 0x66, 0x70)
INK = RGBColor(0x1D, 0x23, 0x2A)
WIDE = 5  # columns above which a table needs a landscape page


def _border(element, edges: dict[str, tuple[str, int, str]], tag: str) -> None:
    """Set borders (edge -> (style, size in eighths of a point, colour)) on a table or cell property."""
    borders = element.find(qn(tag))
    if borders is None:
        borders = OxmlElement(tag)
        element.append(borders)
    for edge, (style, size, colour) in edges.items():
        node = OxmlElement(f"w:{edge}")
        node.set(qn("w:val"), style)
        node.set(qn("w:sz"), str(size))
        node.set(qn("w:color"), colour)
        borders.append(node)


def _three_rules(table: WordTable) -> None:
    """Booktabs: a rule above and below the table, a thin one under the header, nothing else."""
    none = ("nil", 0, "auto")
    rule = ("single", 12, "1D232A")
    edges = {"top": rule, "left": none, "bottom": rule, "right": none, "insideH": none, "insideV": none}
    _border(table._tbl.tblPr, edges, "w:tblBorders")
    for cell in table.rows[0].cells:
        _border(cell._tc.get_or_add_tcPr(), {"bottom": ("single", 6, "1D232A")}, "w:tcBorders")


def _write(cell: _Cell, text: str, bold: bool = False, align=None, size: float = 9.5, indent: float = 0):
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.space_after = Pt(0)
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.left_indent = Cm(indent)
    for k, part in enumerate(text.split("\n")):
        run = paragraph.add_run(part if k == 0 else f"\n{part}")
        run.bold, run.font.size = bold, Pt(size)
        if k:
            run.bold, run.font.color.rgb = False, MUTED


def _note(doc, text: str, size: float = 8.0, keep: bool = False) -> None:
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.keep_with_next = keep
    run = paragraph.add_run(text)
    run.font.size, run.font.color.rgb = Pt(size), MUTED


def _widths(word: WordTable, widths: list[float]) -> None:
    """Column widths in cm, on the grid (LibreOffice reads it) and on every cell (Word reads those)."""
    word.autofit = False
    for column, width in zip(word.columns, widths, strict=True):
        column.width = Cm(width)
    for row in word.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)


def _keep_together(word: WordTable) -> None:
    """Each row stays with the next one (and the last with the footnotes): a table moves pages in one piece."""
    for row in word.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True


def add_table(doc, table: Table, text_width: float) -> None:
    if table.caption:
        caption = doc.add_paragraph(style="Caption")
        caption.add_run(table.caption).bold = True
        caption.paragraph_format.keep_with_next = True
    word = doc.add_table(rows=1 + len(table.lines), cols=len(table.columns))
    word.alignment = WD_TABLE_ALIGNMENT.CENTER
    fixed = {"label": 0.34 * text_width, "p": 2.3, "stat": 1.8}
    groups = sum(c.kind in ("group", "overall") for c in table.columns)
    if not groups:  # a table of statistics only (the management KPIs): they share the rest of the width
        fixed.pop("stat")
        groups = sum(c.kind == "stat" for c in table.columns)
    rest = text_width - sum(fixed.get(c.kind, 0) for c in table.columns)
    _widths(word, [fixed.get(c.kind, rest / max(groups, 1)) for c in table.columns])
    center, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    rows = word.rows  # `Table.cell(i, j)` walks the whole table each time: take each row's cells once
    for j, (column, cell) in enumerate(zip(table.columns, rows[0].cells, strict=True)):
        text = column.label if column.n is None else f"{column.label}\nN = {column.n}"
        _write(cell, text, bold=True, align=None if j == 0 else center)
    for line, row in zip(table.lines, rows[1:], strict=True):
        cells = row.cells
        for j, (column, value) in enumerate(zip(table.columns, line.cells, strict=False)):
            if j == 0:
                _write(cells[j], value.text, bold=not line.level, indent=0.4 if line.level else 0)
            else:
                _write(cells[j], value.text, align=right if column.kind in ("p", "stat") else center)
    _three_rules(word)
    _keep_together(word)
    for k, note in enumerate(table.footnotes, 1):
        _note(doc, note, keep=k < len(table.footnotes))
    doc.add_paragraph()


def _checks(doc, document: Document, text_width: float) -> None:
    lang = document.lang
    doc.add_heading(tr("Published vs reproduced", lang), level=1)
    doc.add_paragraph(document.check_summary).runs[0].bold = True
    _note(doc, tr(CHECKS_NOTE, lang), 9)
    columns = ("Table", "Variable", "Cohort", "Statistic", "Published", "Reproduced", "Agrees")
    word = doc.add_table(rows=1 + len(document.checks), cols=len(columns))
    rows = word.rows
    for name, cell in zip(columns, rows[0].cells, strict=True):
        _write(cell, tr(name, lang), bold=True, size=8)
    for c, row in zip(document.checks, rows[1:], strict=True):
        values = (c.table, c.variable, c.group, c.statistic, c.published, c.reproduced_text, c.verdict(lang))
        for j, (value, cell) in enumerate(zip(values, row.cells, strict=True)):
            _write(cell, value, size=8, bold=j == 6 and c.agrees is False)
    shares = (0.2, 0.22, 0.15, 0.17, 0.08, 0.11, 0.07)
    _widths(word, [share * text_width for share in shares])
    _three_rules(word)


def _page(doc, landscape: bool) -> float:
    """Set A4 pages (landscape when asked); returns the text width in cm."""
    section = doc.sections[0]
    width, height = Cm(21.0), Cm(29.7)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        width, height = height, width
    section.page_width, section.page_height = width, height
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    return width.cm - 4


def _styles(doc) -> None:
    """Black headings and captions in one sans-serif face: the template's blue is not a journal's."""
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(10)
    for name in ("Title", "Heading 1", "Caption"):
        style = doc.styles[name]
        style.font.color.rgb = INK
        style.font.name = "Calibri"
    doc.styles["Caption"].font.size = Pt(10)
    doc.styles["Caption"].font.italic = False


def blank(tables: tuple[Table, ...]) -> tuple[object, float]:
    """An empty document in the report's styles, landscape if a table is wide; and its text width in cm."""
    doc = new_document()
    _styles(doc)
    return doc, _page(doc, any(len(t.columns) > WIDE for t in tables))


def _figures(
    doc, figures: list[tuple[str, Path]], text_width: float, lang: str, first: int = 1
) -> list[tuple[object, Path, object]]:
    """Each figure's centred paragraph and caption; the pictures themselves are added by `_pictures`, once the
    PNG files are written. Returns (run to hold the picture, PNG, its width) for each."""
    holders = []
    for i, (caption, png) in enumerate(figures, first):
        paragraph = doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        holders.append((paragraph.add_run(), png, Cm(min(text_width, 17))))
        doc.add_paragraph(f"{tr('Figure', lang)} {i}. {caption}", style="Caption")
    return holders


def _pictures(holders: list[tuple[object, Path, object]]) -> None:
    """The pictures into their paragraphs, in the document's order: the XML is the one `add_picture` makes
    in place (same image parts, relationship and drawing ids), as no other part of the document has any."""
    for run, png, width in holders:
        run.add_picture(str(png), width=width)  # type: ignore[attr-defined]


def build(
    document: Document,
    figures: list[tuple[str, Path]],
    management_figures: list[tuple[str, Path]] | None = None,
    figures_saved: Callable[[], object] = lambda: None,
) -> object:
    """The Word document; `figures` and `management_figures` (shown in the management section) are
    (caption, PNG path). `figures_saved()` returns once the PNG files are written: it is called after the
    rest of the document is built (drawn by a worker process meanwhile: `iectox.render.drawing`)."""
    lang = document.lang
    doc, text_width = blank(document.tables)
    doc.add_heading(document.title, level=0)
    if document.period:
        doc.add_paragraph(tr("Period: {period}", lang).format(period=document.period))
    doc.add_paragraph("; ".join(f"{c.label} (N = {c.n})" for c in document.cohorts))
    doc.add_heading(tr("Tables", lang), level=1)
    for table in document.tables:
        add_table(doc, table, text_width)
    doc.add_heading(tr("Figures", lang), level=1)
    holders = _figures(doc, figures, text_width, lang)
    if document.management is not None:
        management = document.management
        doc.add_heading(management.title, level=1)
        doc.add_paragraph(management.headline).runs[0].bold = True
        _note(doc, management.pathway, 9)
        doc.add_paragraph()
        add_table(doc, management.table, text_width)
        holders += _figures(doc, management_figures or [], text_width, lang, len(figures) + 1)
    doc.add_heading(tr("Methods", lang), level=1)
    for paragraph in document.methods.paragraphs:
        doc.add_paragraph(paragraph).alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if document.checks:
        _checks(doc, document, text_width)
    doc.add_heading(tr("How to trace a number", lang), level=1)
    doc.add_paragraph(
        tr(TRACE_NOTE, lang).format(csv="analysis_table.csv", by=document.by, xlsx="report.xlsx")
    )
    figures_saved()
    _pictures(holders)
    return doc


def write_report_docx(
    document: Document,
    figures: list[tuple[str, Path]],
    path: Path,
    management_figures: list[tuple[str, Path]] | None = None,
    figures_saved: Callable[[], object] = lambda: None,
) -> Path:
    with atomic_file(path) as tmp:
        build(document, figures, management_figures, figures_saved).save(str(tmp))
    return path
