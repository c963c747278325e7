"""`iectox demo`: the seed study rebuilt as a synthetic cohort, written, read back and validated."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from iectox.cli.app import app
from iectox.cli.console import console
from iectox.cli.show import print_calibration_summary, print_findings, print_overview, progress_columns
from iectox.cli.validate import print_issues
from iectox.io import check_path, write_dataset
from iectox.synth import STAGES, calibrate
from iectox.synth.generate import DEFAULT_SEED


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="Folder for the demo's files.")] = Path("out/demo"),
    seed: Annotated[int, typer.Option(help="Random seed of the synthetic cohort.")] = DEFAULT_SEED,
) -> None:
    """Build the seed-calibrated synthetic cohort, write it as CSV and XLSX, validate both, summarise it."""
    csv_folder, workbook = out / "dataset", out / "dataset.xlsx"
    steps = (*STAGES, "write CSV", "write XLSX", "validate CSV", "validate XLSX")
    with Progress(*progress_columns(), console=console, transient=True) as progress:
        task = progress.add_task(steps[0], total=len(steps))

        def step(stage: str) -> None:
            progress.update(task, description=stage, completed=steps.index(stage))

        result = calibrate(seed=seed, progress=step)
        step("write CSV")
        write_dataset(result.dataset, csv_folder)
        step("write XLSX")
        write_dataset(result.dataset, workbook)
        checks = []
        for stage, path in (("validate CSV", csv_folder), ("validate XLSX", workbook)):
            step(stage)
            checks.append((path, *check_path(path)))
    for path, dataset, issues in checks:
        if dataset is None or issues:
            print_issues(issues)
            raise typer.Exit(1)
        same = (
            "identical to the generated data" if dataset.equals(result.dataset) else "DIFFERENT from the data"
        )
        console.print(f"[green]valid[/]: {path} ({same})", soft_wrap=True)
    print_overview(result.dataset, "Seed study, synthetic cohort (n = 401)")
    print_findings(result)
    print_calibration_summary(result)
    console.print(
        f"\nResults are in [bold]{out}/[/]: the CSV tables in {csv_folder}/, the workbook {workbook}.",
        soft_wrap=True,
    )
