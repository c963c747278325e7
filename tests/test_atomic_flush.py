"""A folder is published only once every file and folder in it is on the disk: the flushes run side by side
(`iectox.io.atomic._flush_all`), all of them before the swap, and one that fails stops the publication."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

import iectox.io.atomic
from iectox.io.atomic import atomic_folder


def _fill(folder: Path, text: str) -> set[str]:
    (folder / "figures").mkdir()
    for i in range(20):
        (folder / "figures" / f"f{i}.png").write_text(f"{text} {i}", encoding="utf-8")
    (folder / "report.html").write_text(text, encoding="utf-8")
    return {p.relative_to(folder).as_posix() for p in (*folder.rglob("*"), folder)}


def test_every_entry_is_flushed_before_the_swap(tmp_path, monkeypatch):
    flushed: list[Path] = []
    lock = threading.Lock()
    real_fsync, real_exchange = iectox.io.atomic._fsync, iectox.io.atomic.exchange
    threads: set[int] = set()

    def fsync(entry: Path) -> None:
        real_fsync(entry)
        with lock:
            flushed.append(entry)
            threads.add(threading.get_ident())

    swapped: list[set[Path]] = []

    def exchange(new: Path, path: Path) -> bool:
        swapped.append(set(flushed))
        return real_exchange(new, path)

    monkeypatch.setattr(iectox.io.atomic, "_fsync", fsync)
    monkeypatch.setattr(iectox.io.atomic, "exchange", exchange)
    out = tmp_path / "report"
    with atomic_folder(out) as new:
        first = _fill(new, "first")
    assert {p.relative_to(new).as_posix() for p in flushed if p != tmp_path} == first
    assert flushed[-1] == tmp_path  # the parent, once the new folder is in place
    flushed.clear()
    with atomic_folder(out) as new:  # a second report: swapped with the first
        second = _fill(new, "second")
        entries = {*new.rglob("*"), new}
    assert swapped and swapped[0] >= entries  # every entry of the new folder flushed before the swap
    assert {p.relative_to(new).as_posix() for p in entries} == second
    assert (out / "report.html").read_text(encoding="utf-8") == "second"
    assert len(threads) > 1  # side by side


def test_a_failed_flush_publishes_nothing(tmp_path, monkeypatch):
    real_fsync = iectox.io.atomic._fsync

    def fsync(entry: Path) -> None:
        if entry.name == "f7.png":
            raise OSError(5, "Input/output error")
        real_fsync(entry)

    monkeypatch.setattr(iectox.io.atomic, "_fsync", fsync)
    out = tmp_path / "report"
    with pytest.raises(OSError, match="Input/output error"), atomic_folder(out) as new:
        _fill(new, "first")
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != ".report.iectox-lock") == []
