"""report.docx: the tables as a journal prints them (captions, three rules, footnotes), figures, methods.

Tables with more than five columns put the page in landscape: a comparison table must never wrap its numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document as new_document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Cm, Pt, RGBColor

from iectox.i18n import tr
from iectox.io.atomic import atomic_file
from iectox.render.document import Document
from iectox.render.html import CHECKS_NOTE, TRACE_NOTE
from iectox.render.layout import Table, figure_caption

MUTED = RGBColor(0x5B, 0x66, 0x70)
INK = RGBColor(0x1D, 0x23, 0x2A)
WIDE = 5  # columns above which a table needs a landscape page


# A table's XML is written at once and parsed (about a tenth of the time python-docx takes to build it cell by
# cell through its element API: 0.2 s for the seed report's tables), as python-docx would make it: the same
# elements, attributes and order, so that the document is the same, byte for byte (tests/test_docx_tables.py
# compares both on every table of the reports).
RULE_BELOW_HEADER = '<w:tcBorders><w:bottom w:val="single" w:sz="6" w:color="1D232A"/></w:tcBorders>'
THREE_RULES = (  # booktabs: a rule above and below the table, a thin one under the header, nothing else
    '<w:tblBorders><w:top w:val="single" w:sz="12" w:color="1D232A"/><w:left w:val="nil" w:sz="0" w:color="auto"/>'
    '<w:bottom w:val="single" w:sz="12" w:color="1D232A"/><w:right w:val="nil" w:sz="0" w:color="auto"/>'
    '<w:insideH w:val="nil" w:sz="0" w:color="auto"/><w:insideV w:val="nil" w:sz="0" w:color="auto"/>'
    "</w:tblBorders>"
)
TABLE_LOOK = (
    '<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" w:noHBand="0" w:noVBand="1"'
    ' w:val="04A0"/>'
)
SPECIAL = {"\t": "<w:tab/>", "\n": "<w:br/>", "\r": "<w:br/>"}  # what python-docx makes of these in a run
CENTER, RIGHT = "center", "right"


def _text(text: str) -> str:
    """A run's content as python-docx writes it: a tab or a line break as its element, the rest in `w:t`
    (its spaces kept when it starts or ends with one)."""
    content, pending = [], []
    for char in [*text, None]:
        if char is not None and char not in SPECIAL:
            pending.append(char)
            continue
        if pending:
            chunk = "".join(pending)
            space = ' xml:space="preserve"' if len(chunk.strip()) < len(chunk) else ""
            content.append(f"<w:t{space}>{escape(chunk)}</w:t>")
            pending = []
        if char is not None:
            content.append(SPECIAL[char])
    return "".join(content)


def _paragraph(
    text: str | None, bold: bool, size: float, align: str | None, indent: float, keep: bool
) -> str:
    """A cell's paragraph: one run per line of `text` (the lines after the first muted, not bold); None for
    a cell left blank (its empty paragraph kept with the next row only)."""
    keep_next = "<w:keepNext/>" if keep else ""
    if text is None:
        return f"<w:p><w:pPr>{keep_next}</w:pPr></w:p>" if keep else "<w:p/>"
    half_points = int(Pt(size).pt * 2)
    runs = []
    for k, part in enumerate(text.split("\n")):
        if k == 0:
            props = ("<w:b/>" if bold else '<w:b w:val="0"/>') + f'<w:sz w:val="{half_points}"/>'
            runs.append(f"<w:r><w:rPr>{props}</w:rPr>{_text(part)}</w:r>")
        else:
            props = f'<w:b w:val="0"/><w:color w:val="{MUTED}"/><w:sz w:val="{half_points}"/>'
            runs.append(f"<w:r><w:rPr>{props}</w:rPr>{_text(chr(10) + part)}</w:r>")
    left = f'<w:ind w:left="{Cm(indent).twips}"/>' if indent else ""
    jc = f'<w:jc w:val="{align}"/>' if align else ""
    return f'<w:p><w:pPr>{keep_next}<w:spacing w:after="0"/>{left}{jc}</w:pPr>{"".join(runs)}</w:p>'


def _add_table(doc, widths: list[float], rows: list[list[str]], centred: bool) -> None:
    """Append a table of fixed column `widths` (cm) whose rows are lists of cell paragraphs (`_paragraph`),
    the first row the header, with the three rules. The widths are on the grid (LibreOffice reads it) and on
    every cell (Word reads those); a report's tables keep each row with the next (`keep` of their paragraphs),
    so that a table moves pages in one piece."""
    twips = [Cm(width).twips for width in widths]
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in twips)
    lines = []
    for i, cells in enumerate(rows):
        rule = RULE_BELOW_HEADER if i == 0 else ""
        tcs = (
            f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{w}"/>{rule}</w:tcPr>{p}</w:tc>'
            for w, p in zip(twips, cells, strict=True)
        )
        lines.append(f"<w:tr>{''.join(tcs)}</w:tr>")
    jc = '<w:jc w:val="center"/>' if centred else ""
    properties = (
        f'<w:tblPr><w:tblW w:type="auto" w:w="0"/>{jc}<w:tblLayout w:type="fixed"/>{TABLE_LOOK}{THREE_RULES}'
    )
    xml = f"<w:tbl {nsdecls('w')}>{properties}</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{''.join(lines)}</w:tbl>"
    doc.element.body.insert_element_before(parse_xml(xml), "w:sectPr")


def _note(doc, text: str, size: float = 8.0, keep: bool = False) -> None:
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.keep_with_next = keep
    run = paragraph.add_run(text)
    run.font.size, run.font.color.rgb = Pt(size), MUTED


def add_table(doc, table: Table, text_width: float) -> None:
    if table.caption:
        caption = doc.add_paragraph(style="Caption")
        caption.add_run(table.caption).bold = True
        caption.paragraph_format.keep_with_next = True
    fixed = {"label": 0.34 * text_width, "p": 2.3, "stat": 1.8}
    groups = sum(c.kind in ("group", "overall") for c in table.columns)
    if not groups:  # a table of statistics only (the management KPIs): they share the rest of the width
        fixed.pop("stat")
        groups = sum(c.kind == "stat" for c in table.columns)
    rest = text_width - sum(fixed.get(c.kind, 0) for c in table.columns)
    widths = [fixed.get(c.kind, rest / max(groups, 1)) for c in table.columns]
    header = [
        _paragraph(
            column.label if column.n is None else f"{column.label}\nN = {column.n}",
            bold=True, size=9.5, align=None if j == 0 else CENTER, indent=0, keep=True,
        )
        for j, column in enumerate(table.columns)
    ]  # fmt: skip
    rows = [header]
    for line in table.lines:
        cells = []
        for j, column in enumerate(table.columns):
            text = line.cells[j].text if j < len(line.cells) else None
            if j == 0:
                cell = _paragraph(text, not line.level, 9.5, None, 0.4 if line.level else 0, keep=True)
            else:
                cell = _paragraph(
                    text, False, 9.5, RIGHT if column.kind in ("p", "stat") else CENTER, 0, True
                )
            cells.append(cell)
        rows.append(cells)
    _add_table(doc, widths, rows, centred=True)
    for k, note in enumerate(table.footnotes, 1):
        _note(doc, note, keep=k < len(table.footnotes))
    doc.add_paragraph()


def _checks(doc, document: Document, text_width: float) -> None:
    lang = document.lang
    doc.add_heading(tr("Published vs reproduced", lang), level=1)
    doc.add_paragraph(document.check_summary).runs[0].bold = True
    _note(doc, tr(CHECKS_NOTE, lang), 9)
    columns = ("Table", "Variable", "Cohort", "Statistic", "Published", "Reproduced", "Agrees")
    rows = [[_paragraph(tr(name, lang), True, 8, None, 0, keep=False) for name in columns]]
    for c in document.checks:
        values = (c.table, c.variable, c.group, c.statistic, c.published, c.reproduced_text, c.verdict(lang))
        rows.append(
            [
                _paragraph(v, j == 6 and c.agrees is False, 8, None, 0, keep=False)
                for j, v in enumerate(values)
            ]
        )
    shares = (0.2, 0.22, 0.15, 0.17, 0.08, 0.11, 0.07)
    _add_table(doc, [share * text_width for share in shares], rows, centred=False)


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
        doc.add_paragraph(figure_caption(caption, i, lang), style="Caption")
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
    doc, text_width = blank(document.shown_tables)
    doc.add_heading(document.title, level=0)
    if document.period:
        doc.add_paragraph(tr("Period: {period}", lang).format(period=document.period))
    doc.add_paragraph("; ".join(f"{c.label} (N = {c.n})" for c in document.cohorts))
    doc.add_heading(tr("Tables", lang), level=1)
    for table in document.shown_tables:
        add_table(doc, table, text_width)
    if document.adjusted:
        doc.add_heading(tr("Adjusted comparisons", lang), level=1)
        for table in document.adjusted:
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
