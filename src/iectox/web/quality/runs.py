"""Study runs, kept per (spec, registry state, centres): the page, its figures and its downloads never run a
study twice on the same rows.

`study_run(key, spec, centres)` runs `iectox.study.run.run_study` on the patients of the centres (read by
`registry.records.patients_dataset`) the first time, synchronously (a few seconds on 10,000 patients), and keeps
the result in memory (`RUNS`, the last few runs). The report in a language is written once by the render
layer's `write_report` (HTML, XLSX, DOCX, JSON, the figures as PNG and SVG) into the run's private temporary
folder, deleted when the run is forgotten or the process ends; the page shows its figures and the downloads are
its files, so they are the report `iectox report` writes, to the byte.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from iectox.render import ReportFiles, write_report
from iectox.study.run import StudyResult, run_study
from iectox.study.spec import StudySpec
from iectox.web.quality.memo import Memo
from iectox.web.quality.state import Centres, patients_of, registry_state
from iectox.web.quality.study_page import StudyPage, study_page
from iectox.web.registry.records import patients_dataset

KEPT_RUNS = 4


@dataclass
class StudyRun:
    """One study run on one registry state and centres, and its reports by language (written when asked)."""

    result: StudyResult
    folder: Path
    reports: dict[str, ReportFiles] = field(default_factory=dict)
    pages: dict[str, StudyPage] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def report(self, lang: str) -> ReportFiles:
        """The report in `lang`, written once into the run's folder."""
        with self.lock:
            if lang not in self.reports:
                self.reports[lang] = write_report(self.result, self.folder / lang, lang)
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


def _forget(run: StudyRun) -> None:
    shutil.rmtree(run.folder, ignore_errors=True)


RUNS: Memo[StudyRun] = Memo(KEPT_RUNS, _forget)


@functools.cache
def _reports_root() -> Path:
    """A private folder (mode 0700) for this process's reports, removed when it ends."""
    folder = Path(tempfile.mkdtemp(prefix="iectox-reports-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def _run(spec: StudySpec, centres: Centres) -> StudyRun:
    result = run_study(patients_dataset(patients_of(centres)), spec)
    return StudyRun(result, Path(tempfile.mkdtemp(prefix="run-", dir=_reports_root())))


def study_run(key: str, spec: StudySpec, centres: Centres) -> StudyRun:
    """The run of the spec known by `key` on the patients of `centres` as the registry is now; `SpecError`
    when the study names a cohort or level that the data does not have."""
    return RUNS.get((key, registry_state(), centres), lambda: _run(spec, centres))
