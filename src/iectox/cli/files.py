"""The small files a command writes on request (`--errors-json`, `--json`): checked before the command works,
written whole, and a place that cannot take them is a clear refusal (exit status 2), never a traceback."""

from __future__ import annotations

import json
import os
from pathlib import Path

from iectox.errors import OutputRefused
from iectox.i18n import N_
from iectox.io.atomic import atomic_file
from iectox.io.owned import check_output_file


def check_file_output(path: Path | None) -> None:
    """`OutputRefused` when `path` cannot take a file (a folder, a file iectox did not write, or a place under
    a file or a folder iectox may not write in): said before any work is done, rather than after it."""
    if path is None:
        return
    if path.is_dir():
        raise OutputRefused(str(path), N_("it is a folder; give a file name, e.g. problems.json"))
    folder = path.absolute().parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise OutputRefused(str(path), N_("{folder} is a file, not a folder"), folder=str(folder))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputRefused(str(path), N_("the folder {folder} cannot be written in"), folder=str(folder))
    check_output_file(path)


def write_json(path: Path, payload: object) -> None:
    """`payload` as indented UTF-8 JSON at `path`, whole or not at all; `OutputRefused` when the place cannot
    take it (a folder, no permission, a full disk)."""
    check_file_output(path)
    text = json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n"
    try:
        with atomic_file(path) as tmp:
            tmp.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise OutputRefused(
            str(path), N_("it cannot be written ({cause})"), cause=exc.strerror or type(exc).__name__
        ) from exc
