"""A dataset as a folder of Parquet files: the format of registries too large for a workbook or CSV files.

    registry.parquet/
        patients.parquet  infusions.parquet  toxicity_episodes.parquet  administrations.parquet
        outcomes.parquet  observations.parquet      <- a file, or a folder of part files read in name order

Each table is typed as the contract says (`ARROW_TYPES`): text and codes as strings, whole numbers as int64,
numbers as float64, yes/no as booleans, dates as date32, date-and-times as timestamps in microseconds with
their `<column>_time_known` companion (False: that day, hour not recorded). Written that way, a dataset reads
back exactly. Reading validates exactly as for CSV and XLSX, and is all-or-nothing: a column stored with
another Arrow type is read as text cells through the CSV cell readers (so `"38,5"` reads as 38.5 and `"abc"`
in a number column is the same `number` error), and then every validation rule runs on the typed tables.
Rows are numbered as in the same table written as CSV: row 1 holds the column names, the first row is row 2.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from iectox.dataset import DTYPES, TIME_KNOWN, Dataset, time_known_column
from iectox.errors import DatasetInvalid, Issue, SourceError
from iectox.io.atomic import atomic_folder
from iectox.schema import CONTRACT, Column, Kind, Schema, Table
from iectox.validate import RawTable, Settings, mark_valid
from iectox.validate.cells import read_cells
from iectox.validate.frames import Frames
from iectox.validate.registry import run_rules
from iectox.validate.structure import MISSING_TABLE, check_headers, check_tables, header_key

SUFFIX = ".parquet"
FIRST_ROW = 2  # as in the CSV file of the same table: the header is row 1
TIME_UNIT = "us"  # Spark and most engines read microseconds; iectox times are never finer than a second
ARROW_TYPES: dict[Kind, pa.DataType] = {
    Kind.TEXT: pa.string(),
    Kind.CATEGORY: pa.string(),
    Kind.INTEGER: pa.int64(),
    Kind.NUMBER: pa.float64(),
    Kind.BOOLEAN: pa.bool_(),
    Kind.DATE: pa.date32(),
    Kind.DATETIME: pa.timestamp(TIME_UNIT),
}


def arrow_schema(table: Table) -> pa.Schema:
    """The Arrow schema a table is written with: its columns in order, each date-time followed by its flag."""
    fields = []
    for column in table.columns:
        fields.append(pa.field(column.name, ARROW_TYPES[column.kind]))
        if column.kind is Kind.DATETIME:
            fields.append(pa.field(time_known_column(column.name), pa.bool_()))
    return pa.schema(fields)


def to_arrow(frame: pd.DataFrame, table: Table) -> pa.Table:
    """A typed table (as `Dataset` holds it) as an Arrow table of `arrow_schema(table)`.

    Times are cast safely: a time finer than a microsecond is an error, never truncated in silence.
    """
    schema = arrow_schema(table)
    arrays = []
    for field in schema:
        values = frame[field.name]
        if pa.types.is_date32(field.type):
            array = pa.array(values.dt.date.astype(object).where(values.notna(), None), type=pa.date32())
        elif pa.types.is_timestamp(field.type):
            array = pc.cast(
                pa.array(values.astype("datetime64[ns]"), from_pandas=True), field.type, safe=True
            )
        else:
            array = pa.array(values, type=field.type, from_pandas=True)
        arrays.append(array)
    return pa.Table.from_arrays(arrays, schema=schema)


def file_names(schema: Schema = CONTRACT) -> list[str]:
    return [table.name + SUFFIX for table in schema.tables]


def write_parquet_dataset(dataset: Dataset, folder: str | Path) -> Path:
    """Write every table as `<table>.parquet`, whole or not at all (the folder is replaced atomically).

    Validation is the caller's (`iectox.io.write_dataset` checks a dataset before writing any format).
    """
    import pyarrow.parquet as pq  # imported when used: a workbook or CSV dataset never needs it

    folder = Path(folder)
    with atomic_folder(folder) as tmp:
        for table in dataset.schema.tables:
            pq.write_table(to_arrow(dataset[table.name], table), tmp / (table.name + SUFFIX))
    return folder


def is_parquet_dataset(path: str | Path) -> bool:
    """A folder named `*.parquet`, or a folder holding a `<table>.parquet` file or folder of the contract."""
    path = Path(path)
    if not path.is_dir():
        return False
    return path.suffix.lower() == SUFFIX or any((path / name).exists() for name in file_names())


def table_parts(folder: Path, schema: Schema = CONTRACT) -> tuple[dict[str, list[Path]], list[str]]:
    """Per table, its Parquet file or part files (in name order), and the other `*.parquet` entries."""
    found: dict[str, list[Path]] = {}
    extra: list[str] = []
    for entry in sorted(folder.iterdir()):
        if entry.suffix.lower() != SUFFIX or entry.name.startswith("."):
            continue
        if entry.stem not in schema.table_names:
            extra.append(entry.name)
        elif entry.is_dir():
            found[entry.stem] = sorted(p for p in entry.glob("*" + SUFFIX) if not p.name.startswith("."))
        else:
            found[entry.stem] = [entry]
    return found, extra


def read_arrow(parts: Iterable[Path], where: str) -> pa.Table:
    """One table from its part files; `SourceError` when a file is not Parquet or the parts disagree."""
    import pyarrow.parquet as pq  # imported when used: a workbook or CSV dataset never needs it

    tables = []
    for part in parts:
        try:
            tables.append(pq.read_table(part))
        except (pa.ArrowException, OSError) as error:
            raise SourceError(where, f"{part.name} is not a readable Parquet file ({error})") from None
    if not tables:
        raise SourceError(where, "holds no Parquet part file")
    try:
        return pa.concat_tables(tables, promote_options="permissive")
    except pa.ArrowException as error:
        raise SourceError(where, f"its part files have different columns or types ({error})") from None


def _native(column: Column, values: pa.ChunkedArray) -> bool:
    """Whether the stored type is the contract's own (taken as is) rather than cells to read as text."""
    kind, t = column.kind, values.type
    if kind in (Kind.TEXT, Kind.CATEGORY):
        return False  # text goes through the cell reader: stripped, blanks as missing, as from CSV
    if kind is Kind.INTEGER:
        return pa.types.is_integer(t)
    if kind is Kind.NUMBER:
        return pa.types.is_float64(t) or pa.types.is_integer(t)
    if kind is Kind.BOOLEAN:
        return pa.types.is_boolean(t)
    if kind is Kind.DATE:
        return pa.types.is_date(t)
    return pa.types.is_date(t) or (pa.types.is_timestamp(t) and t.tz is None)


PLAIN = r"^[!-~]([ -~]*[!-~])?$"  # printable ASCII, no space at either end: what the cell reader keeps as is


def _plain_text(column: Column, values: pa.ChunkedArray) -> bool:
    """A text column whose every value the cell reader would keep unchanged (no spaces to strip, no blank
    string, nothing but printable ASCII), checked in Arrow: it is taken as it is, at Arrow's speed."""
    if column.kind not in (Kind.TEXT, Kind.CATEGORY) or not pa.types.is_string(values.type):
        return False
    return bool(pc.all(pc.match_substring_regex(values, PLAIN), skip_nulls=True).as_py() is not False)


def _as_cells(values: pa.ChunkedArray, where: str, name: str, index: pd.Index) -> pd.Series:
    """Stored values as text cells, for the CSV cell readers."""
    try:
        text = pc.cast(values, pa.string())
    except pa.ArrowException:
        raise SourceError(where, f"column {name} holds {values.type} values, which are not cells") from None
    return pd.Series(text.to_pandas().to_numpy(dtype=object), index=index, dtype=object)


def _native_values(column: Column, values: pa.ChunkedArray, index: pd.Index) -> pd.Series:
    if column.kind in (Kind.DATE, Kind.DATETIME):
        stamps = pc.cast(values, pa.timestamp("ns"), safe=True)
        return pd.Series(stamps.to_pandas().to_numpy(), index=index).astype("datetime64[ns]")
    if column.kind is Kind.INTEGER:
        values = pc.cast(values, pa.int64())  # then to Int64 directly, never through float64
    nullable = {pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}
    frame = pa.table({"v": values}).to_pandas(types_mapper=nullable.get)
    return pd.Series(frame["v"].array, index=index).astype(DTYPES[column.kind])


class _TableReader:
    """One Parquet table into the typed frame `Dataset` expects, with the problems its cells have."""

    def __init__(self, table: Table, arrow: pa.Table, where: str, frames: Frames, settings: Settings):
        self.table, self.arrow, self.where, self.frames, self.settings = table, arrow, where, frames, settings
        self.index = pd.RangeIndex(FIRST_ROW, FIRST_ROW + arrow.num_rows)
        self.issues: list[Issue] = []

    def _companions(self) -> dict[str, str]:
        """Stored name of each `<date-time column>_time_known` flag, keyed by its column."""
        datetimes = {c.name for c in self.table.columns if c.kind is Kind.DATETIME}
        found = {}
        for name in self.arrow.column_names:
            base = header_key(name).removesuffix(TIME_KNOWN)
            if base != header_key(name) and base in datetimes:
                found[base] = name
        return found

    def _typed(self, column: Column, stored: str) -> tuple[pd.Series, pd.Series | None]:
        """Typed values, and for a date-time whether each hour was recorded (None: the stored type says
        nothing, as for timestamps; date32 values are days alone)."""
        values = self.arrow.column(stored)
        if _plain_text(column, values):
            text = pa.table({"v": values}).to_pandas(types_mapper={pa.string(): pd.StringDtype()}.get)["v"]
            return pd.Series(text.array, index=self.index, dtype="string"), None
        if _native(column, values):
            try:
                typed = _native_values(column, values, self.index)
            except pa.ArrowException:
                pass  # out of the representable range: read as text, which names each cell
            else:
                day_only = pa.types.is_date(values.type) and column.kind is Kind.DATETIME
                return typed, pd.Series(False, index=self.index, dtype="boolean") if day_only else None
        cells = _as_cells(values, self.where, stored, self.index)
        parsed, unread = read_cells(self.frames, self.table.name, column, cells, self.settings)
        self.issues += unread
        return parsed.values, parsed.time_known

    def _time_known(self, at: pd.Series, from_type: pd.Series | None, companion: str | None) -> pd.Series:
        """The stored flag where there is one, else what the stored type says, else True (a full timestamp),
        and blank where there is no time, as `Dataset` keeps it."""
        known = pd.Series(pd.NA, index=self.index, dtype="boolean")
        if companion is not None:
            known, _ = self._typed(Column(companion, Kind.BOOLEAN, ""), companion)
        if from_type is not None:
            known = known.fillna(from_type)
        return known.fillna(True).where(at.notna()).astype("boolean")

    def read(self) -> pd.DataFrame:
        companions = self._companions()
        headers = [n for n in self.arrow.column_names if n not in companions.values()]
        raw = RawTable(self.where, None, pd.DataFrame(columns=headers))
        named, self.issues = check_headers(self.table, raw)
        stored = dict(zip(map(header_key, headers), headers, strict=True))
        typed: dict[str, pd.Series] = {}
        for column in self.table.columns:
            if column.name not in named:
                self.frames.absent.add((self.table.name, column.name))
                typed[column.name] = pd.Series(pd.NA, index=self.index, dtype=DTYPES[column.kind])
                if column.kind is Kind.DATETIME:
                    typed[time_known_column(column.name)] = pd.Series(
                        pd.NA, index=self.index, dtype="boolean"
                    )
                continue
            values, known = self._typed(column, stored[column.name])
            if column.vocabulary is not None:
                codes = values.map({v: column.vocabulary.normalise(v) for v in values.dropna().unique()})
                values = codes.where(codes.notna(), values).astype("string")
            typed[column.name] = values
            if column.kind is Kind.DATETIME:
                typed[time_known_column(column.name)] = self._time_known(
                    values, known, companions.get(column.name)
                )
        return pd.DataFrame(typed, index=self.index)


def check_parquet(
    path: str | Path, settings: Settings | None = None, schema: Schema = CONTRACT, skip: Collection[str] = ()
) -> tuple[Dataset | None, list[Issue]]:
    """Every problem of the Parquet dataset at `path`, and the dataset when there is no error.

    Tables named in `skip` are found but not read (they stay empty in the dataset): a dataframe engine reads
    and checks them itself (`iectox.engine`), for observations too many for memory."""
    folder = Path(path)
    if not folder.is_dir():
        raise SourceError(str(folder), "is not a folder of Parquet files")
    settings = settings or Settings()
    parts, extra = table_parts(folder, schema)
    where = {name: f"{name}{SUFFIX}" for name in parts}
    raw = {name: RawTable(where[name], None, pd.DataFrame()) for name in parts}
    issues = check_tables(schema, raw, folder.name, extra)
    frames = Frames({}, {name: (where[name], None) for name in parts}, schema=schema)
    for table in schema.tables:
        if table.name not in parts or table.name in skip:
            frames.tables[table.name] = Dataset()[table.name]
            continue
        reader = _TableReader(
            table, read_arrow(parts[table.name], where[table.name]), where[table.name], frames, settings
        )
        frames.tables[table.name] = reader.read()
        issues += reader.issues
    if not any(i.rule == MISSING_TABLE.id for i in issues):
        issues += run_rules(frames, settings)
    order = {where[t.name]: n for n, t in enumerate(schema.tables) if t.name in where}
    issues.sort(key=lambda i: (order.get(i.file, -1), i.row or 0))
    if any(i.severity == "error" for i in issues):
        return None, issues
    dataset = Dataset.from_frames(frames.tables)
    if not skip and schema is CONTRACT:  # every table read and every rule run: no error
        mark_valid(dataset, settings, frames.tables)
    return dataset, issues


def read_parquet_dataset(path: str | Path, settings: Settings | None = None) -> Dataset:
    """The dataset at `path`, or `DatasetInvalid` with every problem; never a partial dataset."""
    dataset, issues = check_parquet(path, settings)
    if dataset is None:
        raise DatasetInvalid(issues)
    return dataset


__all__ = [
    "ARROW_TYPES",
    "SUFFIX",
    "arrow_schema",
    "check_parquet",
    "is_parquet_dataset",
    "read_arrow",
    "read_parquet_dataset",
    "table_parts",
    "to_arrow",
    "write_parquet_dataset",
]
