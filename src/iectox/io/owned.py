"""What iectox may replace: only what it wrote itself, and what it wrote is marked.

A folder iectox writes whole carries the file `.iectox-output` (`MARKER`). A single file cannot carry a mark
inside it in every format (a CSV has no room for one), so beside each file it publishes outside a folder of
its own iectox leaves a small hidden file, `.NAME.iectox-output` (its `sidecar`), holding the size and
modification time the file had when it was published. An existing file is replaced only when

- it lies in a folder carrying the marker (a folder of iectox's, which its next run replaces whole), or
- its sidecar still describes it: a file the user has since edited (saved from Excel) or put in its place
  does not match, and is the user's, or
- its own content marks it as iectox's (the table of an OMOP DuckDB export, the header of a generated page),
  for the writers that give such a test (`own`), or
- the user asked for it (`--force`, where a command offers it).

Anything else is refused (`OutputRefused`) before a byte is written, and left as it is.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

from iectox.errors import OutputRefused
from iectox.i18n import N_

MARKER = ".iectox-output"
"""The file iectox leaves in every folder it writes whole, so that it replaces only folders of its own."""
MARKER_TEXT = "Written by iectox; iectox may replace this folder.\n"
SIDECAR_TEXT = "Written by iectox: the file {name} as iectox published it (size, modification time in ns).\n"

Recognise = Callable[[Path], bool]
"""Whether an existing file carries iectox's mark inside it."""


def never(path: Path) -> bool:
    """The `own` test of a file iectox never replaces (a database snapshot)."""
    return False


def sidecar(path: Path) -> Path:
    """The hidden file beside `path` recording that iectox wrote it."""
    return path.with_name(f".{path.name}{MARKER}")


def in_own_folder(path: Path) -> bool:
    """Whether `path` lies in a folder iectox wrote (and replaces whole)."""
    return (path.parent / MARKER).is_file()


def _fingerprint(path: Path) -> str:
    status = os.lstat(path)
    return f"{status.st_size} {status.st_mtime_ns}"


def _recorded(path: Path) -> str | None:
    """The fingerprint the sidecar of `path` holds; None without a readable sidecar."""
    try:
        lines = sidecar(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    return lines[-1] if lines else None


def record(path: Path) -> None:
    """Write the sidecar of the file iectox has just published at `path` (whole: written, then renamed)."""
    marker = sidecar(path)
    tmp = marker.with_name(f"{marker.name}.{secrets.token_hex(4)}.tmp")
    try:
        tmp.write_text(SIDECAR_TEXT.format(name=path.name) + _fingerprint(path) + "\n", encoding="utf-8")
        os.replace(tmp, marker)
    finally:
        tmp.unlink(missing_ok=True)


def check_output_file(path: Path, force: bool = False, own: Recognise | None = None) -> Path:
    """`path`, or `OutputRefused` when writing there would replace a file iectox did not write (see the
    module's docstring; `own` tests the content instead of the sidecar). Asked before any work is done, and
    again just before the file is put in place."""
    path = Path(path)
    if path.is_dir():
        raise OutputRefused(str(path), N_("it is a folder; give a file name"))
    if not os.path.lexists(path):
        return path
    if not path.is_file():
        raise OutputRefused(str(path), N_("it exists and is not a regular file; give another name"))
    if force or in_own_folder(path):
        return path
    if own is not None:
        mine = own(path)
    else:
        recorded = _recorded(path)
        mine = recorded == _fingerprint(path)
        if recorded is not None and not mine:
            raise OutputRefused(
                str(path),
                N_(
                    "it has changed since iectox wrote it, so it may hold your work; choose another file "
                    "name, or move it away first"
                ),
            )
    if not mine:
        raise OutputRefused(
            str(path), N_("iectox did not write this file; choose another file name, or move it away first")
        )
    return path


__all__ = [
    "MARKER",
    "MARKER_TEXT",
    "Recognise",
    "check_output_file",
    "in_own_folder",
    "never",
    "record",
    "sidecar",
]
