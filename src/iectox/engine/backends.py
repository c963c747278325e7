"""The engines the SQL runs on: DuckDB on one machine (the default), Apache Spark for larger registries.

A backend does five things only: register an Arrow table, scan Parquet part files as a table whose `ord`
column is each row's position in the dataset (file after file, in name order), define a view from SQL or a
table computed once (`materialize`), and return a query's rows as Arrow. Everything else is the shared SQL
(`iectox.engine.grading`), translated by `iectox.engine.dialect`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import reduce
from pathlib import Path
from typing import Protocol

import pyarrow as pa

from iectox.engine.dialect import translate


class Backend(Protocol):
    name: str

    def table(self, name: str, rows: pa.Table) -> None: ...

    def scan(self, name: str, parts: Sequence[Path]) -> None: ...

    def view(self, name: str, sql: str) -> None: ...

    def materialize(self, name: str, sql: str) -> None: ...

    def arrow(self, sql: str) -> pa.Table: ...

    def close(self) -> None: ...


def offsets(parts: Sequence[Path]) -> list[int]:
    """Position of each part's first row in the whole table (from the Parquet footers, no data read)."""
    import pyarrow.parquet as pq  # imported when used: a report of a workbook never reads Parquet

    starts, total = [], 0
    for part in parts:
        starts.append(total)
        total += pq.read_metadata(part).num_rows
    return starts


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


class DuckDB:
    """DuckDB in this process, within `memory_limit` (spilling to `temp_directory` beyond it)."""

    name = "duckdb"

    def __init__(
        self, memory_limit: str = "6GB", threads: int | None = None, temp_directory: str | None = None
    ) -> None:
        import duckdb  # imported when used: a report of a workbook never starts DuckDB

        self.connection = duckdb.connect()
        self.connection.execute(f"SET memory_limit = '{memory_limit}'")
        self.connection.execute(f"SET threads = {int(threads or os.cpu_count() or 1)}")
        self.connection.execute("SET preserve_insertion_order = false")
        if temp_directory:
            self.connection.execute(f"SET temp_directory = {_quoted(Path(temp_directory))}")

    def table(self, name: str, rows: pa.Table) -> None:
        self.connection.register(name, rows)

    def scan(self, name: str, parts: Sequence[Path]) -> None:
        selects = [
            f"SELECT * EXCLUDE (file_row_number), file_row_number + {start} AS ord "
            f"FROM read_parquet({_quoted(part)}, file_row_number = true)"
            for part, start in zip(parts, offsets(parts), strict=True)
        ]
        self.connection.execute(f"CREATE OR REPLACE VIEW {name} AS {' UNION ALL '.join(selects)}")

    def view(self, name: str, sql: str) -> None:
        self.connection.execute(f"CREATE OR REPLACE VIEW {name} AS {sql}")

    def materialize(self, name: str, sql: str) -> None:
        self.connection.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")

    def arrow(self, sql: str) -> pa.Table:
        return self.connection.sql(sql).to_arrow_table()

    def close(self) -> None:
        self.connection.close()


class Spark:
    """PySpark, in local mode by default (`master="local[2]"`); on a cluster, pass its master URL."""

    name = "spark"

    def __init__(self, master: str = "local[2]", memory: str = "2g") -> None:
        from pyspark.sql import SparkSession

        self.session = (
            SparkSession.builder.master(master)
            .appName("iectox")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.memory", memory)
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.timestampType", "TIMESTAMP_NTZ")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .getOrCreate()
        )
        self.session.sparkContext.setLogLevel("ERROR")

    def table(self, name: str, rows: pa.Table) -> None:
        self.session.createDataFrame(rows).createOrReplaceTempView(name)

    def scan(self, name: str, parts: Sequence[Path]) -> None:
        from pyspark.sql import functions as F

        frames = [
            self.session.read.parquet(str(part)).select(
                "*", (F.col("_metadata.row_index") + start).alias("ord")
            )
            for part, start in zip(parts, offsets(parts), strict=True)
        ]
        reduce(lambda a, b: a.unionByName(b), frames).createOrReplaceTempView(name)

    def view(self, name: str, sql: str) -> None:
        self.session.sql(translate(sql, self.name)).createOrReplaceTempView(name)

    def materialize(self, name: str, sql: str) -> None:
        self.session.sql(translate(sql, self.name)).cache().createOrReplaceTempView(name)

    def arrow(self, sql: str) -> pa.Table:
        return self.session.sql(translate(sql, self.name)).toArrow()

    def close(self) -> None:
        self.session.stop()


def connect(engine: str, **options: object) -> Backend:
    """A backend by name: "duckdb" (default) or "spark"."""
    if engine == "duckdb":
        return DuckDB(**options)  # type: ignore[arg-type]
    if engine == "spark":
        return Spark(**options)  # type: ignore[arg-type]
    raise ValueError(f"unknown engine {engine!r}: use duckdb or spark")
