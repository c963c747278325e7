"""One writer at a time for each output folder: a second iectox waits, then refuses; it never mixes its files in.

The lock is a file beside the folder (`.NAME.iectox-lock`), not inside it: the folder itself is swapped
whole. The holder removes the file when it has finished, while still holding it; a waiter that then gets
the lock on the removed file sees that it is no longer the one in place and starts again, so that two
writers can never both believe they hold the lock.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

from iectox.errors import OutputRefused
from iectox.i18n import N_

try:
    import fcntl
except ImportError:  # Windows: a byte-range lock on the same file
    fcntl = None  # type: ignore[assignment]
    import msvcrt

LOCK_WAIT_SECONDS = 60.0
"""How long a second writer waits for the first to finish before it refuses."""
LOCK_SUFFIX = ".iectox-lock"
POLL_SECONDS = 0.05
UNWRITABLE = N_("the folder cannot be written ({error})")


def lock_file(path: Path) -> Path:
    """The lock file of the output folder `path`, beside it."""
    return path.with_name(f".{path.name}{LOCK_SUFFIX}")


def _try_lock(fd: int) -> bool:
    """Take the exclusive lock on `fd` if no other process holds it."""
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except (BlockingIOError, PermissionError):
        return False
    return True


def _still_in_place(fd: int, lock: Path) -> bool:
    """Whether the file locked through `fd` is still the lock file (a finishing writer removes it)."""
    try:
        here, held = os.stat(lock), os.fstat(fd)
    except FileNotFoundError:
        return False
    return (here.st_dev, here.st_ino) == (held.st_dev, held.st_ino)


@contextlib.contextmanager
def output_lock(path: Path, wait: float = LOCK_WAIT_SECONDS) -> Iterator[None]:
    """Hold the lock of the output folder `path` for the block; `OutputRefused` if another process holds it
    for more than `wait` seconds."""
    lock = lock_file(path)
    deadline = time.monotonic() + wait
    while True:
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as exc:
            raise OutputRefused(str(path), UNWRITABLE, error=exc.strerror or str(exc)) from exc
        if _try_lock(fd):
            if _still_in_place(fd, lock):
                break
            os.close(fd)  # the writer before us has just finished and removed it: take the next one
            continue
        os.close(fd)
        if time.monotonic() >= deadline:
            raise OutputRefused(
                str(path), N_("another iectox is writing to this folder; try again when it has finished")
            )
        time.sleep(POLL_SECONDS)
    try:
        yield
    finally:
        if fcntl is not None:  # Windows cannot remove an open file: the lock file stays there
            os.unlink(lock)
        os.close(fd)


__all__ = ["LOCK_WAIT_SECONDS", "UNWRITABLE", "lock_file", "output_lock"]
