"""report.xlsx: one sheet per table (its statistics as numbers with number formats), the analysis rows every
number comes from, the checks, and the management KPIs when the study ran the management audit.

The table sheets are for reading and pasting; the `analysis` sheet is for tracing: filter it on a cohort
and any count or mean of the tables can be recomputed by hand.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from iectox.i18n import N_, tr
from iectox.io.sheets import save_workbook
from iectox.io.xlsx_rows import DATE_FORMAT, Rows
from iectox.io.xlsx_write import MAX_ROWS
from iectox.render.document import Document
from iectox.render.layout import Table, Value
from iectox.render.report import ANALYSIS_TABLE

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
NOTE = Font(italic=True, size=9, color="555555")
HEAD_FILL = PatternFill("solid", fgColor="F2F4F6")
RULE = Side(style="medium", color="1D232A")
THIN = Side(style="thin", color="1D232A")
HAIR = Side(style="hair", color="BFC5CA")
GREEN, RED, GREY = "009E73", "D55E00", "5B6670"
SHEET_ROWS = MAX_ROWS - 1  # the rows an Excel sheet holds below its header: 1,048,575
TOO_MANY_ROWS = N_(
    "The analysis table has {n} rows, more than a sheet holds ({limit}): every row is in {file}, beside this "
    "workbook."
)


# The headers of summary sheets (the audit's findings, KPIs and pathway; the report's management KPIs) in a
# language other than English, where a column code is not a word of the reader's. English keeps the codes,
# and so do the sheets of rows in every language: the names a pharmacist filters on and the docs give.
HEADERS = {
    "severity": N_("Severity"),
    "rule": N_("Rule"),
    "rule_label": N_("KPI"),
    "kpi": N_("KPI"),
    "cohort_label": N_("Cohort name"),
    "infusion_id": N_("Infusion"),
    "cohort": N_("Cohort"),
    "quarter": N_("Quarter"),
    "episode_id": N_("Episode"),
    "administration_id": N_("Dose"),
    "finding": N_("Finding"),
    "source": N_("Source"),
    "n": N_("n"),
    "met": N_("Met"),
    "late": N_("Late"),
    "untreated": N_("Untreated"),
    "not_followed": N_("Other treatment"),
    "undetermined": N_("Undetermined"),
    "share_met": N_("Within target (%)"),
    "n_delay": N_("Delays known (n)"),
    "median_delay_h": N_("Median delay (h)"),
    "q1_delay_h": N_("First quartile of the delay (h)"),
    "q3_delay_h": N_("Third quartile of the delay (h)"),
    "target_h": N_("Target (h)"),
    "key": N_("Setting"),
    "value": N_("Value"),
    "unit": N_("Unit"),
    "origin": N_("From"),
}


def header_word(column: str, lang: str) -> str:
    """A summary sheet's header: the column code in English, its word (`HEADERS`) in another language."""
    return column if lang == "en" else tr(HEADERS.get(column, column), lang)


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


def _decimals(digits: int) -> str:
    return "0." + "0" * digits if digits > 0 else "0"


def _spans(table: Table) -> list[int]:
    """How many cells each column takes: one per number it holds (n and %, mean and SD, median and
    quartiles...), and a narrow one for the footnote mark beside p-values."""
    spans = []
    for j in range(len(table.columns)):
        values = [line.cells[j] for line in table.lines if j < len(line.cells)]
        width = max([len(v.numbers) for v in values] + [1])
        spans.append(width + any(v.mark for v in values))
    return spans


def _below_precision(value: Value) -> bool:
    """A p-value printed as a bound ("<0.001"): below the smallest value its decimals can show."""
    p = value.numbers[0] if value.numbers else None
    return p is not None and p == p and p < 10.0**-value.digits


def _numbers(value: Value) -> list[tuple[object, str | None]]:
    """The cells a value is written to, as (number, number format): numbers, never their text."""
    if not value.numbers:
        return [(value.text or None, None)]
    plain = _decimals(value.digits)
    numbers = [None if v is None or v != v else float(v) for v in value.numbers]
    if value.kind == "n_pct":
        n, pct = numbers
        return [(None if n is None else int(n), "0"), (None if pct is None else pct / 100, plain + "%")]
    if value.kind == "percent_interval":  # shares in percent, written as fractions shown with %
        return [(None if v is None else v / 100, plain + "%") for v in numbers]
    if value.kind == "p":
        floor = f"{10.0**-value.digits:.{value.digits}f}"
        shown = f'[<{floor}]"{value.parts[0]}";{plain}' if _below_precision(value) else plain
        return [(numbers[0], shown), *([(value.mark, None)] if value.mark else [])]
    return [(v, plain) for v in numbers]


def _header(sheet: Worksheet, table: Table, spans: list[int], header: int) -> None:
    col = 1
    for column, span in zip(table.columns, spans, strict=True):
        cell = sheet.cell(
            header, col, column.label if column.n is None else f"{column.label}\nN = {column.n}"
        )
        cell.font = BOLD
        cell.alignment = Alignment(
            horizontal="left" if col == 1 else "center", vertical="bottom", wrap_text=True
        )
        top = Side(style="thick", color=column.colour.lstrip("#")) if column.colour else RULE
        for k in range(col, col + span):
            sheet.cell(header, k).fill = HEAD_FILL
            sheet.cell(header, k).border = Border(top=top, bottom=THIN)
        if span > 1:
            sheet.merge_cells(start_row=header, start_column=col, end_row=header, end_column=col + span - 1)
        col += span


def table_sheet(sheet: Worksheet, table: Table) -> None:
    """The table as the publication lays it out, its statistics as numbers with number formats: a count and
    its share in two adjacent cells (230 | 63.7%), a mean and its SD, a p-value (0.000; a value below the
    printed precision shows its bound, "<0.001", and says so in a note on the cell)."""
    sheet["A1"] = table.caption or None
    sheet["A1"].font = TITLE
    header = 3
    spans = _spans(table)
    _header(sheet, table, spans, header)
    for i, line in enumerate(table.lines, header + 1):
        label = sheet.cell(i, 1, line.cells[0].text or None)
        label.alignment = Alignment(indent=2 if line.level else 0)
        label.font = Font(bold=not line.level)
        col = 2
        for column, value, span in zip(table.columns[1:], line.cells[1:], spans[1:], strict=False):
            for k, (number, shown) in enumerate(_numbers(value)):
                cell = sheet.cell(i, col + k, number)
                if shown is not None:
                    cell.number_format = shown
                right = column.kind in ("p", "stat") or (span > 1 and k == 0)
                cell.alignment = Alignment(horizontal="right" if right else "left")
                if value.kind == "p" and k == 0 and _below_precision(value):
                    cell.comment = Comment(f"p {value.parts[0]}", "iectox")
            col += span
        if not line.level and i > header + 1:
            for k in range(1, sum(spans) + 1):
                sheet.cell(i, k).border = Border(top=HAIR)
    last = header + len(table.lines)
    for k in range(1, sum(spans) + 1):
        cell = sheet.cell(last, k)
        cell.border = Border(top=cell.border.top, bottom=RULE)
    for k, note in enumerate(table.footnotes, last + 2):
        sheet.cell(k, 1, note).font = NOTE
    sheet.row_dimensions[header].height = 32
    first = max([len(line.cells[0].text) + (4 if line.level else 0) for line in table.lines] + [16])
    widths = [min(first + 2, 60)]
    for column, span in zip(table.columns[1:], spans[1:], strict=True):
        share = 22 / span if column.n is not None else 11
        widths += [max(share, 8)] * span if not (column.kind == "p" and span > 1) else [11, 3]
    _widths(sheet, widths)
    sheet.freeze_panes = sheet.cell(header + 1, 2)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def header_row(sheet: Worksheet, columns: list[str], rows: int) -> None:
    """A sheet of rows' header, in bold on a grey fill, frozen with the first column, and its filter over
    the `rows` rows below it."""
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = BOLD
        cell.fill = HEAD_FILL
    _widths(sheet, [max(len(str(c)) + 2, 10) for c in columns])
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(max(len(columns), 1))}{rows + 1}"


def frame_sheet(sheet: Worksheet, frame: pd.DataFrame) -> None:
    """A short table of rows, cell by cell (numbers as numbers): for sheets styled row by row."""
    header_row(sheet, [str(c) for c in frame.columns], len(frame))
    values = frame.astype(object).where(frame.notna(), None)
    for row in values.itertuples(index=False):
        sheet.append([v.to_pydatetime() if isinstance(v, pd.Timestamp) else v for v in row])
    for j, column in enumerate(frame.columns, 1):
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            for cell in sheet.iter_rows(min_row=2, min_col=j, max_col=j):
                cell[0].number_format = DATE_FORMAT


def analysis_sheet(sheet: Worksheet, frame: pd.DataFrame, lang: str = "en") -> Rows | None:
    """The one-row-per-infusion table, raw values (numbers as numbers, dates as dates), filterable: its header
    here, its rows given back for `save_workbook` to write (10 million cells at 300,000 infusions). A table
    longer than a sheet holds is in analysis_table.csv alone, and the sheet says so."""
    if len(frame) > SHEET_ROWS:
        sheet["A1"] = tr(TOO_MANY_ROWS, lang).format(n=len(frame), limit=SHEET_ROWS, file=ANALYSIS_TABLE)
        sheet["A1"].font = BOLD
        return None
    header_row(sheet, [str(c) for c in frame.columns], len(frame))
    return Rows(frame)


def checks_sheet(sheet: Worksheet, document: Document) -> None:
    lang = document.lang
    sheet["A1"] = tr("Published vs reproduced", lang)
    sheet["A1"].font = TITLE
    sheet["A2"] = document.check_summary
    columns = ("Table", "Variable", "Cohort", "Statistic", "Published", "Reproduced", "Agrees")
    for j, name in enumerate(columns, 1):
        cell = sheet.cell(4, j, tr(name, lang))
        cell.font, cell.fill, cell.border = BOLD, HEAD_FILL, Border(top=RULE, bottom=THIN)
    for i, c in enumerate(document.checks, 5):
        row = (c.table, c.variable, c.group, c.statistic, c.published, c.reproduced_text, c.verdict(lang))
        for j, value in enumerate(row, 1):
            sheet.cell(i, j, value)
        colour = {True: GREEN, False: RED, None: GREY}[c.agrees]
        sheet.cell(i, 7).font = Font(bold=True, color=colour)
        sheet.cell(i, 7).alignment = Alignment(horizontal="center")
        for j in (5, 6):
            sheet.cell(i, j).alignment = Alignment(horizontal="right")
    _widths(sheet, [34, 40, 28, 24, 12, 22, 14])
    sheet.freeze_panes = "A5"


def _frame_block(sheet: Worksheet, top: int, title: str, frame: pd.DataFrame, lang: str) -> int:
    """`frame` under a bold title from row `top`, numbers as numbers; returns the next free row."""
    sheet.cell(top, 1, title).font = BOLD
    for j, name in enumerate(frame.columns, 1):
        cell = sheet.cell(top + 1, j, header_word(str(name), lang))
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
    row = _frame_block(sheet, row, tr("KPIs by cohort", lang), management.by_cohort, lang)
    _frame_block(sheet, row, tr("KPIs by cohort and quarter of infusion", lang), management.by_quarter, lang)
    widths = {"rule": 30, "kpi": 48, "cohort": 18, "cohort_label": 28, "quarter": 10}
    _widths(sheet, [widths.get(str(c), 12) for c in management.by_quarter.columns])


def table_workbook(table: Table, name: str) -> Workbook:
    """A workbook of one sheet, `name`, holding `table` as the report's table sheets lay it out."""
    book = Workbook()
    book.active.title = _sheet_name(name, set())
    table_sheet(book.active, table)
    return book


def workbook(document: Document, frame: pd.DataFrame) -> tuple[Workbook, dict[str, Rows]]:
    """The report's workbook, and the rows of its analysis sheet (written by `save_workbook`)."""
    book = Workbook()
    taken = {"analysis", "published_vs_reproduced", "management"}
    first = True
    for table in document.numbered_tables:
        sheet = book.active if first else book.create_sheet()
        sheet.title = _sheet_name(table.id, taken)
        table_sheet(sheet, table)
        first = False
    analysis = book.active if first else book.create_sheet()
    analysis.title = "analysis"
    rows = analysis_sheet(analysis, frame, document.lang)
    if document.checks:  # only a study that names published values has them
        checks_sheet(book.create_sheet("published_vs_reproduced"), document)
    if document.management is not None:
        management_sheet(book.create_sheet("management"), document)
    return book, ({"analysis": rows} if rows is not None else {})


def write_report_xlsx(document: Document, frame: pd.DataFrame, path: Path) -> Path:
    book, rows = workbook(document, frame)
    return save_workbook(book, path, rows)
