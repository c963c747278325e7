"""What a workbook's cells hide: values Excel shows but a reader could lose or misread in silence.

The XLSX reader (`iectox.io.xlsx`) finds these while it reads a sheet and reports them as the sheet's
`RawTable.issues`, located at the cell: an Excel error value (`#N/A`) is not text, a formula never calculated
has no value, merged cells leave all but their first cell blank, a second sheet for the same table would be
ignored, and a time hidden by a date-only format is not used. Each is a `Rule` of `READING`, listed in
docs/validation_rules.md. The cells an error of these leaves blank (`SheetFindings.unread`) are refused before
any validation rule runs: the finding is their one error.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from iectox.errors import Issue
from iectox.i18n import N_
from iectox.rules import Rule

WORKBOOK_SOURCE = "the workbook's own cells (ECMA-376 Office Open XML, as Excel writes it)"
CONTRACT_SOURCE = "dataset contract (docs/data_dictionary.md)"


@dataclass(frozen=True)
class CellFinding:
    """A cell (or a range of cells) of a sheet and what it holds, located as the user sees it."""

    row: int
    column: str  # the header above the cell, or its column letter when the column has no header
    cell: str  # "B4", or a range "A6:B6"
    value: str  # what the cell holds: "#N/A", "=DATE(2021,6,15)", "14:30"
    blanked: tuple[tuple[int, str], ...] = ()  # (row, column) of the cells read blank because of it


@dataclass(frozen=True)
class SheetFindings:
    """What the reader found in one table's sheet, besides its values."""

    file: str
    sheet: str
    table: str
    errors: tuple[CellFinding, ...] = ()
    uncalculated: tuple[CellFinding, ...] = ()
    merged: tuple[CellFinding, ...] = ()
    hidden_times: tuple[CellFinding, ...] = ()
    duplicates: tuple[str, ...] = ()  # other sheets named as the same table, not read

    def unread(self) -> tuple[tuple[int, str], ...]:
        """The cells read blank because of an error of the workbook rules (the error cell, the formula, all
        but the first cell of a merge), as (row, column): the reader's issue is their one error, so they are
        refused (`RawTable.unread`) before any rule could call them blank."""
        return tuple(
            cell for found in (*self.errors, *self.uncalculated, *self.merged) for cell in found.blanked
        )


def _issue(
    rule: Rule, findings: SheetFindings, found: CellFinding, template: str = "", **values: str
) -> Issue:
    text = template or rule.message
    values = {"cell": found.cell, **values}
    return Issue(
        findings.file,
        findings.sheet,
        found.row,
        found.column,
        found.value,
        rule.id,
        text.format(**values),
        rule.severity,
        text,
        values,
    )


def _errors(findings: SheetFindings) -> Iterator[Issue]:
    for found in findings.errors:
        yield _issue(EXCEL_ERROR, findings, found, error=found.value)


def _uncalculated(findings: SheetFindings) -> Iterator[Issue]:
    for found in findings.uncalculated:
        if found.value.strip("= "):
            yield _issue(UNCALCULATED_FORMULA, findings, found, UNCALCULATED_NAMED, formula=found.value)
        else:
            yield _issue(UNCALCULATED_FORMULA, findings, found)


def _merged(findings: SheetFindings) -> Iterator[Issue]:
    for found in findings.merged:
        yield _issue(MERGED_CELLS, findings, found, first=found.cell.split(":")[0])


def _hidden_times(findings: SheetFindings) -> Iterator[Issue]:
    for found in findings.hidden_times:
        yield _issue(TIME_NOT_SHOWN, findings, found, time=found.value)


def _duplicates(findings: SheetFindings) -> Iterator[Issue]:
    for sheet in findings.duplicates:
        values = {"sheet": sheet, "table": findings.table, "first": findings.sheet}
        text = DUPLICATE_TABLE.message
        yield Issue(
            findings.file,
            sheet,
            None,
            None,
            None,
            DUPLICATE_TABLE.id,
            text.format(**values),
            DUPLICATE_TABLE.severity,
            text,
            values,
        )


DUPLICATE_TABLE = Rule(
    id="duplicate_table",
    severity="error",
    source=CONTRACT_SOURCE,
    title="Two sheets name the same table (whatever their case or spaces): neither is ignored in silence.",
    message=N_(
        "sheet '{sheet}' is a second {table} table (beside sheet '{first}') and was not read; keep one"
    ),
    evaluate=_duplicates,
)
EXCEL_ERROR = Rule(
    id="excel_error",
    severity="error",
    source=WORKBOOK_SOURCE,
    title="A cell holds an Excel error value (#N/A, #REF!, #DIV/0!, #VALUE!, #NAME?, #NUM!, #NULL!), not a value.",
    message=N_(
        "cell {cell} holds the Excel error {error}, not a value; correct the formula or type the value"
    ),
    evaluate=_errors,
)
UNCALCULATED_FORMULA = Rule(
    id="uncalculated_formula",
    severity="error",
    source=WORKBOOK_SOURCE,
    title="A cell holds a formula that was never calculated (written by a tool that does not calculate).",
    message=N_(
        "cell {cell} holds a formula that was never calculated; open and save the file in Excel, or type the value"
    ),
    evaluate=_uncalculated,
)
UNCALCULATED_NAMED = N_(
    "cell {cell} holds the formula {formula}, which was never calculated; open and save the file in Excel, "
    "or type the value"
)
MERGED_CELLS = Rule(
    id="merged_cells",
    severity="error",
    source=WORKBOOK_SOURCE,
    title="Merged cells: only the first holds the value, the others would be read as blank.",
    message=N_(
        "cells {cell} are merged: only {first} holds the value and the others would be read as blank; "
        "unmerge them and type the value in each cell"
    ),
    evaluate=_merged,
)
TIME_NOT_SHOWN = Rule(
    id="time_not_shown",
    severity="warning",
    source=WORKBOOK_SOURCE,
    title="A date-and-time cell holds a time but its format shows only the date: the hour is not used.",
    message=N_(
        "cell {cell} holds {time} but shows only the date; the hour is not used: format the cell as date and "
        "time to keep it"
    ),
    evaluate=_hidden_times,
)
WORKBOOK_RULES = (DUPLICATE_TABLE, EXCEL_ERROR, UNCALCULATED_FORMULA, MERGED_CELLS, TIME_NOT_SHOWN)


def sheet_issues(findings: SheetFindings) -> list[Issue]:
    """Every issue of the workbook rules on one sheet, in `WORKBOOK_RULES`' order."""
    return [issue for rule in WORKBOOK_RULES for issue in rule.evaluate(findings)]
