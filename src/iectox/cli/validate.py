"""`iectox validate PATH`: every problem of a workbook or CSV folder, where it is, and why."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from iectox.cli.app import app
from iectox.cli.console import console, err_console
from iectox.errors import Issue, SourceError
from iectox.io import check_path
from iectox.validate import Settings

DatesOption = Annotated[
    str,
    typer.Option(
        "--dates", help="How dates with slashes are written: iso (only YYYY-MM-DD), dmy (31/12/2024) or mdy."
    ),
]
StartOption = Annotated[str | None, typer.Option(help="First day of the study period (YYYY-MM-DD).")]
EndOption = Annotated[str | None, typer.Option(help="Last day of the study period (YYYY-MM-DD).")]


def settings_from_options(dates: str, study_start: str | None, study_end: str | None) -> Settings:
    try:
        return Settings(
            date_order=dates,  # type: ignore[arg-type]
            study_start=date.fromisoformat(study_start) if study_start else None,
            study_end=date.fromisoformat(study_end) if study_end else None,
        )
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc


def print_issues(issues: list[Issue], limit: int = 200) -> None:
    """One line per problem, in the user's terms: where, what, and the rule's name in brackets."""
    for issue in issues[:limit]:
        mark = "[red]error[/]  " if issue.severity == "error" else "[yellow]warning[/]"
        console.print(
            f"{mark} [bold]{escape(issue.where())}[/]: {escape(issue.message)} [dim]\\[{issue.rule}][/]",
            highlight=False,
            soft_wrap=True,
        )
    if len(issues) > limit:
        console.print(f"... and {len(issues) - limit} more (all of them are in --errors-json)")


@app.command()
def validate(
    path: Annotated[Path, typer.Argument(help="An .xlsx workbook or a folder of CSV files.")],
    errors_json: Annotated[
        Path | None, typer.Option(help="Also write every problem to this JSON file.")
    ] = None,
    dates: DatesOption = "iso",
    study_start: StartOption = None,
    study_end: EndOption = None,
) -> None:
    """Check a dataset against the contract; exit 1 when it has errors (nothing is loaded then)."""
    settings = settings_from_options(dates, study_start, study_end)
    try:
        with console.status(f"Reading and checking {path}..."):
            dataset, issues = check_path(path, settings)
    except SourceError as exc:
        err_console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from exc
    if errors_json is not None:
        errors_json.write_text(json.dumps([i.as_dict() for i in issues], indent=2, ensure_ascii=False) + "\n")
    errors = [i for i in issues if i.severity == "error"]
    if issues:
        print_issues(issues)
    if dataset is None:
        console.print(f"[red]{path}: {len(errors)} error(s); nothing was loaded.[/]", soft_wrap=True)
        raise typer.Exit(1)
    counts = ", ".join(f"{n} {name}" for name, n in dataset.counts().items())
    console.print(f"[green]{path}: valid[/] ({counts}; {len(issues)} warning(s))", soft_wrap=True)
