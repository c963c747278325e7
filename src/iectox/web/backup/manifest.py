"""The manifest written beside every snapshot: what it holds, when it was taken, and the SHA-256 that proves it
whole.

`backup.dump` has `backup.dump.json` beside it. `restore` reads nothing of a snapshot before the manifest has
vouched for it: same size, same checksum. A snapshot without its manifest, or whose manifest is not one, is
refused as it is: a backup that cannot be checked is not restored.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path

from iectox import __version__
from iectox.errors import SourceError
from iectox.i18n import N_

FORMAT = "iectox-snapshot/1"
CONTENT = {"sqlite": "sqlite3-database", "postgresql": "pg_dump-custom"}
"""What the snapshot file is, per engine: a SQLite database file (its online backup), or pg_dump's custom
format (read by pg_restore)."""
CHUNK = 1 << 20


@dataclass(frozen=True)
class Manifest:
    format: str
    engine: str
    content: str
    created_at: str
    size: int
    sha256: str
    iectox_version: str
    source: str
    server_version: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def manifest_path(snapshot: Path) -> Path:
    return snapshot.with_name(snapshot.name + ".json")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def describe(snapshot: Path, engine: str, source: str, server_version: str) -> Manifest:
    """The manifest of a snapshot file just written."""
    return Manifest(
        format=FORMAT,
        engine=engine,
        content=CONTENT[engine],
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        size=snapshot.stat().st_size,
        sha256=sha256(snapshot),
        iectox_version=__version__,
        source=source,
        server_version=server_version,
    )


def read_manifest(snapshot: Path) -> Manifest:
    """The manifest beside `snapshot`; `SourceError` when there is none or it is not a manifest."""
    path = manifest_path(snapshot)
    if not snapshot.is_file():
        raise SourceError(str(snapshot), N_("there is no snapshot file here"))
    if not path.is_file():
        raise SourceError(
            str(snapshot),
            N_(
                "its manifest {manifest} is missing; a snapshot is restored only with the manifest that checks it"
            ),
            manifest=path.name,
        )
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        manifest = Manifest(**{f.name: record[f.name] for f in fields(Manifest)})
        known = manifest.format == FORMAT and CONTENT.get(manifest.engine) == manifest.content
    except (ValueError, TypeError, KeyError) as exc:
        raise SourceError(str(path), N_("this is not an iectox snapshot manifest")) from exc
    if not known:
        raise SourceError(
            str(path),
            N_("snapshot format {format} of {engine} is not one this iectox reads ({known})"),
            format=manifest.format,
            engine=manifest.engine,
            known=FORMAT,
        )
    return manifest


def verify(snapshot: Path, manifest: Manifest) -> None:
    """`SourceError` unless the snapshot has the size and SHA-256 its manifest says: a damaged or altered file
    is never loaded."""
    size = snapshot.stat().st_size
    if size != manifest.size:
        raise SourceError(
            str(snapshot),
            N_(
                "the snapshot is damaged: {size} bytes where its manifest says {expected}; nothing was restored"
            ),
            size=size,
            expected=manifest.size,
        )
    found = sha256(snapshot)
    if found != manifest.sha256:
        raise SourceError(
            str(snapshot),
            N_(
                "the snapshot is damaged: its SHA-256 is {found}, its manifest says {expected}; nothing was "
                "restored"
            ),
            found=found,
            expected=manifest.sha256,
        )
