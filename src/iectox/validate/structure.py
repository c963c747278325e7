"""Tables and headers: which sheets or files are there, and whether their columns are the contract's.

Each problem is a `Rule` (id, severity, source, message) whose `evaluate` finds it; `check_tables` and
`check_headers` run them in `READING`'s order, before any cell is typed.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from iectox.errors import Issue
from iectox.i18n import N_
from iectox.rules import Rule
from iectox.schema import Schema, Table
from iectox.validate.excerpt import excerpt, short_name, visible
from iectox.validate.identifiers import PRIVACY, identifying_header

HEADER_ROW = 1
IGNORED_SHEETS = ("_lists",)  # the template's hidden drop-down lists


@dataclass(frozen=True)
class RawTable:
    """One table as read from disk: cells untouched, index = the row number the user sees (header = 1).

    `issues` are the problems the reader itself found in the file (a cell it cannot trust as read, a line it
    cannot split): they are reported with the validation's, so that nothing is dropped in silence. `unread`
    holds the cells those issues left blank, as (row, header): they are refused as a cell of the wrong type is,
    so that no rule reports them again (one bad value, one error).
    """

    file: str
    sheet: str | None
    frame: pd.DataFrame
    issues: tuple[Issue, ...] = ()
    unread: tuple[tuple[int, str], ...] = ()


def header_key(name: object) -> str:
    """Headers match the contract whatever their case, surrounding spaces, or spaces for underscores."""
    return str(name).strip().lower().replace(" ", "_")


CONTRACT_SOURCE = "dataset contract (docs/data_dictionary.md)"


def _closest(name: str, known: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return close[0] if close else None


def _issue(
    rule: Rule,
    where: tuple[str, str | None, int | None],
    column: str | None,
    value: str | None,
    template: str | None = None,
    /,
    **values: str,
) -> Issue:
    text = template or rule.message
    file, sheet, row = where
    return Issue(file, sheet, row, column, value, rule.id, text.format(**values), rule.severity, text, values)


def _missing_tables(
    schema: Schema, found: Mapping[str, RawTable], where: str, extra: list[str]
) -> list[Issue]:
    return [
        _issue(MISSING_TABLE, (where, None, None), None, None, table=t.name)
        for t in schema.tables
        if t.required and t.name not in found
    ]


def _unknown_tables(
    schema: Schema, found: Mapping[str, RawTable], where: str, extra: list[str]
) -> list[Issue]:
    issues = []
    for name in extra:
        if name not in IGNORED_SHEETS:
            hint = _closest(header_key(name), schema.table_names)
            template = UNKNOWN_TABLE_HINT if hint else None
            issues.append(
                _issue(
                    UNKNOWN_TABLE,
                    (where, short_name(name), None),
                    None,
                    None,
                    template,
                    name=excerpt(name),
                    hint=hint or "",
                )
            )
    return issues


def _headers(table: Table, raw: RawTable) -> list[tuple[object, str, str]]:
    """Each header of the file, its contract spelling and what it is: known, duplicate, unnamed or unknown."""
    known, seen, found = set(table.column_names), set(), []
    for original in raw.frame.columns:
        key = header_key(original)
        if key in seen:
            status = "duplicate"
        elif key in known:
            status = "known"
            seen.add(key)
        elif key == "" or key.startswith("unnamed:"):
            status = "unnamed" if raw.frame[original].notna().any() else "empty"
        elif identifying_header(original):
            status = "identifier"
        else:
            status = "unknown"
        found.append((original, key, status))
    return found


def _header_issue(
    rule: Rule, raw: RawTable, original: object, template: str | None = None, /, **values: str
) -> Issue:
    """An issue on a header cell: named in its location, quoted in the sentence, never printed raw or whole."""
    name = str(original)
    where = (raw.file, raw.sheet, HEADER_ROW)
    return _issue(rule, where, short_name(name), visible(name), template, column=excerpt(name), **values)


def _flag_headers(rule: Rule, status: str, table: Table, raw: RawTable) -> list[Issue]:
    return [
        _header_issue(rule, raw, original, table=table.name)
        for original, _, found in _headers(table, raw)
        if found == status
    ]


def _unknown_columns(table: Table, raw: RawTable) -> list[Issue]:
    issues = []
    for original, key, status in _headers(table, raw):
        if status == "unknown":
            hint = _closest(key, table.column_names)
            template = UNKNOWN_COLUMN_HINT if hint else None
            issues.append(
                _header_issue(UNKNOWN_COLUMN, raw, original, template, table=table.name, hint=hint or "")
            )
    return issues


def _identifier_columns(table: Table, raw: RawTable) -> list[Issue]:
    return [
        _header_issue(DIRECT_IDENTIFIER_COLUMN, raw, original, kind_text=identifying_header(original) or "")
        for original, _, status in _headers(table, raw)
        if status == "identifier"
    ]


def _duplicate_columns(table: Table, raw: RawTable) -> list[Issue]:
    return _flag_headers(DUPLICATE_COLUMN, "duplicate", table, raw)


def _unnamed_columns(table: Table, raw: RawTable) -> list[Issue]:
    """One issue per header-less column holding values, at its first value, with how many and where."""
    issues = []
    for original, _, status in _headers(table, raw):
        if status == "unnamed":
            rows = raw.frame.index[raw.frame[original].notna().to_numpy()]
            shown = ", ".join(str(row) for row in rows[:5]) + (", ..." if len(rows) > 5 else "")
            where = (raw.file, raw.sheet, int(rows[0]))
            values = {"column": str(original), "table": table.name, "count": str(len(rows)), "rows": shown}
            issues.append(_issue(UNNAMED_COLUMN, where, str(original), None, **values))
    return issues


def _missing_columns(table: Table, raw: RawTable) -> list[Issue]:
    present = {key for _, key, status in _headers(table, raw) if status == "known"}
    where = (raw.file, raw.sheet, HEADER_ROW)
    return [
        _issue(MISSING_COLUMN, where, column.name, None, column=column.name, table=table.name)
        for column in table.columns
        if column.required and column.name not in present
    ]


def _filled(cells: Iterable[object]) -> list[str]:
    return [text for text in (str(cell).strip() for cell in cells if not pd.isna(cell)) if text]


def _named_columns(table: Table, cells: list[str]) -> bool:
    """Whether most of these cells are column names of the table (a header row)."""
    known = sum(header_key(cell) in table.column_names for cell in cells)
    return known > 0 and 2 * known >= len(cells)


def _title_row(table: Table, raw: RawTable) -> list[Issue]:
    """Row 1 holds a title ("Registre CAR-T 2024") and a row below holds the column names: one error for
    the table, instead of every column missing and every reference to it dangling."""
    header = [h for h in _filled(raw.frame.columns) if not header_key(h).startswith("unnamed:")]
    if not header or len(header) > TITLE_CELLS or _named_columns(table, header):
        return []
    for position in range(min(len(raw.frame), TITLE_LOOKAHEAD)):
        if _named_columns(table, _filled(raw.frame.iloc[position])):
            row = int(raw.frame.index[position])
            template = TITLE_ROW.message if row == HEADER_ROW + 1 else TITLE_ROWS
            where = (raw.file, raw.sheet, HEADER_ROW)
            return [
                _issue(TITLE_ROW, where, None, visible(header[0]), template, row=str(row), above=str(row - 1))
            ]
    return []


TITLE_CELLS = 2  # a title row holds a title, perhaps a date: no more
TITLE_LOOKAHEAD = 5  # rows below it searched for the column names
TITLE_ROW = Rule(
    id="title_row",
    severity="error",
    source=CONTRACT_SOURCE + ": row 1 holds the column names",
    title="Row 1 holds a title and the column names are on a row below: one error for the table, which is "
    "read once the title is deleted.",
    message=N_("row 1 holds a title, the column names are on row {row}: delete row 1"),
    evaluate=_title_row,
)
TITLE_ROWS = N_("row 1 holds a title, the column names are on row {row}: delete rows 1 to {above}")
MISSING_TABLE = Rule(
    id="missing_table",
    severity="error",
    source=CONTRACT_SOURCE,
    title="A required table has no sheet (workbook) or file (CSV folder) of its name.",
    message=N_("table '{table}' is missing (expected a sheet or a file named {table})"),
    evaluate=_missing_tables,
)
UNKNOWN_TABLE = Rule(
    id="unknown_table",
    severity="warning",
    source=CONTRACT_SOURCE,
    title="A sheet or CSV file that is not a table is reported and not read.",
    message=N_("'{name}' is not a table of the dataset and was not read"),
    evaluate=_unknown_tables,
)
UNKNOWN_TABLE_HINT = N_("'{name}' is not a table of the dataset and was not read; did you mean '{hint}'?")
DIRECT_IDENTIFIER_COLUMN = Rule(
    id="direct_identifier_column",
    severity="error",
    source=PRIVACY,
    title="A header names a direct identifier (name, prénom, NIP, IPP, NIR, date of birth, phone, address, "
    "e-mail): refused for privacy, not as an unknown column.",
    message=N_(
        "column '{column}' looks like a direct identifier ({kind_text}): iectox keeps pseudonymous data only; "
        "remove the column"
    ),
    evaluate=_identifier_columns,
)
UNKNOWN_COLUMN = Rule(
    id="unknown_column",
    severity="error",
    source=CONTRACT_SOURCE,
    title="A header that is not a column of the table (with a 'did you mean').",
    message=N_("column '{column}' is not part of the {table} table"),
    evaluate=_unknown_columns,
)
UNKNOWN_COLUMN_HINT = N_("column '{column}' is not part of the {table} table; did you mean '{hint}'?")
DUPLICATE_COLUMN = Rule(
    id="duplicate_column",
    severity="error",
    source=CONTRACT_SOURCE,
    title="The same column appears twice in a table.",
    message=N_("column '{column}' appears twice in {table}"),
    evaluate=_duplicate_columns,
)
UNNAMED_COLUMN = Rule(
    id="unnamed_column",
    severity="error",
    source=CONTRACT_SOURCE,
    title="Values stand under an empty header.",
    message=N_("column '{column}' of {table} has no header but holds {count} value(s), in rows {rows}"),
    evaluate=_unnamed_columns,
)
MISSING_COLUMN = Rule(
    id="missing_column",
    severity="error",
    source=CONTRACT_SOURCE,
    title="A required column has no header in its table.",
    message=N_("required column '{column}' is missing from {table}"),
    evaluate=_missing_columns,
)
TABLE_RULES = (MISSING_TABLE, UNKNOWN_TABLE)
HEADER_RULES = (
    TITLE_ROW,
    DIRECT_IDENTIFIER_COLUMN,
    UNKNOWN_COLUMN,
    DUPLICATE_COLUMN,
    UNNAMED_COLUMN,
    MISSING_COLUMN,
)
# After these, a table cannot be read as the contract's, and the cross-field rules are not run.
BLOCKING = (MISSING_TABLE.id, TITLE_ROW.id)


def check_headers(table: Table, raw: RawTable) -> tuple[pd.DataFrame, list[Issue]]:
    """The frame with contract column names, and the header problems (unknown, duplicate, missing...).

    A title above the headers is the one problem reported for its table (and the frame is then empty)."""
    title = _title_row(table, raw)
    if title:
        return raw.frame.iloc[:0, :0], title
    issues = [issue for rule in HEADER_RULES[1:] for issue in rule.evaluate(table, raw)]
    renamed = {original: key for original, key, status in _headers(table, raw) if status == "known"}
    if len(renamed) == len(raw.frame.columns):  # every header known: the frame renamed, not copied
        return raw.frame.set_axis(list(renamed.values()), axis=1, copy=False), issues
    return raw.frame[list(renamed)].rename(columns=renamed), issues


def check_tables(schema: Schema, found: dict[str, RawTable], where: str, extra: list[str]) -> list[Issue]:
    """Missing required tables are errors; sheets or files that are not tables are reported and left alone."""
    return [issue for rule in TABLE_RULES for issue in rule.evaluate(schema, found, where, extra)]
