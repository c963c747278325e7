"""`backup` and `restore`: a snapshot of the application's database with its manifest, and its return into an
empty database.

A snapshot is written beside its target and renamed into place once flushed to disk, then its manifest beside
it: the snapshot is never seen half-written, and one without its manifest is not restored. An existing file
is never replaced (a backup that overwrote the previous one could lose both). `restore` verifies the
manifest's size and SHA-256 before reading the snapshot, refuses a snapshot of the other engine and a target
database that holds anything, and loads the whole snapshot or nothing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TypeVar

from iectox.errors import OutputRefused, SourceError
from iectox.i18n import N_
from iectox.io.atomic import atomic_file
from iectox.io.owned import never
from iectox.web.backup import postgres, sqlite
from iectox.web.backup.manifest import Manifest, describe, manifest_path, read_manifest, verify
from iectox.web.database import Database, database

ENGINES: dict[str, ModuleType] = {"sqlite": sqlite, "postgresql": postgres}
T = TypeVar("T")


@dataclass(frozen=True)
class Restored:
    """What `restore` did: the snapshot's manifest, the database it went into, the tables it now holds."""

    manifest: Manifest
    database: Database
    tables: tuple[str, ...]


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _published(path: Path, write: Callable[[Path], T]) -> T:
    """`write(tmp)` into a temporary file beside `path`, flushed to disk, then renamed to `path`; what
    `write` returned."""
    try:
        with atomic_file(path, own=never, private=True) as tmp:  # never replaced; its owner's only
            written = write(tmp)
            _fsync(tmp)
    except OSError as exc:
        raise OutputRefused(
            str(path), N_("it cannot be written ({cause})"), cause=exc.strerror or str(exc)
        ) from exc
    _fsync(path.parent)  # the rename itself, on disk
    return written


def backup(out: Path, source: Database | None = None) -> Manifest:
    """Snapshot the application's database (`source`, else the one the environment names) into `out`, and
    write `out`.json beside it; the manifest."""
    source = source or database()
    for path in (out, manifest_path(out)):
        if path.exists() or path.is_symlink():
            raise OutputRefused(
                str(path), N_("it exists already; a backup never replaces a file, give a new name")
            )
    version = _published(out, lambda tmp: ENGINES[source.engine].dump(source, tmp))
    manifest = describe(out, source.engine, source.shown(), version)
    text = json.dumps(manifest.as_dict(), indent=2) + "\n"
    _published(manifest_path(out), lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return manifest


def restore(snapshot: Path, target: Database | None = None) -> Restored:
    """Load `snapshot`, checked by its manifest, into the empty database `target` (else the one the
    environment names)."""
    target = target or database()
    manifest = read_manifest(snapshot)
    verify(snapshot, manifest)
    if manifest.engine != target.engine:
        raise SourceError(
            str(snapshot),
            N_("it is a snapshot of a {engine} database; {target} is a {target_engine} database"),
            engine=manifest.engine,
            target=target.shown(),
            target_engine=target.engine,
        )
    engine = ENGINES[target.engine]
    held = engine.objects(target)
    if held:
        raise OutputRefused(
            target.shown(),
            N_(
                "the database is not empty ({n} tables or other objects); a snapshot is restored only into an "
                "empty database"
            ),
            n=held,
        )
    engine.load(snapshot, target)
    return Restored(manifest, target, tuple(engine.tables(target)))
