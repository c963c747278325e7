"""One record checked as a file import checks it: the same rules, the same `Issue`s, the same sentences.

A form (the web application's, or any other) gives one row of a table as the text the user typed, and the rows
around it that the rules read: the patient it belongs to, its infusion, the episodes and the follow-up of that
infusion... (`context`, tables of text cells as a CSV file holds them). The record is put among them, in place of
its stored version when it is edited, and the whole is read and validated by `check_raw`, the path of every
import: a value the import would refuse is refused with the import's sentence, at the record's column, and a
direct identifier typed in a form is refused by the same privacy rules as one in a workbook.

Saving a record can make another row wrong (an infusion's `crs_status` 'no' once a CRS episode is added to it):
such errors are returned apart (`elsewhere`), with the row's table and key, when the rows were right before.

Only the tables the record involves are read and checked (`involved_tables`): its own, every table a rule
reads together with it, the tables whose rows refer to it, and the tables these refer to. The rules run are
those that read only these tables, and of the rules that read several tables, those that read the record's. A
rule that reads none of the record's columns gives the same issues with the record as without it, so the
record's issues and the errors it causes elsewhere are those of the whole check, at a fraction of its cost (an
observation: three tables of six, and none of the rules on episodes, doses and outcomes, nor those on an
infusion's product or a patient's age). One difference, on purpose: an error already present in a table the
record does not involve (a patient's follow-up), or found by a rule that does not read the record's table, no
longer refuses the record in silence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from iectox.dataset import empty_frame
from iectox.errors import Issue
from iectox.rules import Registry, Rule
from iectox.schema import CONTRACT, Kind, Schema, Table
from iectox.validate import VALIDATION, check_raw
from iectox.validate.content import REQUIRED
from iectox.validate.settings import Settings
from iectox.validate.structure import RawTable

FIRST_ROW = 2  # as in a file: the header is row 1
WHERE = "form"


@dataclass(frozen=True)
class Elsewhere:
    """An error that saving the record would cause on another row: that row's table and key (None for a table
    without one), and the issue as an import would report it."""

    table: str
    key: str | None
    issue: Issue


@dataclass(frozen=True)
class RecordCheck:
    """What the rules say of one record: its own issues (errors and warnings, each at its column), the errors
    it would cause on other rows, and its typed values (with each date-time's `_time_known`) when it may be
    saved, as the dataset would hold them."""

    issues: tuple[Issue, ...]
    elsewhere: tuple[Elsewhere, ...]
    values: Mapping[str, object] | None

    @property
    def ok(self) -> bool:
        return self.values is not None

    def errors(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.severity == "error"]

    def warnings(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.severity != "error"]


def _tables_read(rule: Rule) -> set[str]:
    """The tables whose columns `rule` declares; none for a cell rule, which reads each table on its own."""
    return {column.split(".")[0] for column in rule.columns}


def _referred(schema: Schema, tables: set[str]) -> set[str]:
    """`tables` and every table their columns refer to, and so on."""
    found = set(tables)
    while True:
        more = {
            str(column.references).split(".")[0]
            for table in schema.tables
            if table.name in found
            for column in table.columns
            if column.references is not None
        } - found
        if not more:
            return found
        found |= more


def involved_tables(table: str, schema: Schema = CONTRACT, rules: Registry = VALIDATION) -> tuple[str, ...]:
    """The tables a record of `table` is checked among, in the contract's order: `table`, the tables a rule
    reads together with it, the tables with a column referring to it (a changed code leaves their rows
    pointing nowhere), and, closing the set, every table these refer to (so that no reference of a row
    checked points to a table left out)."""
    involved = {table}
    for rule in rules.values():
        if table in _tables_read(rule):
            involved |= _tables_read(rule)
    involved |= {
        each.name
        for each in schema.tables
        for column in each.columns
        if column.references is not None and column.references.split(".")[0] == table
    }
    involved = _referred(schema, involved)
    return tuple(each.name for each in schema.tables if each.name in involved)


def _scope(table: str, schema: Schema, rules: Registry) -> tuple[Schema, Registry]:
    """The contract of the tables a record of `table` involves, and the rules that read only those: the cell
    rules, and the rules that read the record's table (one that reads only other tables judges the same rows
    with the record as without it: it can find neither an issue of the record nor one the record causes)."""
    names = set(involved_tables(table, schema, rules))  # every table a rule reading `table` reads
    kept = [rule for rule in rules.values() if not (read := _tables_read(rule)) or table in read]
    return Schema(tuple(t for t in schema.tables if t.name in names)), Registry(f"{rules.name}:{table}", kept)


def _cells(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """The text cells of `frame` in the table's columns, blank ("" or missing) as None, as a file reader
    gives them."""
    cells = frame.reindex(columns=list(columns)).astype(object)
    return cells.where(cells.notna() & (cells != ""), None).reset_index(drop=True)


def _raw(
    schema: Schema, context: Mapping[str, pd.DataFrame], table: str, row: pd.DataFrame | None, at: int | None
) -> dict[str, RawTable]:
    """Every table as a raw table of the import, the record's row put at position `at` (or last)."""
    raw = {}
    for each in schema.tables:
        frame = _cells(context.get(each.name, pd.DataFrame()), each.column_names)
        if each.name == table and row is not None:
            if at is None:
                frame = pd.concat([frame, row], ignore_index=True)
            else:
                frame = pd.concat([frame.iloc[:at], row, frame.iloc[at + 1 :]], ignore_index=True)
        raw[each.name] = RawTable(WHERE, each.name, frame.set_axis(range(FIRST_ROW, FIRST_ROW + len(frame))))
    return raw


def _raw_alone(schema: Schema, table: str, row: pd.DataFrame | None, at: int) -> dict[str, RawTable]:
    """Every table as a raw table of the import holding the record's row alone (if any), numbered as it
    will be among the typed rows (`_numbered`): at position `at`."""
    raw = {}
    for each in schema.tables:
        frame = row if each.name == table and row is not None else _cells(pd.DataFrame(), each.column_names)
        first = FIRST_ROW + at
        raw[each.name] = RawTable(WHERE, each.name, frame.set_axis(range(first, first + len(frame))))
    return raw


def _numbered(
    schema: Schema, typed: Mapping[str, pd.DataFrame], table: str, replacing: int | None
) -> dict[str, pd.DataFrame]:
    """The typed rows of each table indexed by their row numbers, without the one the record replaces."""
    rows = {}
    for each in schema.tables:
        given = typed.get(each.name)
        frame = (
            empty_frame(each) if given is None else given.set_axis(range(FIRST_ROW, FIRST_ROW + len(given)))
        )
        if each.name == table and replacing is not None:
            frame = frame.drop(index=FIRST_ROW + replacing)
        rows[each.name] = frame
    return rows


def _located(issue: Issue) -> tuple[str | None, int | None, str | None, str]:
    return (issue.sheet, issue.row, issue.column, issue.rule)


def check_record(
    table: str,
    record: Mapping[str, str | None],
    context: Mapping[str, pd.DataFrame],
    *,
    replacing: int | None = None,
    settings: Settings | None = None,
    schema: Schema = CONTRACT,
    involved_only: bool = True,
    typed: bool = False,
) -> RecordCheck:
    """Check `record` (column -> text typed, None or "" when blank) of `table` among the rows of `context`
    (table -> text cells, as `iectox.io.text.table_text` writes them; only the `involved_tables` are read);
    `replacing`: the position in `context[table]` of the record's stored version, which it replaces.
    `involved_only=False` checks every table with every rule, as a file import does (the reference the
    scoped check is tested against).

    `typed=True`: `context` holds the rows typed (as `iectox.dataset.conform` gives them), as a store that
    keeps only checked rows reads them back exactly (the web registry): only the record is read from text,
    and the rules run on it among these rows; the same issues, errors elsewhere and values as the same rows
    given as text (tests/test_validate_record_scope.py), without writing the rows as text and reading them
    again (the cost of reading is per column, whatever the rows)."""
    rules = VALIDATION
    if involved_only:
        schema, rules = _scope(table, schema, rules)
    columns = schema.table(table).column_names
    unknown = set(record) - set(columns)
    if unknown:
        raise KeyError(f"not columns of {table}: {sorted(unknown)}")
    row = _cells(pd.DataFrame([{name: record.get(name) for name in columns}]), columns)
    at = len(context.get(table, ())) if replacing is None else replacing
    if row.isna().all(axis=None):  # a file's blank line is no record; a blank form is a record left blank
        return RecordCheck(_blank(schema.table(table), FIRST_ROW + at), (), None)
    raw, beside = _inputs(typed, schema, context, table, row, at, replacing)
    dataset, issues = check_raw(raw, settings, WHERE, schema=schema, rules=rules, beside=beside)
    own = tuple(issue for issue in issues if issue.sheet == table and issue.row == FIRST_ROW + at)
    others = [issue for issue in issues if issue.severity == "error" and issue not in own]
    elsewhere: tuple[Elsewhere, ...] = ()
    if others:
        before, beside = _inputs(typed, schema, context, table, None, 0, None)
        known = {
            _located(issue)
            for issue in check_raw(before, settings, WHERE, schema=schema, rules=rules, beside=beside)[1]
        }
        elsewhere = tuple(
            _elsewhere(issue, context, schema) for issue in others if _located(issue) not in known
        )
    if any(issue.severity == "error" for issue in own) or elsewhere:
        return RecordCheck(own, elsewhere, None)
    values = dataset[table].iloc[at] if dataset is not None else None
    return RecordCheck(own, elsewhere, None if values is None else _plain(values, schema.table(table)))


def _inputs(
    typed: bool,
    schema: Schema,
    context: Mapping[str, pd.DataFrame],
    table: str,
    row: pd.DataFrame | None,
    at: int,
    replacing: int | None,
) -> tuple[dict[str, RawTable], dict[str, pd.DataFrame] | None]:
    """What `check_raw` reads for the rows with `row` put at `at` (or without it: None): every row as text;
    or, `typed`, the record alone as text and the other rows typed beside it."""
    if typed:
        return _raw_alone(schema, table, row, at), _numbered(schema, context, table, replacing)
    return _raw(schema, context, table, row, replacing), None


def _blank(table: Table, row: int) -> tuple[Issue, ...]:
    """The issues of a record left blank: each required column, as the `required` rule says it."""
    return tuple(
        Issue(
            WHERE,
            table.name,
            row,
            column.name,
            None,
            REQUIRED.id,
            REQUIRED.message.format(**values),
            REQUIRED.severity,
            REQUIRED.message,
            values,
        )
        for column in table.columns
        if column.required
        for values in [{"column": column.name, "table": table.name}]
    )


def _elsewhere(issue: Issue, context: Mapping[str, pd.DataFrame], schema: Schema) -> Elsewhere:
    table = str(issue.sheet)
    key_column = schema.table(table).key
    frame = context.get(table, pd.DataFrame())
    position = (issue.row or FIRST_ROW) - FIRST_ROW
    key = None
    if key_column is not None and key_column in frame and 0 <= position < len(frame):
        key = str(frame[key_column].iloc[position]) or None
    return Elsewhere(table, key, issue)


def _plain(row: pd.Series, table: Table) -> dict[str, object]:
    """The typed row as Python values: None for a blank, `date` for a date, naive `datetime` for a date-time,
    int, float, bool or str otherwise."""
    kinds = {column.name: column.kind for column in table.columns}
    values: dict[str, object] = {}
    for name, value in row.items():
        if pd.isna(value):
            values[name] = None
        elif isinstance(value, pd.Timestamp):
            values[name] = value.date() if kinds.get(name) is Kind.DATE else value.to_pydatetime()
        else:
            values[name] = value.item() if hasattr(value, "item") else value
    return values
