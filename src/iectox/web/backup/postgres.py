"""PostgreSQL snapshots by pg_dump's custom format, restored by pg_restore in one transaction.

pg_dump reads the whole database in one repeatable-read transaction: the snapshot is the database at one
instant while the application goes on writing. pg_restore loads it with `--single-transaction
--exit-on-error`: all of it or, on any error, nothing. Objects are restored as owned by the role that
restores (`--no-owner --no-privileges`), so that a snapshot moves to a server whose roles differ.

The programs are PostgreSQL's own: the newest installed in /usr/lib/postgresql/N/bin (Debian keeps them
there), else those on the PATH; `IECTOX_PG_BINDIR` chooses others (pg_dump must be as new as the server).
The password reaches them in PGPASSWORD, never on their command line.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
from pathlib import Path

from iectox.errors import SourceError
from iectox.i18n import N_
from iectox.web.database import Database

TIMEOUT_S = 6 * 3600
ERROR_TAIL = 600
USER_RELATIONS = """
SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
  AND c.relkind IN ({kinds}) ORDER BY n.nspname, c.relname
"""
TABLE_KINDS = "'r', 'p'"
OBJECT_KINDS = "'r', 'p', 'v', 'm', 'S', 'f'"


def program(name: str) -> Path:
    """PostgreSQL's program `name` (pg_dump, pg_restore, psql)."""
    chosen = os.environ.get("IECTOX_PG_BINDIR")
    if chosen:
        candidates = [str(Path(chosen) / name)]
    else:
        versions = glob.glob(f"/usr/lib/postgresql/*/bin/{name}")
        candidates = sorted(versions, key=lambda p: int(Path(p).parts[-3].split(".")[0]), reverse=True)
        candidates.append(shutil.which(name) or "")
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return Path(candidate)
    raise SourceError(
        name,
        N_(
            "PostgreSQL's client programs (pg_dump, pg_restore, psql) are not installed; install postgresql-client"
        ),
    )


def _run(database: Database, argv: list[str]) -> str:
    """Run a PostgreSQL program against `database`; its output, or `SourceError` with the end of its errors."""
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10", **database.password_environment()}
    try:
        done = subprocess.run(
            [str(program(argv[0])), *argv[1:]],
            capture_output=True,
            text=True,
            env=env,
            stdin=subprocess.DEVNULL,
            timeout=TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise SourceError(
            database.shown(),
            N_("{program} did not finish within {hours} h"),
            program=argv[0],
            hours=TIMEOUT_S // 3600,
        ) from exc
    if done.returncode != 0:
        raise SourceError(
            database.shown(),
            N_("{program} failed: {output}"),
            program=argv[0],
            output=done.stderr.strip()[-ERROR_TAIL:] or f"exit status {done.returncode}",
        )
    return done.stdout


def _query(database: Database, sql: str) -> list[str]:
    out = _run(
        database,
        ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", database.conninfo(), "-c", sql],
    )
    return out.splitlines()


def tables(database: Database) -> list[str]:
    """The database's tables, by name (every schema but PostgreSQL's own)."""
    return _query(database, USER_RELATIONS.format(kinds=TABLE_KINDS))


def objects(database: Database) -> int:
    """How many tables, views, sequences and foreign tables the database holds: 0 for an empty one."""
    return len(_query(database, USER_RELATIONS.format(kinds=OBJECT_KINDS)))


def dump(database: Database, out: Path) -> str:
    """pg_dump of the database into `out` (custom format); the server's version, read back from the archive,
    which proves it readable."""
    _run(
        database,
        ["pg_dump", "--format=custom", "--no-password", f"--file={out}", f"--dbname={database.conninfo()}"],
    )
    return _archive_version(out, database)


def _archive_version(snapshot: Path, database: Database) -> str:
    listing = _run(database, ["pg_restore", "--list", str(snapshot)])
    found = re.search(r"^;\s+Dumped from database version: (\S+)", listing, re.MULTILINE)
    return found[1] if found else ""


def load(snapshot: Path, database: Database) -> None:
    """pg_restore of the snapshot (already verified by its manifest) into the empty database, whole or not
    at all."""
    _run(
        database,
        [
            "pg_restore",
            "--single-transaction",
            "--exit-on-error",
            "--no-owner",
            "--no-privileges",
            "--no-password",
            f"--dbname={database.conninfo()}",
            str(snapshot),
        ],
    )
