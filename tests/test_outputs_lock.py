"""Two writers to one output folder never mix: the second waits for the first, or refuses after a while.

Issue 8: two `iectox report` to the same folder at once crashed (UnrecognizedImageError: one read a figure
the other was writing) or embedded each other's figures. The lock is a file beside the folder, removed by
the writer that finishes; a writer killed while holding it does not block the next one.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from tests.outputs_helpers import Writer, beside, check_complete_report

from factories import seed_result
from iectox.errors import OutputRefused
from iectox.io.atomic import MARKER, atomic_folder
from iectox.io.lock import LOCK_WAIT_SECONDS, lock_file
from iectox.render import write_report

SPEC = Path(__file__).resolve().parents[1] / "examples" / "seed_study" / "study.toml"


def _holder(out: Path, text: str = "first") -> Writer:
    """A writer that stops inside its block, holding the lock, at the stage "writing"."""

    def run(stage):
        with atomic_folder(out) as folder:
            (folder / "a.txt").write_text(text)
            stage("writing")

    return Writer(run)


def test_a_second_writer_refuses_once_the_wait_is_over(tmp_path):
    out = tmp_path / "out"
    holder = _holder(out)
    holder.until("writing")
    assert lock_file(out).exists()
    start = time.monotonic()
    with pytest.raises(OutputRefused) as refused, atomic_folder(out, wait=0.5):
        pytest.fail("the block ran while another writer held the folder")
    assert 0.5 <= time.monotonic() - start < 5
    assert refused.value.text() == (
        f"{out}: another iectox is writing to this folder; try again when it has finished; nothing was written"
    )
    assert "un autre iectox écrit dans ce dossier ; réessayez quand il aura fini" in refused.value.text("fr")
    holder.finish()
    assert (out / "a.txt").read_text() == "first" and beside(out) == ["out"]  # the lock file is gone too


def test_the_default_wait_is_a_minute():
    assert LOCK_WAIT_SECONDS == 60


def test_a_second_writer_waits_and_then_writes_whole(tmp_path):
    out = tmp_path / "out"
    holder = _holder(out, "first")
    holder.until("writing")
    waiter = Writer(lambda stage: [stage("locking"), _write(out, "second")])
    assert waiter.next() == "locking"
    waiter.go()
    time.sleep(1)
    assert not (out / "a.txt").exists() and lock_file(out).exists()  # the second one waits
    holder.finish()
    waiter.finish()
    assert (out / "a.txt").read_text() == "second" and beside(out) == ["out"]


def _write(out: Path, text: str) -> None:
    with atomic_folder(out) as folder:
        (folder / "a.txt").write_text(text)


def test_a_writer_killed_holding_the_lock_does_not_block_the_next(tmp_path):
    out = tmp_path / "out"
    holder = _holder(out)
    holder.until("writing")
    holder.kill()
    assert lock_file(out).exists()  # left by the killed writer, but no longer locked
    start = time.monotonic()
    _write(out, "next")
    assert time.monotonic() - start < 5
    assert (out / "a.txt").read_text() == "next" and beside(out) == ["out"]


def test_many_writers_at_once_never_mix_and_a_reader_always_finds_one_whole_set(tmp_path):
    """Three processes each publish six sets of twenty files naming their writer; a reader meanwhile."""
    out = tmp_path / "out"
    _write(out, "start")

    def publish(stage, writer=0):
        for round_ in range(6):
            with atomic_folder(out) as folder:
                for k in range(20):
                    (folder / f"{k:02}.txt").write_text(f"{writer}-{round_}")

    writers = [Writer(lambda stage, w=w: publish(stage, w), instrumented=False) for w in range(3)]
    for writer in writers:
        writer.go()  # lets its one stop, "finished", pass at once
    running, seen = {w.pid: w for w in writers}, set()
    while running:
        files = _read_whole(out)
        if files is not None:
            seen.add(files)
        for pid, writer in list(running.items()):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                if os.waitstatus_to_exitcode(status) != 0:
                    writer.until("finished")  # raises the writer's error
                del running[pid]
    assert _read_whole(out) is not None and len(seen) > 1
    assert beside(out) == ["out"]


def _read_whole(out: Path) -> str | None:
    """The one writer-round every file of `out` names; None when `out` was swapped while being read (the
    folder we opened may then be the previous one, being deleted)."""
    try:
        folder = os.open(out, os.O_RDONLY)
    except FileNotFoundError:
        raise AssertionError("the folder was missing for an instant") from None
    names, texts = [], set()
    try:
        for name in sorted(n for n in os.listdir(folder) if n != MARKER):
            fd = os.open(name, os.O_RDONLY, dir_fd=folder)
            texts.add(os.read(fd, 100).decode())
            os.close(fd)
            names.append(name)
    except FileNotFoundError:
        pass
    finally:
        in_place = os.stat(out).st_ino == os.fstat(folder).st_ino
        os.close(folder)
    if not in_place or names == ["a.txt"]:
        return None
    assert names == [f"{k:02}.txt" for k in range(20)] and len(texts) == 1, (names, texts)
    return texts.pop()


def test_two_reports_at_once_are_written_one_after_the_other(tmp_path):
    """The crash of issue 8: both now finish, and the folder is one whole report."""
    result = seed_result()
    out = tmp_path / "report"
    english = Writer(lambda stage: write_report(result, out, "en", progress=stage))
    english.until("figures")
    french = Writer(lambda stage: [stage("locking"), write_report(result, out, "fr", progress=stage)])
    assert french.next() == "locking"
    french.go()
    english.finish()
    assert check_complete_report(out) == "en"
    french.finish()
    assert check_complete_report(out) == "fr" and beside(out) == ["report"]
