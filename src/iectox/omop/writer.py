"""Writing the OMOP tables whole or not at all: into a new DuckDB file renamed into place, or into a PostgreSQL
schema in one transaction.

Each place holds a small table `iectox_omop` (what wrote it, from which DDL and concept table), the mark that
lets a later export replace it: an existing file or schema holding OMOP tables without it (a CDM loaded by
someone else) is refused, never overwritten.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import psycopg
from psycopg import sql

from iectox.errors import OutputRefused, SpecError, without_password
from iectox.i18n import N_
from iectox.io.atomic import atomic_file
from iectox.omop.ddl import CdmColumn, CdmTable, cdm_tables
from iectox.omop.tables import OmopTables

MARK = "iectox_omop"
MARK_ROWS = (
    ("writer", "iectox"),
    ("cdm_version", "5.4"),
    ("ddl", "OHDSI/CommonDataModel f853f6e inst/ddl/5.4 (iectox/data/omop/cdm_v5.4_ddl.sql)"),
    ("concepts", "iectox/data/omop/concepts.csv (local concepts above 2000000000)"),
)
SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_SQL_TYPE = {"integer": "INTEGER", "date": "DATE", "timestamp": "TIMESTAMP", "numeric": "DOUBLE"}
"""DuckDB's type for each kind of the DDL's columns; varchar and text are VARCHAR."""


def _duckdb_type(column: CdmColumn) -> str:
    """The type a frame's column is cast to before it goes into the DDL's column (which may narrow it)."""
    return _SQL_TYPE.get(column.kind, "VARCHAR")


def refuse_too_long(tables: OmopTables, where: str) -> None:
    """An `OutputRefused` naming the first value longer than its column's varchar(n): OMOP's DDL limits the
    source values to 50 characters (iectox ids may have 64), and a cut id would no longer be the patient's."""
    for name, table in cdm_tables().items():
        for column in table.columns:
            limit = re.fullmatch(r"varchar\((\d+)\)", column.type.lower())
            if limit is None:  # only a varchar(n) has a length: dates and numbers are not made text
                continue
            values = tables.frames[name][column.name].dropna().astype(str)
            too_long = values[values.str.len() > int(limit.group(1))]
            if len(too_long):
                raise OutputRefused(
                    where,
                    N_("{column} holds at most {n} characters in OMOP's DDL; '{value}' is longer"),
                    column=f"{name}.{column.name}",
                    n=int(limit.group(1)),
                    value=too_long.iloc[0],
                )


def _marked(path: Path) -> bool:
    """Whether the DuckDB file at `path` holds iectox's mark: an earlier export of iectox (`own` test of
    `atomic_file`, which then writes no file beside it)."""
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            tables = {
                row[0] for row in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
            }
    except duckdb.Error:
        return False
    return MARK in tables


def _refuse_foreign_duckdb(path: Path) -> None:
    if path.is_dir():
        raise OutputRefused(str(path), N_("it is a folder; give a file name ending in .duckdb"))
    if path.exists() and not _marked(path):
        raise OutputRefused(str(path), N_("it exists and iectox omop did not write it; it is left as it is"))


def _insert_duckdb(con: duckdb.DuckDBPyConnection, table: CdmTable, frame: pd.DataFrame) -> None:
    con.register("frame", frame)
    columns = ", ".join(f'CAST("{c.name}" AS {_duckdb_type(c)})' for c in table.columns)
    con.execute(f"INSERT INTO main.{table.name} SELECT {columns} FROM frame")
    con.unregister("frame")


def write_duckdb_file(tables: OmopTables, path: Path) -> None:
    """The tables into a new DuckDB file at `path` (replacing only an earlier export of iectox)."""
    _refuse_foreign_duckdb(path)
    refuse_too_long(tables, str(path))
    with atomic_file(path, own=_marked) as tmp:
        tmp.unlink()  # DuckDB creates its own file; an empty one is not a database
        with duckdb.connect(str(tmp)) as con:
            for name, table in cdm_tables().items():
                con.execute(table.create("main"))
                _insert_duckdb(con, table, tables.frames[name])
            con.execute(f"CREATE TABLE main.{MARK} (key VARCHAR NOT NULL, value VARCHAR NOT NULL)")
            con.executemany(f"INSERT INTO main.{MARK} VALUES (?, ?)", list(MARK_ROWS))
            con.execute("CHECKPOINT")
        Path(f"{tmp}.wal").unlink(missing_ok=True)


def check_schema(schema: str) -> str:
    """`schema` if it is a plain lower-case SQL name, else a `SpecError` (it is put into statements)."""
    if not SCHEMA_NAME.match(schema):
        raise SpecError(
            f"--schema: '{schema}' is not a schema name; use lower-case letters, digits and _ (e.g. cdm)",
            key="schema",
            value=schema,
            allowed=("cdm", "omop_iectox"),
        )
    return schema


def _python(frame: pd.DataFrame, table: CdmTable) -> list[tuple]:
    """The rows as Python values of the DDL's types, None for every missing value (NaT, NA, NaN)."""
    columns = []
    for column in table.columns:
        values = frame[column.name]
        missing = values.isna().to_numpy()
        if column.kind == "date":
            values = pd.to_datetime(values).dt.date.astype(object)
        elif column.kind == "timestamp":
            values = pd.to_datetime(values).astype(object)  # Timestamps: datetimes to psycopg
        elif column.kind == "integer":
            values = values.astype("Int64").astype(object)
        elif column.kind == "numeric":
            values = values.astype("Float64").astype(object)
        else:
            values = values.astype("string").astype(object)
        columns.append(np.where(missing, None, values.to_numpy(dtype=object)))
    return list(zip(*columns, strict=True))


def write_postgres_schema(tables: OmopTables, url: str, schema: str) -> None:
    """The tables into `schema` of the PostgreSQL database at `url`, in one transaction: a failure leaves the
    schema as it was."""
    schema = check_schema(schema)
    refuse_too_long(tables, without_password(url))
    try:
        _write_postgres(tables, url, schema)
    except psycopg.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise OutputRefused(
            without_password(url), N_("PostgreSQL did not take the export: {error}"), error=first
        ) from None


def _write_postgres(tables: OmopTables, url: str, schema: str) -> None:
    with psycopg.connect(url) as conn, conn.transaction():
        present = {
            row[0]
            for row in conn.execute(  # pg_class: information_schema hides tables the user may not read
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = %s AND c.relkind IN ('r', 'p', 'v', 'm', 'f')",
                (schema,),
            )
        }
        ours = set(cdm_tables())
        if present & ours and MARK not in present:
            raise OutputRefused(
                f"schema {schema}",
                N_("it holds OMOP tables that iectox omop did not write; they are left as they are"),
            )
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
        for name in [*cdm_tables(), MARK]:
            conn.execute(
                sql.SQL("DROP TABLE IF EXISTS {}.{}").format(sql.Identifier(schema), sql.Identifier(name))
            )
        for name, table in cdm_tables().items():
            conn.execute(table.create(schema))
            copy = sql.SQL("COPY {}.{} ({}) FROM STDIN").format(
                sql.Identifier(schema),
                sql.Identifier(name),
                sql.SQL(", ").join(map(sql.Identifier, table.names)),
            )
            with conn.cursor().copy(copy) as writer:
                for row in _python(tables.frames[name], table):
                    writer.write_row(row)
        conn.execute(
            sql.SQL("CREATE TABLE {}.{} (key varchar NOT NULL, value varchar NOT NULL)").format(
                sql.Identifier(schema), sql.Identifier(MARK)
            )
        )
        with conn.cursor() as cursor:
            cursor.executemany(
                sql.SQL("INSERT INTO {}.{} VALUES (%s, %s)").format(
                    sql.Identifier(schema), sql.Identifier(MARK)
                ),
                list(MARK_ROWS),
            )
