"""The report's Word tables as python-docx builds them cell by cell: the writer's code before it wrote each
table's XML at once (`iectox.render.docx`), kept here as the reference its XML must equal, byte for byte."""

from __future__ import annotations

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table as WordTable
from docx.table import _Cell

from iectox.i18n import tr
from iectox.render.document import Document
from iectox.render.docx import MUTED, _note
from iectox.render.html import CHECKS_NOTE
from iectox.render.layout import Table


def _border(element, edges: dict[str, tuple[str, int, str]], tag: str) -> None:
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


def _widths(word: WordTable, widths: list[float]) -> None:
    word.autofit = False
    for column, width in zip(word.columns, widths, strict=True):
        column.width = Cm(width)
    for row in word.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)


def _keep_together(word: WordTable) -> None:
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
    if not groups:
        fixed.pop("stat")
        groups = sum(c.kind == "stat" for c in table.columns)
    rest = text_width - sum(fixed.get(c.kind, 0) for c in table.columns)
    _widths(word, [fixed.get(c.kind, rest / max(groups, 1)) for c in table.columns])
    center, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    rows = word.rows
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


def checks(doc, document: Document, text_width: float) -> None:
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
