"""A study's report, in every format a pharmacist needs, from one `StudyResult`; and one table on its own.

    files = write_report(run_study(dataset, spec), Path("out/report"), lang="fr")
    files["html"], files.xlsx, files.docx, files.json

The words and numbers are decided once (`document.build_document`, every number through one `Formatter`);
each registered format (`FORMATS`: HTML, XLSX, DOCX, JSON) only lays them out, so the files always say the
same thing. A comparison table alone:

    fmt = Formatter("fr", digits=1, p_digits=3)
    comparison_frame(table, fmt); comparison_markdown(table, fmt); footnotes(table, fmt)
    pairwise_frame(POST_HOC["pairwise_wilcox"].run(groups, "holm", labels), fmt)   # post-hoc pairs
    write_table_docx(table, "table1.docx", title="Demographics", formatter=fmt)   # or _html, _xlsx
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path

from iectox.io.atomic import atomic_folder, check_output_folder
from iectox.io.sheets import write_csv
from iectox.render.bsab_crs import bsab_crs_table
from iectox.render.bsab_schedule import bsab_schedule_table
from iectox.render.comparison import (
    comparison_frame,
    comparison_markdown,
    comparison_table,
    footnotes,
    table_frame,
    table_markdown,
)
from iectox.render.document import Document, build_document, report_formatter, tables_shown
from iectox.render.drawing import Drawing, report_figure_plans
from iectox.render.figures import save
from iectox.render.format import Formatter
from iectox.render.formats import FORMATS
from iectox.render.layout import Table
from iectox.render.management import build_management
from iectox.render.methods import build_methods
from iectox.render.pairwise import pairwise_frame
from iectox.render.report import ANALYSIS_TABLE, Figure, Formats, Report, ReportFormat
from iectox.render.single import table_page, write_table_docx, write_table_html, write_table_xlsx
from iectox.render.survival_table import survival_table
from iectox.render.time_to_event import time_to_event_table
from iectox.render.worker import Worker
from iectox.study import StudyResult

STAGES = ("figures", "analysis table", *(f.stage or f.id for f in FORMATS.values()))


@dataclass(frozen=True)
class ReportFiles:
    """Every file a report wrote: one per format (by id), the analysis table, the figures last."""

    folder: Path
    outputs: Mapping[str, Path]
    csv: Path
    figures: tuple[Path, ...]
    captions: Mapping[str, str] = field(default_factory=dict)  # figure name -> its caption, in display order

    def __getitem__(self, format_id: str) -> Path:
        return self.outputs[format_id]

    def __iter__(self) -> Iterator[Path]:
        yield from (*self.outputs.values(), self.csv, *self.figures)

    @property
    def all(self) -> tuple[Path, ...]:
        return tuple(self)

    def moved(self, folder: Path) -> ReportFiles:
        """The same files in `folder`: where the report is published once written in a temporary folder."""

        def move(path: Path) -> Path:
            return folder / path.relative_to(self.folder)

        outputs = {key: move(path) for key, path in self.outputs.items()}
        return ReportFiles(folder, outputs, move(self.csv), tuple(map(move, self.figures)), self.captions)

    @property
    def html(self) -> Path:
        return self.outputs["html"]

    @property
    def xlsx(self) -> Path:
        return self.outputs["xlsx"]

    @property
    def docx(self) -> Path:
        return self.outputs["docx"]

    @property
    def json(self) -> Path:
        return self.outputs["json"]


def write_figures(result: StudyResult, folder: Path, lang: str) -> list[Figure]:
    """Each figure whose columns the analysis table has, saved as PNG and SVG."""
    written = []
    for plan in report_figure_plans(result, lang):
        save(plan.draw(), folder, plan.name)
        written.append(plan.record(folder))
    return written


def check_report_folder(out: Path) -> Path:
    """`out` resolved, or `OutputRefused` when it is a folder or file of the user's: asked before any work."""
    return check_output_folder(Path(out))


def _numbered_tables(result: StudyResult, fmt: Formatter) -> list[Table | None]:
    """The cumulative incidence, overall survival, CRS per bispecific dose and bispecific schedule tables, in
    `Document.shown_tables`' order, numbered on from the comparison and adverse-event tables (each None when
    the study has none)."""
    number = tables_shown(result) + 1
    tables: list[Table | None] = []
    for make in (time_to_event_table, survival_table, bsab_crs_table, bsab_schedule_table):
        table = make(result, fmt, number=number)
        tables.append(table)
        number += table is not None
    return tables


def report_document(result: StudyResult, lang: str) -> Document:
    """Everything the report of `result` says in `lang`, decided once: the tables numbered in order (the
    comparisons, the adverse events, the cumulative incidence, the overall survival, the CRS per bispecific
    dose, the adjusted comparisons), the methods and the management section. `write_report` lays it out in
    each format, and the web's study page shows the same tables with the same numbers."""
    fmt = report_formatter(result, lang)
    document = build_document(result, build_methods(result, lang), fmt, None, *_numbered_tables(result, fmt))
    return replace(document, management=build_management(result, lang, number=document.next_number))


class ReportWriter:
    """A report being written into `out`, whole or not at all (`atomic_folder`): its figures begun while the
    study is still auditing, its files once the study is whole.

        with ReportWriter(out, "fr", worker=worker) as writer:
            result = run_study(dataset, spec, before_audit=writer.begin)   # the study's figures start now
            writer.finish(result)                                          # the audit's, then every file
        writer.files                                                       # as published in `out`

    With a `worker` (`iectox.render.worker.Worker.start()`, forked before the data were read), the figures are
    drawn by it: the study's while this process runs the audit, the audit's while it writes the files that do
    not need them (the formats whose `figures` is False: XLSX and JSON show none, DOCX builds its tables first
    and waits at its pictures through `Report.figures_saved`), then the others (HTML); the files are the same
    as without one.

    The report is published whole: written, figures included, into a new folder beside `out` that replaces it
    in one step when the block ends without an error, so that `out` holds the previous report or this one,
    never a mixture, even if iectox is killed; a second iectox writing to `out` waits for this one. Only a
    folder iectox wrote is replaced: `OutputRefused` otherwise.
    """

    def __init__(
        self,
        out: Path,
        lang: str = "en",
        progress: Callable[[str], None] | None = None,
        formats: Formats = FORMATS,
        worker: Worker | None = None,
    ) -> None:
        self.out, self.lang, self.formats, self.worker = Path(out), lang, formats, worker
        self._step = progress or (lambda stage: None)
        self._folder: ExitStack | None = None
        self._new: Path | None = None
        self._drawing: Drawing | None = None
        self._files: ReportFiles | None = None
        self._published = False

    def __enter__(self) -> ReportWriter:
        with ExitStack() as stack:
            self._new = stack.enter_context(atomic_folder(self.out))
            stack.callback(self._stop)  # a worker still drawing is ended before the new folder is deleted
            self._folder = stack.pop_all()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: object) -> None:
        assert self._folder is not None
        folder, self._folder = self._folder, None
        if kind is None and self._files is None:  # nothing written: the previous report stays
            error = RuntimeError("the report was not finished (finish()): nothing was published")
            folder.__exit__(RuntimeError, error, None)
            raise error
        folder.__exit__(kind, error, trace)
        self._published = kind is None

    def begin(self, study: StudyResult) -> None:
        """Start drawing the study's figures (`study`: everything but its audit)."""
        assert self._new is not None, "begin() within the writer's block"
        if self._drawing is None:
            self._step("figures")
            self._drawing = Drawing(study, self._new / "figures", self.lang, self.worker)

    def finish(self, result: StudyResult) -> None:
        """Write every file of the report of `result` (the whole study) into the new folder."""
        assert self._new is not None, "finish() within the writer's block"
        fmt = report_formatter(result, self.lang)  # refuses an unknown language before anything is written
        self.begin(result)
        assert self._drawing is not None
        drawing, folder, step = self._drawing, self._new, self._step
        drawing.complete(result)
        document = report_document(result, self.lang)
        step("analysis table")
        csv = write_csv(result.frame, folder / ANALYSIS_TABLE)
        outputs = {f.id: folder / f"report{f.suffix}" for f in self.formats.values()}
        pictures = tuple(p for figure in drawing.files for p in (figure.png, figure.svg))
        captions = {figure.name: figure.caption for figure in drawing.files}
        files = ReportFiles(folder, outputs, csv, pictures, captions)
        report = Report(
            result, document, fmt, folder, drawing.figures, drawing.management, files.all, drawing.wait
        )
        order = list(self.formats.values())
        if drawing.pending:  # while the figures are drawn, the files that show none
            order.sort(key=lambda output: output.figures)
        for output in order:
            if output.figures:
                drawing.wait()
            step(output.stage or output.id)
            output.write(report, outputs[output.id])
        drawing.wait()
        self._files = files

    @property
    def files(self) -> ReportFiles:
        """The report's files, where the block published them (`out`)."""
        if not self._published or self._files is None:
            raise RuntimeError("the report is published when the writer's block ends after finish()")
        return self._files.moved(self.out)

    def _stop(self) -> None:
        if self._drawing is not None:
            self._drawing.stop()


def write_report(
    result: StudyResult,
    out: Path,
    lang: str = "en",
    progress: Callable[[str], None] | None = None,
    formats: Formats = FORMATS,
    worker: Worker | None = None,
) -> ReportFiles:
    """Write analysis_table.csv, figures/ and one report file per registered format into `out` (report.html,
    report.xlsx, report.docx, report.json); with the management section and its two figures when the study
    ran the management audit. Published whole, with the figures drawn by `worker` if given (`ReportWriter`,
    where the figures can start before the study's audit ends)."""
    report_formatter(result, lang)  # refuses an unknown language before anything is written
    with ReportWriter(out, lang, progress, formats, worker) as writer:
        writer.finish(result)
    return writer.files


__all__ = [
    "FORMATS",
    "STAGES",
    "Figure",
    "Formats",
    "Formatter",
    "Report",
    "ReportFiles",
    "ReportFormat",
    "ReportWriter",
    "check_report_folder",
    "comparison_frame",
    "comparison_markdown",
    "comparison_table",
    "footnotes",
    "pairwise_frame",
    "report_document",
    "table_frame",
    "table_markdown",
    "table_page",
    "write_figures",
    "write_report",
    "write_table_docx",
    "write_table_html",
    "write_table_xlsx",
]
