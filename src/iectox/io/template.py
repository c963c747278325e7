"""The blank XLSX data-entry template, derived entirely from the dataset contract.

Nothing here names a table, a column or a code: sheets, headers, comments, drop-downs and checks all come
from `iectox.schema.CONTRACT`, so the template cannot drift from what the importer accepts. The workbook holds
one sheet per table (contract order) and a hidden `_lists` sheet with the codes the drop-downs point at:
Excel caps inline lists at 255 characters, which the therapy vocabulary alone exceeds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from iectox.schema import CONTRACT, Column, Kind, Schema, Table
from iectox.schema.dictionary import bound_text, range_rule, value_rule

LISTS_SHEET = "_lists"
DEFAULT_ROWS = 1000
YES_NO = ("yes", "no")
YES_NO_LIST = "yes_no"
DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"
MIN_WIDTH, MAX_WIDTH = 10, 40
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")

INSTRUCTIONS = (
    "How to fill this workbook: one sheet per table, one row per record, headers in row 1 left unchanged. "
    "Bold headers are required columns. Hover over a header for its meaning, type, unit and range. "
    "Pick coded values from the drop-downs (synonyms listed in docs/data_dictionary.md are also accepted). "
    "Dates as yyyy-mm-dd; date-and-time as yyyy-mm-dd hh:mm, or the date alone when the hour was not "
    "recorded. Leave a cell blank when the value is not known. Optional sheets may stay empty. "
    "Check the file with `iectox validate` before analysis."
)


@dataclass(frozen=True)
class ListRef:
    """Where a list of allowed codes sits on the hidden sheet, as an absolute range formula."""

    name: str
    formula: str
    values: tuple[str, ...]


def write_template(path: str | Path, schema: Schema = CONTRACT, rows: int = DEFAULT_ROWS) -> Path:
    """Write the blank template to `path`; validations and formats cover data rows 2..rows+1."""
    path = Path(path)
    workbook = build_template(schema, rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def build_template(schema: Schema = CONTRACT, rows: int = DEFAULT_ROWS) -> Workbook:
    """The template as an openpyxl workbook (kept separate from saving so tests can inspect it)."""
    workbook = Workbook()
    first = workbook.active
    sheets = [first] + [workbook.create_sheet() for _ in schema.tables[1:]]
    lists_sheet = workbook.create_sheet(LISTS_SHEET)
    lists = _write_lists(lists_sheet, schema)
    lists_sheet.sheet_state = "hidden"
    for sheet, table in zip(sheets, schema.tables, strict=True):
        _write_table_sheet(sheet, table, lists, rows)
    workbook.active = 0
    return workbook


def list_name(column: Column) -> str | None:
    """The `_lists` column a drop-down uses (vocabulary name or yes/no); None for free entry."""
    if column.vocabulary is not None:
        return column.vocabulary.name
    if column.kind is Kind.BOOLEAN:
        return YES_NO_LIST
    return None


def _write_lists(sheet: Worksheet, schema: Schema) -> dict[str, ListRef]:
    """One column per list (header = list name, codes below), each list written once however often used."""
    wanted: dict[str, tuple[str, ...]] = {}
    for table in schema.tables:
        for column in table.columns:
            name = list_name(column)
            if name is not None and name not in wanted:
                wanted[name] = column.vocabulary.codes if column.vocabulary is not None else YES_NO
    refs: dict[str, ListRef] = {}
    for index, (name, codes) in enumerate(wanted.items(), start=1):
        letter = get_column_letter(index)
        sheet.cell(row=1, column=index, value=name).font = Font(bold=True)
        for offset, code in enumerate(codes, start=2):
            sheet.cell(row=offset, column=index, value=code)
        formula = f"{quote_sheetname(sheet.title)}!${letter}$2:${letter}${len(codes) + 1}"
        refs[name] = ListRef(name, formula, codes)
    return refs


def _write_table_sheet(sheet: Worksheet, table: Table, lists: dict[str, ListRef], rows: int) -> None:
    sheet.title = table.name
    last = rows + 1
    for index, column in enumerate(table.columns, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=column.name)
        cell.font = Font(bold=column.required)
        cell.fill = _HEADER_FILL
        text = header_comment(column)
        if index == 1:
            text = f"{INSTRUCTIONS}\n\nSheet '{table.name}': {table.description}\n\n{text}"
        comment = Comment(text, "iectox")
        comment.width, comment.height = 420, 60 + 15 * text.count("\n") + len(text) // 3
        cell.comment = comment
        dimension = sheet.column_dimensions[letter]
        dimension.width = _width(column)
        number_format = _number_format(column)
        if number_format is not None:
            # A column style, not 1000 styled cells: readers then see no phantom empty rows.
            dimension.number_format = number_format
        validation = _validation(column, lists)
        if validation is not None:
            validation.add(f"{letter}2:{letter}{last}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"


def header_comment(column: Column) -> str:
    """What a data-entry person needs about one column, shown when hovering over its header."""
    lines = [column.description, f"Type: {column.kind.value}."]
    if column.unit:
        lines.append(f"Unit: {column.unit}.")
    rule = value_rule(column)
    if rule:
        lines.append(f"Allowed: {rule}.")
    lines.append("Required." if column.required else "Optional: leave blank when not known.")
    if column.unique:
        lines.append("Must be unique in this sheet.")
    if column.references:
        sheet, name = column.references.split(".")
        lines.append(f"Must match a {name} of sheet {sheet}.")
    if column.example:
        lines.append(f"Example: {column.example}")
    return "\n".join(lines)


def _width(column: Column) -> float:
    longest = max(len(column.name), len(column.example or ""))
    if column.kind is Kind.DATETIME:
        longest = max(longest, len("2024-01-01 00:00"))
    return float(min(MAX_WIDTH, max(MIN_WIDTH, longest + 3)))


def _number_format(column: Column) -> str | None:
    if column.kind is Kind.DATE:
        return DATE_FORMAT
    if column.kind is Kind.DATETIME:
        # Deliberately General, not "yyyy-mm-dd hh:mm": Excel keeps a preset format, so a date typed alone
        # would be stored as 00:00 and read back as a recorded midnight, inventing the hour. In a General
        # cell Excel picks a date or a date-time format from what was typed, and the reader relies on that.
        return None
    if column.kind is Kind.TEXT:
        # Text format keeps identifiers such as "0012" from being turned into numbers by Excel.
        return TEXT_FORMAT
    return None


def _validation(column: Column, lists: dict[str, ListRef]) -> DataValidation | None:
    name = list_name(column)
    if name is not None:
        return _list_validation(column, lists[name])
    if column.kind in (Kind.INTEGER, Kind.NUMBER):
        return _number_validation(column)
    if column.kind in (Kind.DATE, Kind.DATETIME):
        # Date-and-time cells are dates to Excel as well: one check fits both.
        return _checked(
            DataValidation(type="date", operator="greaterThanOrEqual", formula1="DATE(1900,1,1)"),
            column,
            f"{column.name}: {value_rule(column)}.",
        )
    if column.pattern_name:
        return _checked(
            DataValidation(type="textLength", operator="lessThanOrEqual", formula1="64"),
            column,
            f"{column.name}: {column.pattern_name}.",
        )
    return None


def _list_validation(column: Column, ref: ListRef) -> DataValidation:
    """A drop-down; a warning rather than a stop, because the importer also accepts documented synonyms."""
    validation = DataValidation(type="list", formula1=ref.formula, allow_blank=True)
    validation.showDropDown = False  # openpyxl's flag is inverted: False shows the in-cell arrow.
    validation.errorStyle = "warning"
    validation.error = (
        f"{column.name}: not a code of the '{ref.name}' list. Synonyms from the data "
        "dictionary are accepted on import; keep the value?"
    )
    validation.errorTitle = "Value not in the list"
    validation.showErrorMessage = True
    validation.promptTitle = column.name[:32]
    validation.prompt = f"Pick a code from the '{ref.name}' list."
    validation.showInputMessage = True
    return validation


def _number_validation(column: Column) -> DataValidation:
    kind = "whole" if column.kind is Kind.INTEGER else "decimal"
    low, high = bound_text(column.minimum), bound_text(column.maximum)
    if low is not None and high is not None and not column.exclusive_minimum:
        validation = DataValidation(type=kind, operator="between", formula1=low, formula2=high)
    elif low is not None:
        # Excel cannot say "above low and at most high"; the importer still checks the upper bound.
        operator = "greaterThan" if column.exclusive_minimum else "greaterThanOrEqual"
        validation = DataValidation(type=kind, operator=operator, formula1=low)
    elif high is not None:
        validation = DataValidation(type=kind, operator="lessThanOrEqual", formula1=high)
    else:
        validation = DataValidation(type=kind, operator="between", formula1="-1E+300", formula2="1E+300")
    unit = f" ({column.unit})" if column.unit else ""
    return _checked(validation, column, f"{column.name}{unit}: {range_rule(column)}.")


def _checked(validation: DataValidation, column: Column, message: str) -> DataValidation:
    validation.allow_blank = True
    validation.errorStyle = "stop"
    validation.errorTitle = "Value not allowed"
    validation.error = message
    validation.showErrorMessage = True
    validation.promptTitle = column.name[:32]
    validation.prompt = message[:255]
    validation.showInputMessage = True
    return validation
