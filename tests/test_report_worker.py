"""The figure worker (`iectox.render.worker`, `iectox.render.drawing`): `iectox report` draws its figures in a
second process, forked before the data are read, while it writes the tables' files.

What it must keep: the same files as a report drawn in one process; an error raised while drawing is raised
by `write_report`, and nothing is published; a worker lost (killed) leaves its figures to the caller; and
no process outlives iectox, even killed with SIGKILL while its figures are being drawn.

iectox never forks beside a running thread (`can_fork`), and the test session has one once Spark has run
(py4j's finalizer), and a JVM among its children: the tests below run in an interpreter of their own
(`test_the_worker_tests_pass_in_a_process_of_their_own`), where they are not skipped.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

import iectox.render.drawing
import iectox.study.run
from iectox.render import ReportWriter, write_report
from iectox.render.figures import prepare
from iectox.render.worker import Child, Worker, WorkerLost, inbox
from iectox.study import StudyResult, load_study, run_study
from iectox.synth import calibrate

SPEC = Path(__file__).resolve().parents[1] / "examples" / "seed_study" / "study.toml"
OWN_PROCESS = "IECTOX_WORKER_TESTS"  # set in the interpreter that runs the tests below
own_process = pytest.mark.skipif(
    not os.environ.get(OWN_PROCESS), reason="run in an interpreter of their own (see the module's docstring)"
)


def test_the_worker_tests_pass_in_a_process_of_their_own():
    if os.environ.get(OWN_PROCESS):
        pytest.skip("this is that process")
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", __file__],
        env={**os.environ, OWN_PROCESS: "1"},
        capture_output=True,
        text=True,
        timeout=900,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert re.search(r"\b16 passed, 1 skipped\b", run.stdout), run.stdout[-2000:]


@pytest.fixture(scope="module")
def seed():
    return calibrate().dataset


@pytest.fixture(scope="module")
def result(seed) -> StudyResult:
    return run_study(seed, load_study(SPEC))


@pytest.fixture(scope="module")
def drawn_here(result, tmp_path_factory) -> Path:
    return write_report(result, tmp_path_factory.mktemp("here") / "report", "fr").folder


def _contents(folder: Path) -> dict[str, object]:
    """Every file of a report: its bytes, and for a workbook or a document each part's bytes, apart from the
    creation time python-docx and openpyxl stamp into docProps/core.xml."""
    files: dict[str, object] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        if path.suffix in (".docx", ".xlsx"):
            with zipfile.ZipFile(path) as package:
                files[name] = {
                    part: re.sub(rb"<dcterms:(created|modified)[^<]*</dcterms:\w+>", b"", package.read(part))
                    for part in package.namelist()
                }
        else:
            files[name] = path.read_bytes()
    return files


def _children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (zombies included)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rpartition(")")[2].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _running(pid: int) -> bool:
    """Whether `pid` is a process still alive (a zombie, dead and not yet reaped, is not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


@own_process
def test_a_report_drawn_by_the_worker_is_the_report_drawn_in_one_process(result, drawn_here, tmp_path):
    stages: list[str] = []
    with iectox.render.worker.worker(prepare) as drawer:
        assert drawer is not None and _running(drawer.pid)
        files = write_report(result, tmp_path / "report", "fr", progress=stages.append, worker=drawer)
        assert drawer.pid is None  # reaped once the figures were drawn
    assert _contents(files.folder) == _contents(drawn_here)
    # 10 figures (PNG and SVG): the study's 4, its 2 cumulative incidences, its overall survival, its Love
    # plot, the audit's 2
    assert len(files.figures) == 20 and all(p.stat().st_size > 0 for p in files.figures)
    # the figures handed to the worker first, then the files that show none written while they are drawn
    assert stages == ["figures", "analysis table", "XLSX", "DOCX", "JSON", "HTML"]
    assert _children(os.getpid()) == []


@own_process
def test_the_studys_figures_are_drawn_while_it_audits_and_the_report_is_the_one_drawn_here(
    seed, drawn_here, tmp_path, monkeypatch
):
    """`iectox report`'s way: the worker is handed the study before its audit runs (its figures need none
    of it), then the audit; the files are those of a report drawn in one process."""
    audited, real_audit = [], iectox.study.run.audit

    def audit(*args, **kwargs):  # the worker is drawing the study's figures, with its sibling, meanwhile
        deadline = time.monotonic() + 30
        while not _children(drawer.pid) and time.monotonic() < deadline:
            time.sleep(0.01)
        audited.append(bool(_children(drawer.pid)))
        return real_audit(*args, **kwargs)

    monkeypatch.setattr(iectox.study.run, "audit", audit)
    begun: list[StudyResult] = []
    with iectox.render.worker.worker(prepare) as drawer:
        with ReportWriter(tmp_path / "report", "fr", worker=drawer) as writer:

            def begin(study: StudyResult) -> None:
                begun.append(study)
                writer.begin(study)

            whole = run_study(seed, load_study(SPEC), before_audit=begin)
            writer.finish(whole)
        assert drawer.pid is None
    (study,) = begun
    assert study.management is None and whole.management is not None and audited == [True]
    assert study.tables == whole.tables and study.frame.equals(whole.frame)
    assert _contents(writer.files.folder) == _contents(drawn_here)
    assert _children(os.getpid()) == []


def test_a_writer_left_unfinished_publishes_nothing(result, tmp_path):
    out = tmp_path / "report"
    first = write_report(result, out, "en")
    before = _contents(first.folder)
    with pytest.raises(RuntimeError, match="not finished"), ReportWriter(out, "en") as writer:
        writer.begin(result)
    assert _contents(out) == before and sorted(p.name for p in tmp_path.iterdir()) == ["report"]
    with pytest.raises(ValueError, match="the study failed"), ReportWriter(out, "en") as writer:
        raise ValueError("the study failed")
    assert _contents(out) == before and sorted(p.name for p in tmp_path.iterdir()) == ["report"]
    with pytest.raises(RuntimeError, match="published when"):
        writer.files  # noqa: B018


def test_a_study_without_management_never_calls_before_audit(seed):
    called = []
    spec = replace(load_study(SPEC), management=None)
    whole = run_study(seed, spec, before_audit=called.append)
    assert called == [] and whole.management is None


def _sent_after(seconds: float) -> object:
    """A job busy for `seconds`, then reading what the caller sent it: its size, or how it ended."""
    time.sleep(seconds)
    try:
        return len(inbox())
    except EOFError:
        return "nothing sent"


@own_process
def test_a_job_is_sent_more_as_it_runs_without_holding_the_caller_up():
    with iectox.render.worker.worker() as drawer:
        drawer.run(_sent_after, 1.0)
        start = time.monotonic()
        drawer.send(b"x" * 4_000_000)  # 60 times a pipe's buffer, to a job that reads it a second later
        assert time.monotonic() - start < 0.5
        assert drawer.result() == 4_000_000
    with iectox.render.worker.worker() as drawer:
        drawer.run(_sent_after, 0.0)
        assert drawer.result() == "nothing sent"  # the caller finished without sending: the job is told
    assert _children(os.getpid()) == []


@own_process
def test_a_worker_lost_before_its_value_is_sent_is_said_lost():
    with iectox.render.worker.worker() as drawer:
        drawer.run(_sent_after, 30.0)
        os.kill(drawer.pid, signal.SIGKILL)
        drawer.send(b"x" * 4_000_000)
        with pytest.raises(WorkerLost):
            drawer.result()
    assert _children(os.getpid()) == []


def _failing(figure, error: BaseException):
    def draw(*args, **kwargs):
        raise error

    return replace(figure, draw=draw)


@own_process
@pytest.mark.parametrize("failing", [0, 3])  # whichever of the two drawing processes takes it
def test_an_error_while_drawing_is_raised_by_write_report_and_nothing_is_published(
    result, tmp_path, monkeypatch, failing
):
    figures = list(iectox.render.drawing.FIGURES)
    figures[failing] = _failing(figures[failing], OSError(28, "No space left on device"))
    monkeypatch.setattr(iectox.render.drawing, "FIGURES", tuple(figures))  # before the fork: the worker's too
    out = tmp_path / "report"
    with iectox.render.worker.worker(prepare) as drawer:
        with pytest.raises(OSError, match="No space left on device") as raised:
            write_report(result, out, "en", worker=drawer)
        assert drawer.pid is None
    assert raised.value.errno == 28
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no report, no new folder, no lock left
    assert _children(os.getpid()) == []


@own_process
def test_an_error_that_cannot_travel_is_raised_with_its_text(tmp_path):
    class Unpicklable(Exception):
        def __reduce__(self):
            raise TypeError("not this one")

    def fail():
        raise Unpicklable("the figure's own words")

    with pytest.raises(RuntimeError, match="Unpicklable: the figure's own words"):
        Child(fail).outcome()


@own_process
def test_a_worker_killed_before_its_job_leaves_the_figures_to_the_caller(result, drawn_here, tmp_path):
    with iectox.render.worker.worker(prepare) as drawer:
        os.kill(drawer.pid, signal.SIGKILL)
        files = write_report(result, tmp_path / "report", "fr", worker=drawer)
    assert _contents(files.folder) == _contents(drawn_here)
    assert _children(os.getpid()) == []


@own_process
def test_a_worker_killed_while_drawing_leaves_the_figures_to_the_caller(
    result, drawn_here, tmp_path, monkeypatch
):
    caller = os.getpid()
    figures = list(iectox.render.drawing.FIGURES)
    original = figures[2].draw

    def killed_in_the_worker(*args, **kwargs):
        if os.getpid() != caller:  # as the system kills a process out of memory
            os.kill(os.getpid(), signal.SIGKILL)
        return original(*args, **kwargs)

    figures[2] = replace(figures[2], draw=killed_in_the_worker)
    monkeypatch.setattr(iectox.render.drawing, "FIGURES", tuple(figures))
    with iectox.render.worker.worker(prepare) as drawer:
        files = write_report(result, tmp_path / "report", "fr", worker=drawer)
    assert _contents(files.folder) == _contents(drawn_here)
    assert _children(os.getpid()) == []


@own_process
def test_a_job_that_cannot_be_sent_is_refused_and_the_worker_ended():
    with (
        iectox.render.worker.worker(prepare) as drawer,
        pytest.raises(WorkerLost, match="could not be given its job"),
    ):
        drawer.run(print, lambda: None)  # a lambda cannot be pickled
    assert _children(os.getpid()) == []


KILLED = """
import json, sys, time
from pathlib import Path
import iectox.render.drawing
from iectox.render.figures import prepare
from iectox.render.worker import Worker
from iectox.study import load_study, run_study
from iectox.synth import calibrate

def slow(*args, **kwargs):
    time.sleep(120)

result = run_study(calibrate().dataset, load_study(sys.argv[1]))
figures = iectox.render.drawing.FIGURES
iectox.render.drawing.FIGURES = tuple(f.__class__(f.name, f.caption, slow, f.needs) for f in figures)
worker = Worker.start(prepare)
worker.run(iectox.render.drawing.draw_in_turn, result, Path(sys.argv[2]), "en")
print(json.dumps(worker.pid), flush=True)
time.sleep(120)
"""


@own_process
def test_killing_iectox_while_its_figures_are_drawn_leaves_no_process_behind(tmp_path):
    """SIGKILL cannot be caught: the worker and the sibling it forked die with their parents (Linux's
    parent-death signal), instead of drawing on into a folder nobody will publish."""
    with subprocess.Popen(
        [sys.executable, "-c", KILLED, str(SPEC), str(tmp_path)], stdout=subprocess.PIPE, text=True
    ) as iectox_run:
        worker = json.loads(iectox_run.stdout.readline())
        deadline = time.monotonic() + 60
        while len(_children(worker)) < 1 and time.monotonic() < deadline:  # the sibling, drawing too
            time.sleep(0.05)
        (sibling,) = _children(worker)
        assert _running(worker) and _running(sibling)
        iectox_run.kill()
        iectox_run.wait()
    deadline = time.monotonic() + 10
    while (_running(worker) or _running(sibling)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(worker) and not _running(sibling)


def _ready_then_wait(ready: Path) -> None:
    """A job that says it has begun (the worker's set-up done), then waits to be stopped."""
    ready.touch()
    time.sleep(60)


@own_process
@pytest.mark.parametrize("ignored", [False, True])
def test_ctrl_c_ends_the_worker_only_where_it_stops_the_caller(ignored, tmp_path):
    """A background job ignores Ctrl-C: its worker must not die of it (and leave its figures to be drawn
    again by the caller); at a terminal, Ctrl-C stops both, the worker quietly."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN if ignored else signal.default_int_handler)
    try:
        with iectox.render.worker.worker(prepare) as drawer:
            drawer.run(_ready_then_wait, tmp_path / "ready")
            deadline = time.monotonic() + 60
            while not (tmp_path / "ready").exists() and time.monotonic() < deadline:
                time.sleep(0.01)
            os.kill(drawer.pid, signal.SIGINT)
            deadline = time.monotonic() + (1 if ignored else 30)
            while _running(drawer.pid) and time.monotonic() < deadline:
                time.sleep(0.01)
            assert _running(drawer.pid) is ignored
    finally:
        signal.signal(signal.SIGINT, previous)


@own_process
def test_no_worker_where_a_process_cannot_be_forked(monkeypatch):
    monkeypatch.setattr(iectox.render.worker, "FORKS", False)
    assert Worker.start(prepare) is None
    with iectox.render.worker.worker(prepare) as drawer:
        assert drawer is None
