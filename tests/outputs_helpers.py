"""Helpers of the tests of outputs published whole: a writer in another process that stops where told.

`Writer` forks a process that runs a writing function; at each stage (the report's progress stages, each
saved figure, the swap, the clean-up) the process says where it is and waits for the test to let it go on,
so that the test can look at the disk there, let it go on, or kill it with SIGKILL as a crash would.
"""

from __future__ import annotations

import io
import json
import os
import select
import signal
import traceback
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

import docx
import matplotlib.figure
import openpyxl
import pandas as pd
from PIL import Image

import iectox.io.atomic

TIMEOUT = 300  # seconds a stage may take on a loaded machine


class Writer:
    """`run()` in a forked process, stopping at every stage until `go()`; `kill()` ends it as a crash would.

    `run` is given the function that stops at a stage; `instrumented` adds the stops of `_instrument`."""

    def __init__(self, run: Callable[[Callable[[str], None]], object], instrumented: bool = True) -> None:
        from_parent, self._to_child = os.pipe()
        self._from_child, to_parent = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the writer
            os.close(self._from_child)
            os.close(self._to_child)
            status = 0
            try:
                stage = _stages(to_parent, from_parent)
                if instrumented:
                    _instrument(stage)
                run(stage)
                stage("finished")
            except BaseException:
                os.write(to_parent, ("error " + json.dumps(traceback.format_exc()) + "\n").encode())
                status = 1
            finally:
                os._exit(status)
        os.close(to_parent)
        os.close(from_parent)
        self._buffer = b""
        self.stage = ""
        self._stopped = False

    def next(self) -> str:
        """Let the writer go on (if it is stopped) to its next stage, and stay there."""
        if self._stopped:
            self.go()
        while b"\n" not in self._buffer:
            ready, _, _ = select.select([self._from_child], [], [], TIMEOUT)
            chunk = os.read(self._from_child, 65536) if ready else b""
            if not chunk:
                raise AssertionError(f"the writer stopped saying where it is (after {self.stage!r})")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        self.stage, self._stopped = line.decode(), True
        if self.stage.startswith("error "):
            raise AssertionError(json.loads(self.stage[6:]))
        return self.stage

    def go(self) -> None:
        os.write(self._to_child, b"g")
        self._stopped = False

    def until(self, stage: str | Callable[[str], bool]) -> str:
        """Let the writer go on until it stops at `stage` (a name, or a test of the name)."""
        wanted = stage if callable(stage) else stage.__eq__
        while not wanted(self.next()):
            pass
        return self.stage

    def finish(self) -> None:
        """Let the writer go on to the end, and wait for it."""
        self.until("finished")
        self.go()
        self._wait(0)

    def kill(self) -> None:
        os.kill(self.pid, signal.SIGKILL)
        self._wait(-signal.SIGKILL)

    def _wait(self, expected: int) -> None:
        _, status = os.waitpid(self.pid, 0)
        code = os.waitstatus_to_exitcode(status)
        os.close(self._from_child)
        os.close(self._to_child)
        assert code == expected, code


def _stages(to_parent: int, from_parent: int) -> Callable[[str], None]:
    def stage(name: str) -> None:
        os.write(to_parent, f"{name}\n".encode())
        if os.read(from_parent, 1) != b"g":
            os._exit(2)

    return stage


def _instrument(stage: Callable[[str], None]) -> None:
    """Stop after each saved figure, before the swap, and before each folder is deleted."""
    savefig = matplotlib.figure.Figure.savefig

    def saved(self: matplotlib.figure.Figure, fname: object, *args: object, **kwargs: object) -> object:
        done = savefig(self, fname, *args, **kwargs)
        stage(f"saved {Path(str(fname)).name}")
        return done

    matplotlib.figure.Figure.savefig = saved  # type: ignore[method-assign]
    for name, label in (("exchange", "exchange"), ("_discard", "discard")):
        original = getattr(iectox.io.atomic, name)

        def stopped(
            *args: object, _original: Callable[..., object] = original, _label: str = label
        ) -> object:
            stage(_label)
            return _original(*args)

        setattr(iectox.io.atomic, name, stopped)
    rename = Path.rename

    def renamed(self: Path, target: object) -> object:
        stage("rename")
        return rename(self, target)

    Path.rename = renamed  # type: ignore[method-assign]


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (relative path: content); empty when the folder is absent."""
    if not folder.exists():
        return {}
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def beside(folder: Path) -> list[str]:
    """What sits in the folder's parent: the folder itself, and anything a run left there."""
    return sorted(p.name for p in folder.parent.iterdir())


def check_complete_report(folder: Path) -> str:
    """Every file report.json lists is there and readable (figures decodable); returns the report's language."""
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    listed = set(report["files"])
    on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert on_disk == listed | {iectox.io.atomic.MARKER}, on_disk ^ listed
    for name in listed:
        path = folder / name
        if path.suffix == ".png":
            with Image.open(path) as image:
                image.load()
        elif path.suffix == ".svg":
            ElementTree.parse(path)
        elif path.suffix == ".xlsx":
            openpyxl.load_workbook(path)
        elif path.suffix == ".docx":
            docx.Document(str(path))
        elif path.suffix == ".csv":
            pd.read_csv(io.StringIO(path.read_text(encoding="utf-8")))
        elif path.suffix == ".html":
            assert path.read_text(encoding="utf-8").rstrip().endswith("</html>")
    return str(report["study"]["language"])
