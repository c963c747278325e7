"""The one dialect layer: the engine's SQL is written once, in DuckDB's dialect, and translated for the others.

sqlglot parses the DuckDB SQL and writes it for the target engine (struct literals become `STRUCT(...)`,
`date_diff('microsecond', ...)` becomes `DATEDIFF(MICROSECOND, ...)`...), so no query is written twice.
"""

from __future__ import annotations

AUTHORED = "duckdb"
ENGINES = {"duckdb": "duckdb", "spark": "spark"}  # engine -> sqlglot dialect


def translate(sql: str, engine: str) -> str:
    """`sql` (DuckDB dialect) as the engine's SQL."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}: use one of {', '.join(ENGINES)}")
    if ENGINES[engine] == AUTHORED:
        return sql
    import sqlglot  # imported when used: a report of a workbook translates no SQL

    return sqlglot.transpile(sql, read=AUTHORED, write=ENGINES[engine])[0]
