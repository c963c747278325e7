"""SQLite snapshots by SQLite's online backup API: consistent while the application writes.

The copy is made in one step (`pages=-1`) inside one read transaction of the source, so it is the database as
it was at one instant: a writer waits for the copy (milliseconds per megabyte) or, in WAL mode, goes on
beside it. The snapshot is itself a SQLite database, checked whole (`PRAGMA integrity_check`) before it is
published and again before it is restored.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from iectox.errors import OutputRefused, SourceError
from iectox.i18n import N_
from iectox.web.database import Database

BUSY_TIMEOUT_S = 30.0


def _read_only(path: Path) -> sqlite3.Connection:
    """`path` opened read-only, never created (a URI with mode=ro)."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)


def _check_whole(connection: sqlite3.Connection, path: Path) -> None:
    (result,) = connection.execute("PRAGMA integrity_check(1)").fetchone()
    if result != "ok":
        raise SourceError(str(path), N_("the SQLite database is damaged: {detail}"), detail=result)


def dump(database: Database, out: Path) -> str:
    """Copy the database into the (new, empty) file `out`; SQLite's version."""
    path = database.path
    assert path is not None
    if not path.is_file():
        raise SourceError(str(path), N_("there is no database here; nothing to back up"))
    try:
        with closing(_read_only(path)) as source, closing(sqlite3.connect(out)) as copy:
            source.backup(copy)
            _check_whole(copy, out)
    except sqlite3.DatabaseError as exc:
        raise _unreadable(path, exc) from exc
    return sqlite3.sqlite_version


def _unreadable(path: Path, exc: sqlite3.DatabaseError) -> SourceError:
    return SourceError(str(path), N_("it cannot be read as a SQLite database ({cause})"), cause=str(exc))


def _schema(database: Database, query: str) -> list[tuple[object, ...]]:
    path = database.path
    assert path is not None
    if not path.exists():
        return []
    try:
        with closing(_read_only(path)) as connection:
            return connection.execute(query).fetchall()
    except sqlite3.DatabaseError as exc:
        raise _unreadable(path, exc) from exc


def tables(database: Database) -> list[str]:
    """The database's tables (SQLite's own excepted), by name; none when the file does not exist yet."""
    query = "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    return [str(name) for (name,) in _schema(database, query)]


def objects(database: Database) -> int:
    """How many tables, views, indexes and triggers the database holds: 0 for an empty one."""
    return len(_schema(database, "SELECT name FROM sqlite_schema"))


def load(snapshot: Path, database: Database) -> None:
    """Copy the snapshot (already verified by its manifest) into the empty database, whole."""
    path = database.path
    assert path is not None
    try:
        with closing(_read_only(snapshot)) as source:
            _check_whole(source, snapshot)
            path.parent.mkdir(parents=True, exist_ok=True)
            with closing(sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)) as target:
                source.backup(target)
    except sqlite3.DatabaseError as exc:
        raise _unreadable(snapshot, exc) from exc
    except OSError as exc:
        raise OutputRefused(
            str(path), N_("it cannot be written ({cause})"), cause=exc.strerror or str(exc)
        ) from exc
