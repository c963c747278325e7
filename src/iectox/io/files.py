"""Opening a user's file safely: only a regular file, within a size limit, read in bounded time.

A dataset folder can hold anything: a folder named `patients.csv`, a link pointing nowhere or to itself, a
named pipe (reading it waits forever for a writer), a link to `/dev/zero` (an endless file that fills the
memory), a device. iectox opens only regular files, checks their size before reading a byte, and never waits
on a file: each of these is refused with one sentence naming it (`SourceError`).
"""

from __future__ import annotations

import errno
import os
import re
import stat
import time
from pathlib import Path

from iectox.errors import SourceError
from iectox.i18n import N_

MAX_FILE_SIZE = 2 * 2**30
"""2 GiB per file: about 15 million rows of infusions, over ten times a national registry's, and still read
into memory (iectox holds a table whole, about three times its file's size) on an ordinary 8-16 GB machine. A
larger file is refused before it is read; `IECTOX_MAX_FILE_SIZE` (bytes, or with K, M, G: "8G") sets another
limit."""
SIZE_VARIABLE = "IECTOX_MAX_FILE_SIZE"
READ_SECONDS = 600.0
"""Reading a file of the largest allowed size from a local or network disk takes seconds to a minute or two;
a read still going after 10 minutes is a stalled network share, and is stopped rather than waited on."""
CHUNK = 64 * 2**20  # read in pieces, so that a stalled read is noticed between them
_SIZE = re.compile(r"^\s*(\d+)\s*([KMG]?)i?B?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30}


def max_file_size() -> int:
    """The size limit in bytes: `IECTOX_MAX_FILE_SIZE` when set, else `MAX_FILE_SIZE`."""
    setting = os.environ.get(SIZE_VARIABLE)
    if setting is None or not setting.strip():
        return MAX_FILE_SIZE
    match = _SIZE.match(setting)
    if match is None:
        raise SourceError(
            SIZE_VARIABLE,
            N_("'{value}' is not a size: give bytes, or a number with K, M or G (e.g. 4G)"),
            value=setting,
        )
    return int(match.group(1)) * _UNITS[match.group(2).upper()]


def _size_text(size: int) -> str:
    for unit, factor in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}"
    return f"{size} bytes"


def _kind(mode: int) -> str | None:
    """What a file that is not a regular file is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return N_("is a folder, not a file")
    if stat.S_ISFIFO(mode):
        return N_("is a named pipe (FIFO), not a file: reading it would wait for a writer")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return N_("is a device, not a file")
    if stat.S_ISSOCK(mode):
        return N_("is a socket, not a file")
    return N_("is not a regular file")


def _unreachable(path: Path, error: OSError) -> SourceError:
    """The refusal of a path that cannot even be looked at: missing, a broken or looping link, no permission."""
    if error.errno == errno.ELOOP:
        return SourceError(str(path), N_("is a symbolic link that loops back on itself"))
    if error.errno in (errno.EACCES, errno.EPERM):
        return SourceError(str(path), N_("cannot be read: permission denied"))
    if path.is_symlink():
        return SourceError(
            str(path), N_("is a broken link: {target} does not exist"), target=os.readlink(path)
        )
    if error.errno in (errno.ENOENT, errno.ENOTDIR):
        return SourceError(str(path), N_("does not exist"))
    return SourceError(str(path), N_("cannot be read ({reason})"), reason=error.strerror or str(error))


def regular_file(path: Path) -> os.stat_result:
    """The status of `path`, which must be a regular file (links followed) within the size limit."""
    try:
        status = os.stat(path)
    except OSError as error:
        raise _unreachable(path, error) from error
    kind = _kind(status.st_mode)
    if kind is not None:
        raise SourceError(str(path), kind)
    limit = max_file_size()
    if status.st_size > limit:
        raise SourceError(
            str(path),
            N_("is {size}, above the limit of {limit} per file (set {variable} to allow more)"),
            size=_size_text(status.st_size),
            limit=_size_text(limit),
            variable=SIZE_VARIABLE,
        )
    return status


def folder_entries(folder: Path) -> list[Path]:
    """The entries of `folder`, sorted by name, or a `SourceError` when it cannot be listed."""
    try:
        return sorted(folder / name for name in os.listdir(folder))
    except OSError as error:
        raise _unreachable(folder, error) from error


def read_file(path: Path) -> bytes:
    """The bytes of the regular file at `path`, refused before reading when it is anything else or too big.

    The file is opened without waiting (a pipe or device swapped in after the check would otherwise block
    the open) and checked again once open, so that what is read is what was checked.
    """
    checked = regular_file(path)
    flags = (
        os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    )
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        raise _unreachable(path, error) from error
    try:
        opened = os.fstat(descriptor)
        if (opened.st_dev, opened.st_ino) != (checked.st_dev, checked.st_ino) or _kind(opened.st_mode):
            raise SourceError(str(path), N_("changed while it was being opened; try again"))
        return _read_all(path, descriptor, max_file_size())
    finally:
        os.close(descriptor)


def _read_all(path: Path, descriptor: int, limit: int) -> bytes:
    """Every byte of the open file, in pieces, stopping at `limit` bytes or after `READ_SECONDS`."""
    pieces, size, deadline = [], 0, time.monotonic() + READ_SECONDS
    while True:
        try:
            piece = os.read(descriptor, min(CHUNK, limit + 1 - size))
        except OSError as error:
            raise SourceError(str(path), N_("cannot be read ({reason})"), reason=error.strerror) from error
        if not piece:
            return b"".join(pieces)
        pieces.append(piece)
        size += len(piece)
        if size > limit:
            raise SourceError(
                str(path), N_("grew beyond the limit of {limit} while it was read"), limit=_size_text(limit)
            )
        if time.monotonic() > deadline:
            raise SourceError(
                str(path), N_("took more than {seconds} s to read and was stopped"), seconds=int(READ_SECONDS)
            )
