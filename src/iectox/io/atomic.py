"""Writes that land whole or not at all: a dataset is never left half-written on disk."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Collection, Iterator
from pathlib import Path

from iectox.errors import OutputRefused
from iectox.i18n import N_


@contextlib.contextmanager
def atomic_file(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; it replaces `path` only if the block finishes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


MARKER = ".iectox-output"
"""The file iectox leaves in every folder it writes whole, so that it replaces only folders of its own."""


def _ours(folder: Path, own_files: Collection[str]) -> bool:
    """A folder iectox may replace: empty, marked as written by iectox, or holding only files it writes."""
    names = {entry.name for entry in folder.iterdir()}
    return not names or MARKER in names or names <= set(own_files)


def check_output_folder(path: Path, own_files: Collection[str] = ()) -> Path:
    """`path` resolved, or `OutputRefused` when writing there would replace something iectox did not write.

    A folder is replaced whole (so that a write lands whole or not at all): it must therefore be new, empty,
    marked by an earlier write of iectox, or hold only `own_files`. Anything else is the user's, and stays.
    """
    path = Path(path).resolve()
    if not path.exists():
        return path
    if not path.is_dir():
        raise OutputRefused(str(path), N_("it is a file, not a folder; choose a new folder name"))
    if not _ours(path, own_files):
        example = sorted(e.name for e in path.iterdir() if e.name not in own_files)[0]
        raise OutputRefused(
            str(path),
            N_("the folder holds files iectox did not write (e.g. {example}); choose a new or empty folder"),
            example=example,
        )
    return path


@contextlib.contextmanager
def atomic_folder(path: Path, own_files: Collection[str] = ()) -> Iterator[Path]:
    """Yield a temporary folder beside `path`; it replaces `path` (whole) only if the block finishes.

    Only a folder of iectox's own is replaced (`check_output_folder`); the new one carries `MARKER`. On any
    failure the previous folder is put back and no temporary file is left.
    """
    path = check_output_folder(path, own_files)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    old = path.with_name(f".{path.name}.old")
    try:
        yield tmp
        (tmp / MARKER).write_text("Written by iectox; iectox may replace this folder.\n", encoding="utf-8")
        if path.exists():
            if old.exists():
                shutil.rmtree(old)
            path.rename(old)
        try:
            tmp.rename(path)
        except OSError:
            if old.exists() and not path.exists():
                old.rename(path)
            raise
        if old.exists():
            shutil.rmtree(old)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
