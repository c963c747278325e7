"""audit.xlsx: the findings, the KPIs by cohort and by quarter, and the rows they come from, one sheet each.

Every sheet is a filterable table of raw values, laid out like the study report's `analysis` sheet, so that
a pharmacist can recount any KPI by filtering the `adherence` sheet: counts, shares and delays are numeric
cells with a number format (a share is a fraction shown as a percentage), times are times. KPI labels and
their order come from the audit's rules.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from iectox.i18n import tr
from iectox.io.sheets import save_workbook
from iectox.management.audit import Audit
from iectox.message import Message
from iectox.render.xlsx import frame_sheet, header_word

SEVERITY_FILLS = {"deviation": "FDF1EA", "warning": "FDF6E3", "info": "F5F7F9"}
SEVERITY_FONTS = {"deviation": "D55E00", "warning": "B07800", "info": "5B6670"}


COUNT_FORMAT, SHARE_FORMAT, DECIMAL_FORMAT = "0", "0.0%", "0.0"


def number_format(column: str, values: pd.Series) -> str | None:
    """The cell format of a column: date-times with their hour, counts and days whole, shares as %, hours to 0.1."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return None if column == "infusion_date" else "yyyy-mm-dd hh:mm"
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        return None
    if column.startswith("share"):
        return SHARE_FORMAT
    if pd.api.types.is_integer_dtype(values) or column.startswith("calendar_days"):
        return COUNT_FORMAT
    return DECIMAL_FORMAT


def _formats(sheet: Worksheet, frame: pd.DataFrame) -> None:
    for j, column in enumerate(frame.columns, 1):
        fmt = number_format(str(column), frame[column])
        if fmt is not None:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=j, max_col=j):
                cell.number_format = fmt


def _sheet(book: Workbook, name: str, frame: pd.DataFrame, lang: str | None = None) -> Worksheet:
    """A filterable sheet of `frame`; with `lang`, its headers in that language (`header_word`)."""
    sheet = book.create_sheet(name)
    frame_sheet(sheet, frame.reset_index(drop=True))
    _formats(sheet, frame)
    if lang is not None:
        for cell, column in zip(sheet[1], frame.columns, strict=True):
            cell.value = header_word(str(column), lang)
    return sheet


def _in_language(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The frame with every `Message` cell (a regimen's name) in `lang`; other cells as they are."""
    return frame.map(lambda value: value.text(lang) if isinstance(value, Message) else value)


def _labelled(table: pd.DataFrame, result: Audit, lang: str) -> pd.DataFrame:
    """The KPIs with each rule's label beside its id, and a single target as a number of hours."""
    labels = table["rule"].map(lambda r: result.label(r, lang))
    single = pd.to_numeric(table["target_h"], errors="coerce")
    target = single.astype(object).where(
        single.notna(), table["target_h"].where(table["target_h"] != "", None)
    )
    table = table.assign(rule_label=labels, target_h=target)
    return table[["rule", "rule_label", *[c for c in table.columns if c not in ("rule", "rule_label")]]]


def _pathway(result: Audit, lang: str) -> pd.DataFrame:
    """Every setting with its value (numbers as numbers, lists as text), unit, source (both in `lang`) and
    origin."""
    rows = [
        {
            **s.as_dict(),
            "value": s.shown() if isinstance(s.value, tuple) else s.value,
            "unit": tr(s.unit, lang) if s.unit else s.unit,
            "source": tr(s.source, lang),
            "origin": tr(s.origin, lang),
        }
        for s in result.pathway
    ]
    return pd.DataFrame(rows, columns=["key", "value", "unit", "source", "origin"])


def workbook(result: Audit, lang: str = "en") -> Workbook:
    """Findings first (what needs acting on), then KPIs, then the rows they were computed from."""
    book = Workbook()
    book.remove(book.active)
    findings = result.findings_table(lang)
    shown = findings.assign(severity=findings["severity"].map(lambda s: tr(s, lang)))
    sheet = _sheet(book, "findings", shown, lang)
    for i, severity in enumerate(findings["severity"], 2):
        sheet.cell(i, 1).fill = PatternFill("solid", fgColor=SEVERITY_FILLS[severity])
        sheet.cell(i, 1).font = Font(bold=True, color=SEVERITY_FONTS[severity])
    sheet.column_dimensions["G"].width = 90
    _sheet(book, "kpis_by_cohort", _labelled(result.kpis_by_cohort, result, lang), lang)
    _sheet(book, "kpis_by_quarter", _labelled(result.kpis_by_quarter, result, lang), lang)
    _sheet(book, "timings", result.timings)
    _sheet(book, "adherence", result.adherence)
    _sheet(book, "tocilizumab_doses", result.tocilizumab)
    _sheet(book, "corticosteroid_courses", _in_language(result.corticosteroid_courses, lang))
    _sheet(book, "corticosteroid_exposure", result.corticosteroid_exposure)
    _sheet(book, "episodes", result.episodes)
    if len(result.bsab_doses):  # a registry with bispecific courses: each dose with its schedule's checks
        _sheet(book, "bsab_doses", result.bsab_doses)
    _sheet(book, "pathway", _pathway(result, lang), lang)
    return book


def write_xlsx(result: Audit, path: Path, lang: str = "en") -> Path:
    """Write audit.xlsx at `path`, whole or not at all."""
    return save_workbook(workbook(result, lang), path)


__all__ = ["workbook", "write_xlsx"]
