"""Reading a settings file (a study, a mapping, a pathway, a published summary table) as text, safely.

Such a file is written by hand and small. Whatever a path names, reading it must end in its text or in a
`SpecError` that names it and says why: missing, a folder, a FIFO that would block for ever, a device such as
`/dev/zero` that never ends, a file far too large to be settings, or bytes that are not UTF-8 text; never in a
traceback, a hang or memory exhausted.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from iectox.errors import SpecError

MAX_SETTINGS_BYTES = 4 * 1024 * 1024  # a study file is a few kB; a published table with raw values, < 1 MB


def _refused(path: Path, what: str, why: str) -> SpecError:
    return SpecError(f"{path}: {why}", file=str(path), key=what, value=str(path), allowed=(f"a {what}",))


def read_settings_text(path: str | Path, what: str = "settings file") -> str:
    """The UTF-8 text of the file at `path` (a leading byte-order mark dropped); `what` names the kind of file
    in the error ("study file", "mapping file")."""
    path = Path(path)
    try:
        if not path.exists():
            raise _refused(path, what, f"cannot be read: there is no such {what}")
        if path.is_dir():
            raise _refused(path, what, f"cannot be read: it is a folder, not a {what}")
        if not path.is_file():
            raise _refused(path, what, f"cannot be read: it is a device, a pipe or a socket, not a {what}")
        size = path.stat().st_size
        if size > MAX_SETTINGS_BYTES:
            raise _refused(path, what, f"is {size:,} bytes; a {what} is at most {MAX_SETTINGS_BYTES:,} bytes")
        with path.open("rb") as handle:
            data = handle.read(MAX_SETTINGS_BYTES + 1)
    except OSError as exc:
        raise _refused(path, what, f"cannot be read: {exc.strerror or type(exc).__name__}") from exc
    if len(data) > MAX_SETTINGS_BYTES:
        raise _refused(path, what, f"is larger than {MAX_SETTINGS_BYTES:,} bytes, the limit of a {what}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _refused(
            path,
            what,
            f"is not UTF-8 text (byte {exc.start + 1} is 0x{data[exc.start]:02x}); save it as UTF-8",
        ) from exc


def read_toml(path: str | Path, what: str = "settings file") -> dict[str, Any]:
    """The TOML document at `path`; a syntax error is a `SpecError` naming the line and column. A document
    without a single setting (an empty file, comments alone) is refused too: it is a file saved empty or the
    wrong file, and reading it as "every default" would run a study or a pathway nobody wrote."""
    text = read_settings_text(path, what)
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(
            f"{path}: not valid TOML: {exc}", file=str(path), key=what, value=None, allowed=("TOML",)
        ) from exc
    if not doc:
        raise _refused(
            Path(path),
            what,
            f"holds no settings (it is empty, or comments alone); a {what} says what it sets",
        )
    return doc
