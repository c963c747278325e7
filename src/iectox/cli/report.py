"""`iectox report DATA --study study.toml --out DIR`: a study's tables, figures and methods, in every format."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from iectox.cli.console import console, literal
from iectox.cli.language import chosen_language, say
from iectox.cli.show import progress_columns
from iectox.cli.validate import DatesOption, refuse, reject
from iectox.engine import ENGINES
from iectox.engine import run as run_engine
from iectox.errors import DatasetInvalid, OutputRefused, SourceError, SpecError
from iectox.i18n import N_
from iectox.io import read_dataset
from iectox.io.parquet import is_parquet_dataset
from iectox.render import STAGES, ReportWriter, check_report_folder
from iectox.render.figures import prepare
from iectox.render.worker import worker
from iectox.study import load_study, run_study
from iectox.validate import Settings


def report(
    data: Annotated[Path, typer.Argument(help=say("An .xlsx workbook or a folder of CSV files."))],
    study: Annotated[
        Path, typer.Option("--study", help=say("The study spec (TOML), e.g. examples/seed_study/study.toml."))
    ],
    out: Annotated[Path, typer.Option("--out", help=say("Folder for the report's files."))],
    lang: Annotated[
        str | None,
        typer.Option("--lang", help=say("Language of the report: en or fr (default: the study's).")),
    ] = None,
    dates: DatesOption = "iso",
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            help=say(
                "Where the observations are graded: pandas (in memory), or duckdb or spark for a Parquet dataset "
                "too large for memory (docs/scale.md)."
            ),
        ),
    ] = "pandas",
) -> None:
    try:
        spec = load_study(study)
    except SpecError as exc:
        raise refuse(exc) from exc
    language = chosen_language(lang) if lang else spec.language
    _check_engine(engine, data, language)
    try:  # refuse a folder of the user's before any work, not after it
        check_report_folder(out)
    except OutputRefused as exc:
        raise refuse(exc, language) from exc
    start, end = spec.period or (None, None)
    settings = Settings(date_order=dates, study_start=start, study_end=end)  # type: ignore[arg-type]
    steps = ("read data", "run study", *STAGES)
    # The figures are drawn by a second process, forked now (before the progress bar's thread starts): it
    # imports matplotlib while this one reads the data, and draws while this one writes the tables' files.
    with (
        worker(prepare) as drawer,
        Progress(*progress_columns(), console=console, transient=True) as progress,
    ):
        task = progress.add_task(steps[0], total=len(steps))
        done: list[str] = []  # the stages begun, in the order they come (figures drawn beside the tables)

        def step(stage: str) -> None:
            done.append(stage)
            progress.update(task, description=stage, completed=len(done))

        graded = None
        try:
            if engine == "pandas":
                dataset = read_dataset(data, settings)
            else:
                scaled = run_engine(data, engine, settings, spec.analysis)
                dataset, graded = scaled.dataset, scaled.episodes
        except SourceError as exc:
            progress.stop()
            raise refuse(exc, language) from exc
        except DatasetInvalid as exc:
            progress.stop()
            raise reject(
                exc, N_("{path}: {n} error(s); no report was written."), language, path=data
            ) from exc
        step("run study")
        try:
            # the study's figures are drawn while its audit runs, the audit's while the tables are written
            with ReportWriter(out, language, progress=step, worker=drawer) as writer:
                result = run_study(dataset, spec, graded, before_audit=writer.begin)
                writer.finish(result)
            files = writer.files
        except (SpecError, OutputRefused) as exc:  # a cohort or level the study names is not in the data;
            progress.stop()  # a folder of the user's, or another iectox writing there: nothing is written
            raise refuse(exc, language) from exc
        progress.update(task, completed=len(steps))
    written = say("Report written to {out}/ ({language}):", language, out=out, language=language)
    console.print(f"[green]{literal(written)}[/]", soft_wrap=True)
    for path in files:
        console.print(f"  {literal(path)}", highlight=False, soft_wrap=True)
    if result.checks:
        agree = sum(c.agrees is True for c in result.checks)
        console.print(
            say(
                "Published vs reproduced: {agree} of {total} published numbers agree.",
                language,
                agree=agree,
                total=len(result.checks),
            )
        )


def _check_engine(engine: str, data: Path, language: str) -> None:
    """An engine other than pandas reads a Parquet dataset (docs/scale.md); say so before any work."""
    if engine != "pandas" and engine not in ENGINES:
        raise typer.BadParameter(
            say(
                "'{engine}' is not one of {engines}",
                language,
                engine=engine,
                engines="pandas, " + ", ".join(ENGINES),
            ),
            param_hint="--engine",
        )
    if engine != "pandas" and not is_parquet_dataset(data):
        raise typer.BadParameter(
            say(
                "--engine {engine} reads a Parquet dataset (a .parquet folder); {data} is not one",
                language,
                engine=engine,
                data=literal(data),
            ),
            param_hint="--engine",
        )
