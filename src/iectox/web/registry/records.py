"""Registry rows and the library's `Dataset`, both ways: what the library checks, grades and reports is read
from the database here, and a dataset (the synthetic demo cohort, an import) is stored here, whole or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import pandas as pd
from django.db import connection, transaction
from django.db.models import QuerySet
from simple_history.utils import bulk_create_with_history

from iectox.dataset import Dataset, conform
from iectox.io.text import table_text
from iectox.schema import CONTRACT, Kind
from iectox.web.registry.derive import stored_columns
from iectox.web.registry.models import BY_TABLE, Infusion, Patient, Record

BATCH = 2000
ANALYSE_ROWS = 1000  # a store of at least this many rows refreshes PostgreSQL's statistics of its tables


def _values(rows: QuerySet[Record]) -> pd.DataFrame:
    """The rows' stored columns as read, in the queryset's order (not yet in the contract's dtypes)."""
    columns = stored_columns(rows.model.contract)
    return pd.DataFrame.from_records(list(rows.values_list(*columns)), columns=columns)


def numbered_values(rows: QuerySet[Record]) -> tuple[pd.DataFrame, list[int]]:
    """The rows' stored columns as `_values` reads them, and their numbers (primary keys), in one query."""
    columns = stored_columns(rows.model.contract)
    read = list(rows.values_list("pk", *columns))
    values = pd.DataFrame.from_records([row[1:] for row in read], columns=columns)
    return values, [row[0] for row in read]


def frame(rows: QuerySet[Record]) -> pd.DataFrame:
    """The rows as the dataset's frame of their table (the contract's dtypes), in the queryset's order."""
    return conform(rows.model.contract, _values(rows))  # its own table only: a form reads a few of these


def patients_rows(
    patients: QuerySet[Patient], tables: Iterable[str] | None = None
) -> dict[str, QuerySet[Record]]:
    """Every row of these patients, table by table (`tables`, by default all), in each model's order."""
    infusions = Infusion.objects.filter(patient__in=patients)
    rows: dict[str, QuerySet[Record]] = {"patients": patients, "infusions": infusions}
    for name, model in BY_TABLE.items():
        if name not in rows:
            rows[name] = model.objects.filter(infusion__in=infusions)
    return rows if tables is None else {name: rows[name] for name in tables}


def rows_dataset(
    rows: Mapping[str, QuerySet[Record]], read: Mapping[str, pd.DataFrame] | None = None
) -> Dataset:
    """These rows, table by table, as one dataset (the tables not given empty); `read`: tables already read
    (`record_values`). Each table is conformed once, by the dataset (not first by `frame`: conforming costs
    about 1 ms a table, whatever its rows)."""
    return Dataset.from_frames({**{name: _values(each) for name, each in rows.items()}, **(read or {})})


def patients_dataset(patients: QuerySet[Patient], tables: Iterable[str] | None = None) -> Dataset:
    """Every row of these patients as one dataset (an export, a study, a patient's timeline); `tables`: only
    these are read, the others left empty."""
    return rows_dataset(patients_rows(patients, tables))


def patient_dataset(patient: Patient, tables: Iterable[str]) -> Dataset:
    """The rows of one patient in `tables` (the others empty) as one dataset, its own row taken from `patient`
    as read (a page has it already: one query fewer)."""
    rows = patients_rows(Patient.objects.filter(pk=patient.pk), tables)
    mine = {"patients": record_values(patient)} if "patients" in rows else {}
    return rows_dataset({name: each for name, each in rows.items() if name != "patients"}, mine)


def record_values(record: Record) -> pd.DataFrame:
    """A record already read as `_values` reads its row (one row of its stored columns)."""
    columns = stored_columns(record.contract)
    return pd.DataFrame([[getattr(record, name) for name in columns]], columns=columns)


def python_value(value: object) -> object:
    """A dataset cell as the model field takes it: None for NA, `datetime`/`date` objects, plain numbers."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value.item() if hasattr(value, "item") else value


def model_values(table: str, values: Mapping[str, object]) -> dict[str, object]:
    """A typed row (dataset column -> value) as model attributes; a date column's value is a `date`."""
    dates = {c.name for c in CONTRACT.table(table).columns if c.kind is Kind.DATE}
    out = {}
    for name in stored_columns(CONTRACT.table(table)):
        value = python_value(values.get(name))
        out[name] = value.date() if name in dates and isinstance(value, dt.datetime) else value
    return out


def store(dataset: Dataset, tables: Iterable[str] | None = None) -> dict[str, int]:
    """Insert every row of `dataset` (into an empty registry, or beside rows whose codes differ), each with its
    "created" history entry; all or nothing. Returns the number of rows per table."""
    counts = {}
    with transaction.atomic():
        for name in tables or CONTRACT.table_names:
            model = BY_TABLE[name]
            records = [model(**model_values(name, row)) for row in dataset[name].to_dict("records")]
            bulk_create_with_history(records, model, batch_size=BATCH)
            counts[name] = len(records)
        if sum(counts.values()) >= ANALYSE_ROWS:
            analyse([name for name, n in counts.items() if n])
    return counts


def analyse(tables: Iterable[str]) -> None:
    """Refresh PostgreSQL's statistics of these tables, in the current transaction (ANALYZE counts its own new
    rows). PostgreSQL plans from them: a table analysed while empty (after rows were deleted or rolled back) and
    then filled in bulk is planned as if still empty, with nested loops over whole tables (minutes to read the
    demo cohort back) until autovacuum analyses it again. Nothing to do on SQLite."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for name in tables:
            cursor.execute(f'ANALYZE "{BY_TABLE[name]._meta.db_table}"')


def record_text(record: Record) -> dict[str, str]:
    """The record's columns as the text a user would type ("" for a blank): a form's initial values."""
    table = record.contract
    typed = frame(type(record).objects.filter(pk=record.pk))
    return {name: str(value) for name, value in table_text(typed, table).iloc[0].items()}
