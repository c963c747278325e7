"""A report's figures: named before any is drawn, then drawn here or by a worker process (`iectox.render.worker`)
while the report's tables are written.

    drawing = Drawing(result, folder / "figures", "fr", worker)   # in the worker if given, else here, now
    drawing.figures, drawing.management                           # their records: names, captions, files
    ...                                                           # files that show no figure
    drawing.wait()                                                # then those that do

The worker shares the figures with a second process it forks once it has the study (fork copies matplotlib
already imported and the study already read): each takes the next figure not yet taken, the longest first,
so that both end together. The files are those drawn here, byte for byte: each figure is drawn and saved by
the same functions (`iectox.render.figures.save`), whichever process draws it.
"""

from __future__ import annotations

import os
from dataclasses import replace
from functools import partial
from pathlib import Path

from iectox.i18n import tr
from iectox.render.document import cohorts_of
from iectox.render.figures import FIGURES, save
from iectox.render.love_plot import ADJUSTED_FIGURES
from iectox.render.management import management_figure_plans
from iectox.render.report import Figure, PlannedFigure
from iectox.render.time_to_event_figures import incidence_figures
from iectox.render.worker import Child, Worker, WorkerLost, can_fork
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


def figure_plans(result: StudyResult, lang: str) -> tuple[list[PlannedFigure], list[PlannedFigure]]:
    """The report's figures, then the management section's, in the order the report shows them."""
    return report_figure_plans(result, lang), management_figure_plans(result, lang)


def figure_data(result: StudyResult) -> StudyResult:
    """The study as the worker needs it to draw the figures: the analysis table's columns they read (the
    cohort column and `FIGURES`' needs), the tables (their variables set the figures' options), and of the
    audit its pathway, rules, timings and KPIs. The rest (the audit's findings and per-dose tables, the
    published checks) is not sent: at national scale it would be most of the pickle and of the worker's
    memory. `tests/test_report_worker.py` checks the figures drawn from it are those drawn from the whole."""
    wanted = dict.fromkeys((result.spec.by, *(column for figure in FIGURES for column in figure.needs)))
    frame = result.frame[[column for column in wanted if column in result.frame.columns]]
    audit = result.management
    if audit is not None:
        audit = replace(
            audit,
            findings=(),
            episodes=audit.episodes.iloc[:0],
            adherence=audit.adherence.iloc[:0],
            tocilizumab=audit.tocilizumab.iloc[:0],
            corticosteroid_courses=audit.corticosteroid_courses.iloc[:0],
            corticosteroid_exposure=audit.corticosteroid_exposure.iloc[:0],
            bsab_doses=audit.bsab_doses.iloc[:0],
        )
    return replace(result, frame=frame, reference=None, checks=(), management=audit)


def draw_here(plans: list[PlannedFigure], folder: Path) -> None:
    """Draw and save each figure in turn, in this process."""
    for plan in plans:
        save(plan.draw(), folder, plan.name)


def draw_shared(result: StudyResult, folder: Path, lang: str) -> None:
    """Every figure of the report, drawn by this process and a sibling forked for them (the worker's job)."""
    report, management = figure_plans(result, lang)
    plans = [*report, *management][::-1]  # the management figures, the longest to draw, taken first
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


def _take(taken: int, plans: list[PlannedFigure], folder: Path) -> None:
    """Draw the next figure nobody has taken, until none is left (a read of one byte from a pipe is whole)."""
    while index := os.read(taken, 1):
        plan = plans[index[0]]
        save(plan.draw(), folder, plan.name)


class Drawing:
    """The report's figures being drawn into `folder`: by `worker` if one is given (it is handed the study
    now), else here, at once. `wait()` returns once every file is written, raising the error of any
    figure; a worker lost on the way (killed) leaves its figures to be drawn here."""

    def __init__(self, result: StudyResult, folder: Path, lang: str, worker: Worker | None = None) -> None:
        report, management = figure_plans(result, lang)
        self.figures = tuple(plan.record(folder) for plan in report)
        self.management = tuple(plan.record(folder) for plan in management)
        self._plans = [*report, *management]
        self._folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self._worker = worker
        if worker is not None:
            try:
                worker.run(draw_shared, figure_data(result), folder, lang)
            except WorkerLost:
                self.stop()
        if self._worker is None:
            draw_here(self._plans, folder)

    @property
    def pending(self) -> bool:
        """Whether the figures are still being drawn elsewhere (files that show none can be written now)."""
        return self._worker is not None

    @property
    def files(self) -> tuple[Figure, ...]:
        return (*self.figures, *self.management)

    def wait(self) -> None:
        """Return once every figure is saved; the worker's error raised here; a lost worker's work done here."""
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


__all__ = ["Drawing", "draw_here", "draw_shared", "figure_data", "figure_plans", "report_figure_plans"]
