"""report.xlsx: one formatted sheet per table, the analysis rows every number comes from, the checks, and the
management KPIs when the study ran the management audit.

The table sheets are for reading and pasting; the `analysis` sheet is for tracing: filter it on a cohort
and any count or mean of the tables can be recomputed by hand.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from iectox.i18n import tr
from iectox.io.atomic import atomic_file
from iectox.render.document import Document, Table

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
NOTE = Font(italic=True, size=9, color="555555")
HEAD_FILL = PatternFill("solid", fgColor="F2F4F6")
RULE = Side(style="medium", color="1D232A")
THIN = Side(style="thin", color="1D232A")
HAIR = Side(style="hair", color="BFC5CA")
GREEN, RED, GREY = "009E73", "D55E00", "5B6670"


def _sheet_name(name: str, taken: set[str]) -> str:
    """A name Excel accepts (31 characters, none of []:*?/\\) and not yet used."""
    base = re.sub(r"[\[\]:*?/\\]", "_", name)[:31] or "table"
    candidate, i = base, 2
    while candidate.lower() in taken:
        candidate = f"{base[: 31 - len(str(i)) - 1]}_{i}"
        i += 1
    taken.add(candidate.lower())
    return candidate


def _widths(sheet: Worksheet, widths: list[float]) -> None:
    for i, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(i)].width = width


def table_sheet(sheet: Worksheet, table: Table) -> None:
    sheet["A1"] = table.caption or None
    sheet["A1"].font = TITLE
    header = 3
    for j, column in enumerate(table.columns, 1):
        cell = sheet.cell(header, j, column.label if column.n is None else f"{column.label}\nN = {column.n}")
        cell.font = BOLD
        cell.fill = HEAD_FILL
        cell.alignment = Alignment(
            horizontal="left" if j == 1 else "center", vertical="bottom", wrap_text=True
        )
        top = Side(style="thick", color=column.colour.lstrip("#")) if column.colour else RULE
        cell.border = Border(top=top, bottom=THIN)
    for i, line in enumerate(table.lines, header + 1):
        for j, (column, text) in enumerate(zip(table.columns, line.cells, strict=False), 1):
            cell = sheet.cell(i, j, text or None)
            if j == 1:
                cell.alignment = Alignment(indent=2 if line.level else 0)
                cell.font = Font(bold=not line.level)
            else:
                cell.alignment = Alignment(horizontal="right" if column.kind in ("p", "stat") else "center")
            if not line.level and i > header + 1:
                cell.border = Border(top=HAIR)
    last = header + len(table.lines)
    for j in range(1, len(table.columns) + 1):
        cell = sheet.cell(last, j)
        cell.border = Border(top=cell.border.top, bottom=RULE)
    for k, note in enumerate(table.footnotes, last + 2):
        sheet.cell(k, 1, note).font = NOTE
    sheet.row_dimensions[header].height = 32
    first = max([len(line.cells[0]) + (4 if line.level else 0) for line in table.lines] + [16])
    needed = [max(13, *(len(line.cells[j]) + 3 for line in table.lines)) for j in range(len(table.columns))]
    group = (
        max(n for n, c in zip(needed, table.columns, strict=True) if c.n is not None) if table.lines else 16
    )
    group = max(group, 18)  # the cohort names wrap over two lines in the header; every cohort gets one width
    rest = [group if c.n is not None else needed[j] for j, c in enumerate(table.columns) if j]
    _widths(sheet, [min(first + 2, 60), *rest])
    sheet.freeze_panes = sheet.cell(header + 1, 2)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def analysis_sheet(sheet: Worksheet, frame: pd.DataFrame) -> None:
    """The one-row-per-infusion table, raw values (numbers as numbers), filterable."""
    sheet.append(list(frame.columns))
    values = frame.astype(object).where(frame.notna(), None)
    for row in values.itertuples(index=False):
        sheet.append([v.to_pydatetime() if isinstance(v, pd.Timestamp) else v for v in row])
    for cell in sheet[1]:
        cell.font = BOLD
        cell.fill = HEAD_FILL
    _widths(sheet, [max(len(str(c)) + 2, 10) for c in frame.columns])
    for j, column in enumerate(frame.columns, 1):
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            for cell in sheet.iter_rows(min_row=2, min_col=j, max_col=j):
                cell[0].number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = sheet.dimensions


def checks_sheet(sheet: Worksheet, document: Document) -> None:
    lang = document.lang
    sheet["A1"] = tr("Published vs reproduced", lang)
    sheet["A1"].font = TITLE
    sheet["A2"] = document.check_summary or tr("The study names no published values.", lang)
    columns = ("Table", "Variable", "Cohort", "Statistic", "Published", "Reproduced", "Agrees")
    for j, name in enumerate(columns, 1):
        cell = sheet.cell(4, j, tr(name, lang))
        cell.font, cell.fill, cell.border = BOLD, HEAD_FILL, Border(top=RULE, bottom=THIN)
    for i, c in enumerate(document.checks, 5):
        row = (c.table, c.variable, c.group, c.statistic, c.published, c.reproduced, c.verdict(lang))
        for j, value in enumerate(row, 1):
            sheet.cell(i, j, value)
        colour = {True: GREEN, False: RED, None: GREY}[c.agrees]
        sheet.cell(i, 7).font = Font(bold=True, color=colour)
        sheet.cell(i, 7).alignment = Alignment(horizontal="center")
        for j in (5, 6):
            sheet.cell(i, j).alignment = Alignment(horizontal="right")
    _widths(sheet, [34, 40, 28, 24, 12, 22, 14])
    sheet.freeze_panes = "A5"


def _frame_block(sheet: Worksheet, top: int, title: str, frame: pd.DataFrame) -> int:
    """`frame` under a bold title from row `top`, numbers as numbers; returns the next free row."""
    sheet.cell(top, 1, title).font = BOLD
    for j, name in enumerate(frame.columns, 1):
        cell = sheet.cell(top + 1, j, str(name))
        cell.font, cell.fill, cell.border = BOLD, HEAD_FILL, Border(top=RULE, bottom=THIN)
    values = frame.astype(object).where(frame.notna(), None)
    for i, row in enumerate(values.itertuples(index=False), top + 2):
        for j, value in enumerate(row, 1):
            cell = sheet.cell(i, j, value)
            if isinstance(value, float):
                cell.number_format = "0.0%" if frame.columns[j - 1] == "share_met" else "0.0"
    return top + 2 + len(frame) + 1


def management_sheet(sheet: Worksheet, document: Document) -> None:
    """The management KPIs by cohort, then by cohort and quarter of infusion: every number of the section."""
    management, lang = document.management, document.lang
    assert management is not None
    sheet["A1"] = management.title
    sheet["A1"].font = TITLE
    sheet["A2"] = management.headline
    sheet["A3"] = management.pathway
    sheet["A3"].font = NOTE
    for k, note in enumerate(management.table.footnotes, 4):
        sheet.cell(k, 1, note).font = NOTE
    row = 5 + len(management.table.footnotes)
    row = _frame_block(sheet, row, tr("KPIs by cohort", lang), management.by_cohort)
    _frame_block(sheet, row, tr("KPIs by cohort and quarter of infusion", lang), management.by_quarter)
    widths = {"rule": 30, "kpi": 48, "cohort": 18, "cohort_label": 28, "quarter": 10}
    _widths(sheet, [widths.get(str(c), 12) for c in management.by_quarter.columns])


def workbook(document: Document, frame: pd.DataFrame) -> Workbook:
    book = Workbook()
    taken = {"analysis", "published_vs_reproduced", "management"}
    first = True
    for table in document.tables:
        sheet = book.active if first else book.create_sheet()
        sheet.title = _sheet_name(table.id, taken)
        table_sheet(sheet, table)
        first = False
    analysis_sheet(book.active if first else book.create_sheet(), frame)
    book.worksheets[-1].title = "analysis"
    checks_sheet(book.create_sheet("published_vs_reproduced"), document)
    if document.management is not None:
        management_sheet(book.create_sheet("management"), document)
    return book


def write_xlsx(document: Document, frame: pd.DataFrame, path: Path) -> Path:
    with atomic_file(path) as tmp:
        workbook(document, frame).save(tmp)
    return path
