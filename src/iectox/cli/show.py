"""How the commands show results: findings, calibration, and a dataset at a glance."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.progress import BarColumn, ProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from iectox.analysis.overview import cohort_overview
from iectox.cli.console import console, literal
from iectox.cli.language import HELP_LANG, say
from iectox.dataset import Dataset
from iectox.i18n import tr
from iectox.render import Formatter
from iectox.stats.table import Cell

if TYPE_CHECKING:  # the synthetic generator (and SciPy's optimiser) only for the commands that print it
    from iectox.synth import SynthResult


def progress_columns() -> tuple[ProgressColumn, ...]:
    """The progress bar every long command shows: stage, bar, steps done, time."""
    return (
        TextColumn("{task.description:<14}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
    )


READINGS = ("subpopulation", "label")  # kinds of finding that are readings of an ambiguous row, not errors


def print_findings(result: SynthResult, lang: str = HELP_LANG) -> None:
    """Contradictions in the published table, then ambiguous rows; each with what the generator did."""
    if not result.findings:
        consistent = say("The published table is internally consistent.", lang)
        console.print(f"[green]{consistent}[/]")
        return
    sections = (
        (
            say("Contradictions in the published table, and how each is resolved", lang),
            [f for f in result.findings if f.kind not in READINGS],
        ),
        (
            say("Ambiguous rows, and how each is read", lang),
            [f for f in result.findings if f.kind in READINGS],
        ),
    )
    for title, findings in sections:
        if findings:
            console.print(f"[bold]{title}[/]")
        for f in findings:
            console.print(f"- [yellow]{literal(f.message)}[/]\n  -> {literal(f.resolution)}", highlight=False)


def print_calibration(result: SynthResult) -> None:
    """One row per published number; the reasons a number is not calibrated are listed once, below."""
    table = Table(title="Calibration: published vs generated")
    for name in ("variable", "group", "statistic", "published", "generated", "status"):
        table.add_column(name, overflow="fold")
    reasons: list[str] = []
    for r in result.calibration:
        status = f"[green]{r.status}[/]"
        if r.status.startswith("not calibrated"):
            reason = r.status.removeprefix("not calibrated: ")
            if reason not in reasons:
                reasons.append(reason)
            status = f"[yellow]not calibrated ({reasons.index(reason) + 1})[/]"
        table.add_row(
            literal(r.name),
            literal(r.group or "-"),
            literal(r.statistic),
            literal(r.target),
            literal(r.achieved),
            status,
        )
    console.print(table)
    for number, reason in enumerate(reasons, 1):
        console.print(f"  ({number}) {literal(reason)}")


def print_overview(dataset: Dataset, title: str = "", lang: str = HELP_LANG) -> None:
    """The cohort's key figures per setting, labels and decimal marks in `lang`."""
    overview, fmt = cohort_overview(dataset), Formatter(lang)
    table = Table(title=title or say("The cohort at a glance", lang))
    table.add_column("")
    for column in overview.columns:
        table.add_column(literal(tr(str(column), lang)), justify="right")
    for label, row in overview.iterrows():
        table.add_row(literal(tr(str(label), lang)), *(literal(overview_figure(v, fmt)) for v in row))
    console.print(table)


def overview_figure(figure: tuple[str, tuple[float, ...]] | None, fmt: Formatter) -> str:
    """One figure of `cohort_overview` as text: a count, n (%), or mean (SD); "-" when there is none."""
    if not isinstance(figure, tuple):
        return "-"
    kind, values = figure
    return str(values[0]) if kind == "n" else fmt.cell(Cell(kind, values))  # type: ignore[arg-type]


def print_calibration_summary(result: SynthResult, lang: str = HELP_LANG) -> None:
    """How many published numbers the cohort reproduces (the full list: `iectox synth --calibrate`)."""
    records = result.calibration
    reproduced = [r for r in records if not r.status.startswith("not calibrated")]
    console.print(
        say(
            "Published numbers reproduced: {reproduced} of {total} ({exact} exactly, the rest to their printed "
            "precision); the others are listed by `iectox synth --calibrate`.",
            lang,
            reproduced=len(reproduced),
            total=len(records),
            exact=sum(r.status == "exact" for r in records),
        )
    )
