"""Study runs, kept per (spec, registry state, centres): the page, its figures and its downloads never run a
study twice on the same rows, in whichever server process they are asked for.

`study_run(key, spec, centres)` runs `iectox.study.run.run_study` on the patients of the centres (read by
`registry.records.patients_dataset`) the first time, synchronously (a few seconds on 10,000 patients). The
report in a language is written once by the render layer's `write_report` (HTML, XLSX, DOCX, JSON, the figures
as PNG and SVG); the page shows its figures and the downloads are its files, so they are the report `iectox
report` writes, to the byte.

A run is kept twice:
- in the process's memory (`RUNS`, the last few runs), for the requests that follow;
- in the application's folder, `IECTOX_VAR/study-runs/ID/` (owner-only), for the other server processes:
  `iectox serve` runs several, and the page, each of its figures and each download may each be answered by
  another one. Without it, a figure asked of a process that had not run the study ran it again there, seconds
  on 10,000 patients. The folder holds the result (`result.iectox`) and each language's report (`LANG/`, with
  `LANG.iectox` listing its files), the values pickled and signed with the application's secret key
  (`snapshots.pack`): a file not written by this application is refused, never unpickled, and the run is
  computed again. While a process computes a run or writes one of its reports it holds the run's lock
  (`iectox.io.lock`): another process asking for it meanwhile waits for that result instead of computing it
  too. ID is a digest of what the run depends on: the spec's key, the registry's state, the centres, the
  database and iectox's version (a new version may compute otherwise). The folder keeps the `KEPT_STORED` runs
  used last; an older one is deleted by the process that stores a new run, unless a process is writing it.
  `iectox serve` empties it as it starts (`iectox.web.serve.prepare`): what it holds was computed by the
  code of an earlier start, which a development checkout may have changed without a new version.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

import iectox
from iectox.errors import OutputRefused
from iectox.io.lock import output_lock
from iectox.render import ReportFiles, write_report
from iectox.study.run import StudyResult, run_study
from iectox.study.spec import StudySpec
from iectox.web.environment import STUDY_RUNS
from iectox.web.quality.memo import Memo
from iectox.web.quality.snapshots import Tampered, pack, unpack
from iectox.web.quality.state import Centres, patients_of, registry_state
from iectox.web.quality.study_page import StudyPage, study_page
from iectox.web.registry.records import patients_dataset
from iectox.web.serve import forget_study_runs

KEPT_RUNS = 4  # in each process's memory
KEPT_STORED = 8  # in the application's folder, for every process
WAIT_SECONDS = 900.0  # for another process's run of the same study (a large registry's takes minutes at most)
SALT = "iectox.web.quality.runs"
RESULT = "result.iectox"


@dataclass
class StudyRun:
    """One study run on one registry state and centres, and its reports by language (written when asked)."""

    result: StudyResult
    folder: Path
    reports: dict[str, ReportFiles] = field(default_factory=dict)
    pages: dict[str, StudyPage] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def report(self, lang: str) -> ReportFiles:
        """The report in `lang`, written once into the run's folder (by this process or another one)."""
        with self.lock:
            if lang not in self.reports:
                self.reports[lang] = _report(self.result, self.folder, lang)
            return self.reports[lang]

    def page(self, lang: str) -> StudyPage:
        """The page's pieces in `lang`, made once (the report in that language is written first)."""
        report = self.report(lang)
        with self.lock:
            if lang not in self.pages:
                self.pages[lang] = study_page(self.result, report, lang)
            return self.pages[lang]

    def figures(self, lang: str) -> dict[str, Path]:
        """The report's figures as PNG, by name (`crs_grades`, `management_delay_by_cohort`...)."""
        return {path.stem: path for path in self.report(lang).figures if path.suffix == ".png"}


RUNS: Memo[StudyRun] = Memo(KEPT_RUNS)


def store() -> Path:
    """The application's folder of study runs (owner-only), made if absent."""
    folder = Path(settings.VAR) / STUDY_RUNS
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def run_id(key: str, state: str, centres: Centres) -> str:
    """The run's folder name: a digest of everything its result depends on."""
    database = settings.DATABASES["default"]
    identity = (
        iectox.__version__,
        database["ENGINE"],
        str(database.get("NAME")),
        database.get("HOST"),
        database.get("PORT"),
        key,
        state,
        centres,
    )
    return hashlib.sha256(repr(identity).encode()).hexdigest()[:32]


def _read(path: Path) -> Any | None:
    """The value stored at `path`, or None when there is none or it was not signed by this application."""
    try:
        return unpack(path.read_bytes(), SALT)
    except (OSError, Tampered):
        return None


def _write(path: Path, value: Any) -> None:
    """Store `value` at `path` whole (a temporary file renamed over it): a reader sees the old or the new."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    temporary.write_bytes(pack(value, SALT))
    temporary.chmod(0o600)
    os.replace(temporary, path)


def _report(result: StudyResult, folder: Path, lang: str) -> ReportFiles:
    """The run's report in `lang`: the one stored in `folder` (moved there with it), or written now."""
    with output_lock(folder, WAIT_SECONDS):
        listed = folder / f"{lang}.iectox"
        files = _read(listed)
        if isinstance(files, ReportFiles) and (folder / lang).is_dir():
            return files.moved(folder / lang)
        files = write_report(result, folder / lang, lang)
        _write(listed, files)
        return files


def _open(spec: StudySpec, centres: Centres, folder: Path) -> StudyRun:
    """The run stored in `folder`, or computed now and stored there (one process at a time)."""
    with output_lock(folder, WAIT_SECONDS):
        result = _read(folder / RESULT)
        if not isinstance(result, StudyResult):
            result = run_study(patients_dataset(patients_of(centres)), spec)
            folder.mkdir(mode=0o700, exist_ok=True)
            _write(folder / RESULT, result)
    _evict(folder)
    return StudyRun(result, folder)


def _evict(kept: Path) -> None:
    """Delete the stored runs used before the last `KEPT_STORED` (`kept` among those), but one being written."""
    runs = [path for path in kept.parent.iterdir() if path.is_dir() and not path.name.startswith(".")]
    runs.sort(key=lambda path: (path == kept, _used(path)), reverse=True)
    for old in runs[KEPT_STORED:]:
        try:
            with output_lock(old, wait=0):
                shutil.rmtree(old, ignore_errors=True)
        except OutputRefused:  # a process is computing it or writing a report into it: left for later
            continue


def _used(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def study_run(key: str, spec: StudySpec, centres: Centres) -> StudyRun:
    """The run of the spec known by `key` on the patients of `centres` as the registry is now; `SpecError`
    when the study names a cohort or level that the data does not have."""
    memo_key = (key, registry_state(), centres)
    folder = store() / run_id(*memo_key)
    run = RUNS.get(memo_key, lambda: _open(spec, centres, folder))
    try:
        os.utime(folder)  # used now: among the last runs, kept
    except FileNotFoundError:  # deleted by another process since this one kept it: opened again
        RUNS.discard(memo_key)
        run = RUNS.get(memo_key, lambda: _open(spec, centres, folder))
    return run


def clear() -> None:
    """Forget every run, kept in memory and stored (tests)."""
    RUNS.clear()
    forget_study_runs()
