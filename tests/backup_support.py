"""The seed cohort as database tables, and concurrent writers, for the backup tests on both engines.

The comparison is generic: the tables are listed from the database itself, and every row of every table is
read in a stable order, so that a table added by a migration is compared without a change here.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from functools import cache
from pathlib import Path

import pandas as pd

from factories import seed_cohort

ORDERS = """
CREATE TABLE orders (id INTEGER PRIMARY KEY, placed_at TEXT NOT NULL);
CREATE TABLE order_lines (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL REFERENCES orders(id), amount INTEGER);
"""
"""What the concurrent writer fills: each transaction adds one order and three lines whose amounts sum to 0,
so that a snapshot taken in the middle of a transaction would show an order without its lines, or an
unbalanced one."""
LINES = (5, -2, -3)
CUT_TRANSACTIONS = """
SELECT (SELECT count(*) FROM orders o
        WHERE (SELECT count(*) FROM order_lines l WHERE l.order_id = o.id) <> 3
           OR (SELECT coalesce(sum(amount), 1) FROM order_lines l WHERE l.order_id = o.id) <> 0)
     + (SELECT count(*) FROM order_lines l WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = l.order_id))
"""
"""How many orders lack a line or do not balance, plus lines without their order: 0 in a consistent snapshot
(the same SQL on SQLite and PostgreSQL)."""


@cache
def seed_tables() -> dict[str, pd.DataFrame]:
    dataset = seed_cohort()
    return {name: dataset[name] for name in dataset}


def sqlite_rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table of the SQLite database (listed from sqlite_schema), its rows ordered by every column."""
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as connection:
        names = [n for (n,) in connection.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")]
        rows = {}
        for name in names:
            width = len(connection.execute(f'PRAGMA table_info("{name}")').fetchall())
            order = ", ".join(str(i) for i in range(1, width + 1))
            rows[name] = connection.execute(f'SELECT * FROM "{name}" ORDER BY {order}').fetchall()
        return rows


def sqlite_schema(path: Path) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as connection:
        return connection.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name"
        ).fetchall()
