"""A report's figures: named before any is drawn, then drawn here or by a worker process (`iectox.render.worker`)
while the study's audit runs and the report's tables are written.

    drawing = Drawing(study, folder / "figures", "fr", worker)   # the study's figures: in the worker if given
    ...                                                          # the audit (`run_study(before_audit=...)`)
    drawing.complete(result)                                     # then the audit's figures, from its result
    drawing.figures, drawing.management                          # their records: names, captions, files
    ...                                                          # files that show no figure
    drawing.wait()                                               # then those that do

The study's figures (comparisons, incidence, survival, adjusted models) need none of the management audit, the
longest part of a study after its tables: the worker draws them while this process audits, and is sent the
audit when it is done (`Worker.send`), for its two figures. It shares each set with a second process it forks
then (fork copies matplotlib already imported and the study already read): each takes the next figure not yet
taken. The files are those drawn here, byte for byte: each figure is drawn and saved by the same functions
(`iectox.render.figures.save`), whichever process draws it.
"""

from __future__ import annotations

import os
from dataclasses import replace
from functools import partial
from pathlib import Path

from iectox.i18n import tr
from iectox.management.audit import Audit
from iectox.render.document import cohorts_of
from iectox.render.figures import FIGURES, save
from iectox.render.love_plot import ADJUSTED_FIGURES
from iectox.render.management import management_figure_plans
from iectox.render.report import Figure, PlannedFigure
from iectox.render.time_to_event_figures import incidence_figures
from iectox.render.worker import Child, Worker, WorkerLost, can_fork, inbox
from iectox.study import StudyResult

QUEUE_LIMIT = 255  # figures shared through a queue of one byte each


def report_figure_plans(result: StudyResult, lang: str) -> list[PlannedFigure]:
    """Each figure of `FIGURES` whose columns the analysis table has, not yet drawn."""
    cohorts = cohorts_of(result)
    columns = set(result.frame.columns)
    return [
        PlannedFigure(
            figure.name,
            tr(figure.caption, lang),
            partial(figure.draw, result.frame, cohorts, lang, **figure.options(result)),
        )
        for figure in (*FIGURES, *incidence_figures(result), *ADJUSTED_FIGURES)
        if set(figure.needs) <= columns and figure.applies(result)
    ]


def figure_data(result: StudyResult) -> StudyResult:
    """The study as the worker needs it to draw the figures: the analysis table's columns they read (the
    cohort column and `FIGURES`' needs), the tables (their variables set the figures' options), and of the
    audit what `figure_audit` keeps. The rest (the published checks) is not sent: at national scale it would be
    most of the pickle and of the worker's memory. `tests/test_report_worker.py` checks the figures drawn from
    it are those drawn from the whole."""
    wanted = dict.fromkeys((result.spec.by, *(column for figure in FIGURES for column in figure.needs)))
    frame = result.frame[[column for column in wanted if column in result.frame.columns]]
    return replace(result, frame=frame, reference=None, checks=(), management=figure_audit(result))


def figure_audit(result: StudyResult) -> Audit | None:
    """Of the audit, what its figures draw: its pathway, rules, timings and KPIs; not its findings and
    per-dose tables."""
    audit = result.management
    if audit is None:
        return None
    return replace(
        audit,
        findings=(),
        episodes=audit.episodes.iloc[:0],
        adherence=audit.adherence.iloc[:0],
        tocilizumab=audit.tocilizumab.iloc[:0],
        corticosteroid_courses=audit.corticosteroid_courses.iloc[:0],
        corticosteroid_exposure=audit.corticosteroid_exposure.iloc[:0],
        bsab_doses=audit.bsab_doses.iloc[:0],
    )


def draw_here(plans: list[PlannedFigure], folder: Path) -> None:
    """Draw and save each figure in turn, in this process."""
    for plan in plans:
        save(plan.draw(), folder, plan.name)


def draw_shared(plans: list[PlannedFigure], folder: Path) -> None:
    """Each figure of `plans`, drawn by this process and a sibling forked for them (the longest first: the
    last of the list)."""
    plans = plans[::-1]
    if len(plans) < 2 or len(plans) > QUEUE_LIMIT or not can_fork():
        draw_here(plans, folder)
        return
    taken, queue = os.pipe()
    os.write(queue, bytes(range(len(plans))))  # a few bytes: never more than the pipe holds
    os.close(queue)
    sibling = Child(partial(_take, taken, plans, folder))
    try:
        _take(taken, plans, folder)
        sibling.outcome()  # its error, if any, raised here
    finally:
        sibling.end()
        os.close(taken)


def draw_in_turn(study: StudyResult, folder: Path, lang: str) -> None:
    """The worker's job: the study's figures, then the audit's, once the caller sends the audit (`inbox()`:
    none when the study has none, or when the caller ends without sending one)."""
    draw_shared(report_figure_plans(study, lang), folder)
    try:
        audit = inbox()
    except EOFError:
        return
    if audit is not None:
        draw_shared(management_figure_plans(replace(study, management=audit), lang), folder)


def _take(taken: int, plans: list[PlannedFigure], folder: Path) -> None:
    """Draw the next figure nobody has taken, until none is left (a read of one byte from a pipe is whole)."""
    while index := os.read(taken, 1):
        plan = plans[index[0]]
        save(plan.draw(), folder, plan.name)


class Drawing:
    """The report's figures being drawn into `folder`: by `worker` if one is given (it is handed the study
    now, the audit at `complete()`), else here, at `complete()`. `wait()` returns once every file is written,
    raising the error of any figure; a worker lost on the way (killed) leaves its figures to be drawn here."""

    def __init__(self, study: StudyResult, folder: Path, lang: str, worker: Worker | None = None) -> None:
        report = report_figure_plans(study, lang)
        self.figures = tuple(plan.record(folder) for plan in report)
        self.management: tuple[Figure, ...] = ()
        self._plans = list(report)
        self._folder, self._lang = folder, lang
        self._complete = False
        folder.mkdir(parents=True, exist_ok=True)
        self._worker = worker
        if worker is not None:
            try:
                worker.run(draw_in_turn, figure_data(study), folder, lang)
            except WorkerLost:
                self.stop()

    def complete(self, result: StudyResult) -> None:
        """The audit's figures too, from `result` (the study with its audit, if it has one)."""
        if self._complete:
            raise RuntimeError("the drawing is complete already")
        self._complete = True
        management = management_figure_plans(result, self._lang)
        self.management = tuple(plan.record(self._folder) for plan in management)
        self._plans += management
        if self._worker is not None:
            try:
                self._worker.send(figure_audit(result) if management else None)
            except WorkerLost:
                self.stop()
        if self._worker is None:
            draw_here(self._plans, self._folder)

    @property
    def pending(self) -> bool:
        """Whether the figures are still being drawn elsewhere (files that show none can be written now)."""
        return self._worker is not None

    @property
    def files(self) -> tuple[Figure, ...]:
        return (*self.figures, *self.management)

    def wait(self) -> None:
        """Return once every figure is saved; the worker's error raised here; a lost worker's work done here."""
        if not self._complete:
            raise RuntimeError("complete() the drawing before waiting for it")
        if self._worker is None:
            return
        try:
            self._worker.result()
        except WorkerLost:
            draw_here(self._plans, self._folder)
        finally:
            self.stop()

    def stop(self) -> None:
        """End the worker (killed if it is still drawing) and reap it: nothing writes into `folder` after."""
        if self._worker is not None:
            self._worker.end()
            self._worker = None


__all__ = [
    "Drawing",
    "draw_here",
    "draw_in_turn",
    "draw_shared",
    "figure_audit",
    "figure_data",
    "report_figure_plans",
]
