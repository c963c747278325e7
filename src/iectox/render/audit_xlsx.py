"""audit.xlsx: the findings, the KPIs by cohort and by quarter, and the rows they come from, one sheet each.

Every sheet is a filterable table of raw values (numbers as numbers, times as times), laid out like the study
report's `analysis` sheet, so that a pharmacist can recount any KPI by filtering the `adherence` sheet.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from iectox.io.atomic import atomic_file
from iectox.management.audit import Audit
from iectox.render.xlsx import analysis_sheet

SEVERITY_FILLS = {"deviation": "FDF1EA", "warning": "FDF6E3", "info": "F5F7F9"}
SEVERITY_FONTS = {"deviation": "D55E00", "warning": "B07800", "info": "5B6670"}


def _times(sheet: Worksheet, frame: pd.DataFrame) -> None:
    """Date-times with their hour (the report's sheet shows days only)."""
    for j, column in enumerate(frame.columns, 1):
        if pd.api.types.is_datetime64_any_dtype(frame[column]) and column != "infusion_date":
            for (cell,) in sheet.iter_rows(min_row=2, min_col=j, max_col=j):
                cell.number_format = "yyyy-mm-dd hh:mm"


def _sheet(book: Workbook, name: str, frame: pd.DataFrame) -> Worksheet:
    sheet = book.create_sheet(name)
    analysis_sheet(sheet, frame.reset_index(drop=True))
    _times(sheet, frame)
    return sheet


def _labelled(table: pd.DataFrame, result: Audit, lang: str) -> pd.DataFrame:
    labels = table["rule"].map(lambda r: result.label(r, lang))
    return table.assign(rule_label=labels)[["rule", "rule_label", *table.columns[1:]]]


def workbook(result: Audit, lang: str = "en") -> Workbook:
    """Findings first (what needs acting on), then KPIs, then the rows they were computed from."""
    book = Workbook()
    book.remove(book.active)
    findings = result.findings_table(lang)
    sheet = _sheet(book, "findings", findings)
    for i, severity in enumerate(findings["severity"], 2):
        sheet.cell(i, 1).fill = PatternFill("solid", fgColor=SEVERITY_FILLS[severity])
        sheet.cell(i, 1).font = Font(bold=True, color=SEVERITY_FONTS[severity])
    sheet.column_dimensions["G"].width = 90
    _sheet(book, "kpis_by_cohort", _labelled(result.kpis_by_cohort, result, lang))
    _sheet(book, "kpis_by_quarter", _labelled(result.kpis_by_quarter, result, lang))
    _sheet(book, "timings", result.timings)
    _sheet(book, "adherence", result.adherence)
    _sheet(book, "tocilizumab_doses", result.tocilizumab)
    _sheet(book, "corticosteroid_courses", result.corticosteroid_courses)
    _sheet(book, "corticosteroid_exposure", result.corticosteroid_exposure)
    _sheet(book, "episodes", result.episodes)
    pathway = pd.DataFrame([s.as_dict() for s in result.pathway]).astype({"value": "string"})
    _sheet(book, "pathway", pathway)
    return book


def write_xlsx(result: Audit, path: Path, lang: str = "en") -> Path:
    """Write audit.xlsx at `path`, whole or not at all."""
    with atomic_file(path) as tmp:
        workbook(result, lang).save(tmp)
    return path


__all__ = ["workbook", "write_xlsx"]
