"""The blank XLSX data-entry template, derived entirely from the dataset contract.

Nothing here names a table, a column or a code: sheets, headers, comments, drop-downs and checks all come
from `iectox.schema.CONTRACT`, so the template cannot drift from what the importer accepts. The workbook holds
one sheet per table (contract order) and a hidden `_lists` sheet with the values the drop-downs point at:
Excel caps inline lists at 255 characters, which the therapy vocabulary alone exceeds.

The drop-downs offer each term's label in the workbook's language ("Axicabtagène ciloleucel (Yescarta)"),
not its code: people pick what they recognise, and the importer reads every label, in either language, back
as the code (`iectox.schema.model.Term.spellings`). Sheet names and headers stay the contract's names, which
the importer matches; the help around them (comments, prompts, error boxes) is in the workbook's language.
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

from iectox.i18n import N_, tr
from iectox.io.sheets import save_workbook
from iectox.schema import CONTRACT, Column, Kind, Schema, Table
from iectox.schema.dictionary import bound_text, value_rule

LISTS_SHEET = "_lists"
DEFAULT_ROWS = 1000
YES_NO = (N_("yes"), N_("no"))
YES_NO_LIST = "yes_no"
DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"
MIN_WIDTH, MAX_WIDTH = 10, 40
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")

INSTRUCTIONS = N_(
    "How to fill this workbook: one sheet per table, one row per record, headers in row 1 left unchanged. "
    "Bold headers are required columns. Hover over a header for its meaning, type, unit and range. "
    "Pick coded values from the drop-downs (codes and synonyms listed in docs/data_dictionary.md are also "
    "accepted). Dates as yyyy-mm-dd; date-and-time as yyyy-mm-dd hh:mm, or the date alone when the hour was "
    "not recorded. Leave a cell blank when the value is not known. Optional sheets may stay empty. "
    "Check the file with `iectox validate` before analysis."
)
# The words for a column's type, as `Kind` spells them in English.
KIND_WORDS = {
    Kind.TEXT: N_("text"),
    Kind.INTEGER: N_("integer"),
    Kind.NUMBER: N_("number"),
    Kind.BOOLEAN: N_("yes/no"),
    Kind.DATE: N_("date"),
    Kind.DATETIME: N_("date and time"),
    Kind.CATEGORY: N_("category"),
}


@dataclass(frozen=True)
class ListRef:
    """Where a list of allowed values sits on the hidden sheet, as an absolute range formula."""

    name: str
    formula: str
    values: tuple[str, ...]


def write_template(
    path: str | Path,
    schema: Schema = CONTRACT,
    rows: int = DEFAULT_ROWS,
    lang: str = "en",
    force: bool = False,
) -> Path:
    """Write the blank template to `path` in `lang`; validations and formats cover data rows 2..rows+1. An
    existing file iectox did not write is replaced only with `force` (`iectox.io.owned`)."""
    path = Path(path)
    workbook = build_template(schema, rows, lang)
    return save_workbook(workbook, path, force=force)


def build_template(schema: Schema = CONTRACT, rows: int = DEFAULT_ROWS, lang: str = "en") -> Workbook:
    """The template as an openpyxl workbook (kept separate from saving so tests can inspect it)."""
    workbook = Workbook()
    first = workbook.active
    sheets = [first] + [workbook.create_sheet() for _ in schema.tables[1:]]
    lists_sheet = workbook.create_sheet(LISTS_SHEET)
    lists = _write_lists(lists_sheet, schema, lang)
    lists_sheet.sheet_state = "hidden"
    for sheet, table in zip(sheets, schema.tables, strict=True):
        _write_table_sheet(sheet, table, lists, rows, lang)
    workbook.active = 0
    return workbook


def list_name(column: Column) -> str | None:
    """The `_lists` column a drop-down uses (vocabulary name or yes/no); None for free entry."""
    if column.vocabulary is not None:
        return column.vocabulary.name
    if column.kind is Kind.BOOLEAN:
        return YES_NO_LIST
    return None


def list_values(column: Column, lang: str = "en") -> tuple[str, ...]:
    """What a column's drop-down offers: the labels of its terms in `lang`, or yes/no in `lang`."""
    if column.vocabulary is not None:
        return tuple(tr(term.label, lang) for term in column.vocabulary.terms)
    return tuple(tr(word, lang) for word in YES_NO)


def _write_lists(sheet: Worksheet, schema: Schema, lang: str) -> dict[str, ListRef]:
    """One column per list (header = list name, values below), each list written once however often used."""
    wanted: dict[str, tuple[str, ...]] = {}
    for table in schema.tables:
        for column in table.columns:
            name = list_name(column)
            if name is not None and name not in wanted:
                wanted[name] = list_values(column, lang)
    refs: dict[str, ListRef] = {}
    for index, (name, values) in enumerate(wanted.items(), start=1):
        letter = get_column_letter(index)
        sheet.cell(row=1, column=index, value=name).font = Font(bold=True)
        for offset, value in enumerate(values, start=2):
            sheet.cell(row=offset, column=index, value=value)
        formula = f"{quote_sheetname(sheet.title)}!${letter}$2:${letter}${len(values) + 1}"
        refs[name] = ListRef(name, formula, values)
    return refs


def _write_table_sheet(
    sheet: Worksheet, table: Table, lists: dict[str, ListRef], rows: int, lang: str
) -> None:
    sheet.title = table.name
    last = rows + 1
    for index, column in enumerate(table.columns, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=column.name)
        cell.font = Font(bold=column.required)
        cell.fill = _HEADER_FILL
        text = header_comment(column, lang)
        if index == 1:
            sheet_help = tr("Sheet '{sheet}': {description}", lang).format(
                sheet=table.name, description=tr(table.description, lang)
            )
            text = f"{tr(INSTRUCTIONS, lang)}\n\n{sheet_help}\n\n{text}"
        comment = Comment(text, "iectox")
        comment.width, comment.height = 420, 60 + 15 * text.count("\n") + len(text) // 3
        cell.comment = comment
        dimension = sheet.column_dimensions[letter]
        dimension.width = _width(column)
        number_format = _number_format(column)
        if number_format is not None:
            # A column style, not 1000 styled cells: readers then see no phantom empty rows.
            dimension.number_format = number_format
        validation = _validation(column, lists, lang)
        if validation is not None:
            validation.add(f"{letter}2:{letter}{last}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"


def header_comment(column: Column, lang: str = "en") -> str:
    """What a data-entry person needs about one column, shown when hovering over its header."""

    def say(message: str, **values: object) -> str:
        return tr(message, lang).format(**values)

    lines = [tr(column.description, lang), say("Type: {kind}.", kind=tr(KIND_WORDS[column.kind], lang))]
    if column.unit:
        lines.append(say("Unit: {unit}.", unit=tr(column.unit, lang)))
    rule = allowed(column, lang)
    if rule:
        lines.append(say("Allowed: {rule}.", rule=rule))
    lines.append(say("Required.") if column.required else say("Optional: leave blank when not known."))
    if column.unique:
        lines.append(say("Must be unique in this sheet."))
    if column.references:
        sheet, name = column.references.split(".")
        lines.append(say("Must match a {column} of sheet {sheet}.", column=name, sheet=sheet))
    if column.example:
        lines.append(say("Example: {example}", example=column.example))
    return "\n".join(lines)


def allowed(column: Column, lang: str = "en") -> str:
    """The allowed values in words: the data dictionary's wording in English (`value_rule`), its
    translation otherwise, numbers written the way `lang` writes them."""
    if lang == "en":
        return value_rule(column)
    if column.vocabulary is not None:
        return tr("a value of the '{list}' list", lang).format(list=column.vocabulary.name)
    fixed = {
        Kind.BOOLEAN: N_("yes or no"),
        Kind.DATE: N_("a date, yyyy-mm-dd"),
        Kind.DATETIME: N_("yyyy-mm-dd hh:mm, or yyyy-mm-dd when the hour was not recorded"),
    }
    if column.kind in fixed:
        return tr(fixed[column.kind], lang)
    if column.kind in (Kind.INTEGER, Kind.NUMBER):
        return _range(column, lang)
    return tr(column.pattern_name, lang) if column.pattern_name else ""


def _range(column: Column, lang: str) -> str:
    """`iectox.schema.dictionary.range_rule` in `lang`."""
    noun = tr(N_("a whole number") if column.kind is Kind.INTEGER else N_("a number"), lang)
    low, high = (_bound(b, lang) for b in (column.minimum, column.maximum))
    if low is not None and high is not None:
        if column.exclusive_minimum:
            return tr("{noun} above {low} and up to {high}", lang).format(noun=noun, low=low, high=high)
        return tr("{noun} from {low} to {high}", lang).format(noun=noun, low=low, high=high)
    if low is not None:
        if column.exclusive_minimum:
            return tr("{noun} above {low}", lang).format(noun=noun, low=low)
        return tr("{noun} of at least {low}", lang).format(noun=noun, low=low)
    if high is not None:
        return tr("{noun} of at most {high}", lang).format(noun=noun, high=high)
    return noun


def _bound(bound: float | None, lang: str) -> str | None:
    text = bound_text(bound)
    return text.replace(".", ",") if text is not None and lang == "fr" else text


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


def _validation(column: Column, lists: dict[str, ListRef], lang: str) -> DataValidation | None:
    name = list_name(column)
    if name is not None:
        return _list_validation(column, lists[name], lang)
    if column.kind in (Kind.INTEGER, Kind.NUMBER):
        return _number_validation(column, lang)
    if column.kind in (Kind.DATE, Kind.DATETIME):
        # Date-and-time cells are dates to Excel as well: one check fits both.
        return _checked(
            DataValidation(type="date", operator="greaterThanOrEqual", formula1="DATE(1900,1,1)"),
            column,
            f"{column.name}: {allowed(column, lang)}.",
            lang,
        )
    if column.pattern_name:
        return _checked(
            DataValidation(type="textLength", operator="lessThanOrEqual", formula1="64"),
            column,
            f"{column.name}: {allowed(column, lang)}.",
            lang,
        )
    return None


def _list_validation(column: Column, ref: ListRef, lang: str) -> DataValidation:
    """A drop-down; a warning rather than a stop, because the importer also accepts codes and synonyms."""
    validation = DataValidation(type="list", formula1=ref.formula, allow_blank=True)
    validation.showDropDown = False  # openpyxl's flag is inverted: False shows the in-cell arrow.
    validation.errorStyle = "warning"
    validation.error = tr(
        "{column}: not in the '{list}' list. Codes and synonyms from the data dictionary are accepted on "
        "import; keep the value?",
        lang,
    ).format(column=column.name, list=ref.name)
    validation.errorTitle = tr("Value not in the list", lang)
    validation.showErrorMessage = True
    validation.promptTitle = column.name[:32]
    validation.prompt = tr("Pick a value from the '{list}' list.", lang).format(list=ref.name)
    validation.showInputMessage = True
    return validation


def _number_validation(column: Column, lang: str) -> DataValidation:
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
    unit = f" ({tr(column.unit, lang)})" if column.unit else ""
    return _checked(validation, column, f"{column.name}{unit}: {_range(column, lang)}.", lang)


def _checked(validation: DataValidation, column: Column, message: str, lang: str) -> DataValidation:
    validation.allow_blank = True
    validation.errorStyle = "stop"
    validation.errorTitle = tr("Value not allowed", lang)
    validation.error = message
    validation.showErrorMessage = True
    validation.promptTitle = column.name[:32]
    validation.prompt = message[:255]
    validation.showInputMessage = True
    return validation
