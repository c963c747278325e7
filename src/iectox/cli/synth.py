"""`iectox synth`: a synthetic cohort, calibrated on a published table or of any size for benchmarks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from iectox.cli.console import console, err_console, literal
from iectox.cli.language import say
from iectox.cli.show import print_calibration, print_findings, progress_columns
from iectox.cli.validate import refuse
from iectox.dataset import Dataset
from iectox.errors import DatasetInvalid, OutputRefused, SpecError
from iectox.io import check_output, write_dataset
from iectox.synth import STAGES, SynthResult, calibrate, generate
from iectox.synth.bsab import with_bsab_courses
from iectox.synth.generate import DEFAULT_SEED

WRITING = "writing"


def _write(dataset: Dataset, out: Path, progress: Progress, task: object) -> Path:
    progress.update(task, description=WRITING)  # type: ignore[arg-type]
    path = write_dataset(dataset, out)
    progress.advance(task)  # type: ignore[arg-type]
    return path


def synth(
    out: Annotated[Path, typer.Option("--out", help=say("Where to write: a CSV folder, or a .xlsx file."))],
    calibrate_on: Annotated[
        Path | None,
        typer.Option(
            "--calibrate",
            help=say("A summary-table/1 JSON file to rebuild patient by patient."),
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    n: Annotated[
        int | None,
        typer.Option(
            "--n",
            min=1,
            help=say(
                "Number of infusions, with the published proportions (seed study unless --calibrate names "
                "another table)."
            ),
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            help=say(
                "Random seed; the same seed gives the same files (default {seed} with --calibrate, 1 with --n).",
                seed=DEFAULT_SEED,
            )
        ),
    ] = None,
    bsab: Annotated[
        int,
        typer.Option(
            "--bsab",
            min=0,
            help=say(
                "Also write this many bispecific antibody courses, each schedule as its label gives it "
                "(docs/bispecifics.md); they are not part of the calibrated cohort."
            ),
        ),
    ] = 0,
) -> None:
    if calibrate_on is None and n is None:
        raise typer.BadParameter(
            say("give --calibrate FILE.json, --n N, or both"), param_hint="--calibrate/--n"
        )
    columns = progress_columns()
    result: SynthResult | None = None
    try:
        check_output(out)  # refused before the cohort is generated, not after
        with Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task(STAGES[0], total=len(STAGES) + 1)

            def step(stage: str) -> None:
                if stage != STAGES[0]:
                    progress.advance(task)
                progress.update(task, description=stage)

            if n is None:
                result = calibrate(calibrate_on, seed=DEFAULT_SEED if seed is None else seed, progress=step)
                dataset = result.dataset
            else:
                dataset = generate(n, seed=1 if seed is None else seed, table=calibrate_on, progress=step)
            if bsab:
                dataset = with_bsab_courses(dataset, bsab, seed=1 if seed is None else seed)
            progress.advance(task)
            written = _write(dataset, out, progress, task)
    except (SpecError, OutputRefused) as exc:
        raise refuse(exc) from exc
    except DatasetInvalid as exc:
        failed = say("the generated dataset does not validate: {reason}", reason=literal(exc))
        error = say("error")
        err_console.print(f"[red]{error}:[/] {failed}")
        raise typer.Exit(1) from exc
    if result is not None:
        print_findings(result)
        print_calibration(result)
    counts = ", ".join(f"{count} {name}" for name, count in dataset.counts().items())
    console.print(
        say(
            "Synthetic cohort written to {path} ({counts}).",
            path=f"[bold]{literal(written)}[/]",
            counts=counts,
        )
    )
