"""Paths that no settings file reader may choke on: each makes a clean error, never a traceback or a hang."""

from __future__ import annotations

import os
from pathlib import Path

from iectox.io.settings_file import MAX_SETTINGS_BYTES


def unreadable_files(folder: Path, suffix: str) -> dict[str, Path]:
    """Files of `suffix` in `folder` that cannot be read as settings, by what is wrong with each."""
    made = folder / f"folder{suffix}"
    made.mkdir()
    fifo = folder / f"fifo{suffix}"
    os.mkfifo(fifo)
    zero = folder / f"zero{suffix}"
    zero.symlink_to("/dev/zero")
    huge = folder / f"huge{suffix}"
    huge.write_text(("#" * 99 + "\n") * (MAX_SETTINGS_BYTES // 100 + 1), encoding="utf-8")
    latin = folder / f"latin{suffix}"
    latin.write_bytes('[study]\ntitle = "Étude"\n'.encode("latin-1"))
    syntax = folder / f"syntax{suffix}"
    syntax.write_text("[study\ntitle = 'x'\n", encoding="utf-8")
    dangling = folder / f"dangling{suffix}"
    dangling.symlink_to(folder / f"nowhere{suffix}")
    loop = folder / f"loop{suffix}"
    loop.symlink_to(loop)
    empty = folder / f"empty{suffix}"
    empty.write_text("# settings to come\n\n", encoding="utf-8")
    return {
        "missing": folder / f"missing{suffix}",
        "folder": made,
        "fifo": fifo,
        "dev-zero": zero,
        "huge": huge,
        "not utf-8": latin,
        "syntax": syntax,
        "dangling": dangling,
        "loop": loop,
        "empty": empty,
    }
