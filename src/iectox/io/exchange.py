"""Swap two folders in one step, so that there is no instant when neither the old nor the new one is in place.

Linux (3.15+, glibc 2.28+) does it with `renameat2(..., RENAME_EXCHANGE)`: both names keep existing and
trade their contents atomically. Where the call is missing or the file system refuses it (some network
and FUSE file systems), `exchange` says so and the caller falls back to two renames.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path

AT_FDCWD = -100  # <fcntl.h>: paths relative to the current folder
RENAME_EXCHANGE = 2  # <linux/fs.h>
UNSUPPORTED = {errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP}


@functools.cache
def _renameat2() -> Callable[..., int] | None:
    """glibc's `renameat2`, or None on another system or an older C library."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    function.restype = ctypes.c_int
    return function  # type: ignore[no-any-return]


def exchange(first: Path, second: Path) -> bool:
    """Swap the folders `first` and `second` (both exist) atomically; False, with nothing moved, where the
    system cannot; `OSError` for any other failure."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))


__all__ = ["exchange"]
