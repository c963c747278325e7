"""`iectox diff OLD NEW`: what replacing one dataset by another would change, row by row.

Both datasets are read and checked as `iectox validate` reads them (any format: XLSX, CSV folder, Parquet).
Exit status, as diff(1): 0 when they hold the same rows and values, 1 when they differ, 2 when one cannot be
read or is invalid (nothing is compared then).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from iectox.cli.console import console, literal
from iectox.cli.files import check_file_output, write_json
from iectox.cli.language import LangOption, chosen_language, say
from iectox.cli.validate import DatesOption, print_issues, refuse, settings_from_options
from iectox.errors import DatasetInvalid, OutputRefused, SourceError
from iectox.io import read_dataset
from iectox.io.diff import diff_datasets
from iectox.render.diff import row_lines, summary_lines


def diff(
    old: Annotated[Path, typer.Argument(help=say("The dataset as it is (.xlsx, CSV folder or .parquet)."))],
    new: Annotated[Path, typer.Argument(help=say("The dataset that would replace it."))],
    json_path: Annotated[
        Path | None, typer.Option("--json", help=say("Also write every difference to this JSON file."))
    ] = None,
    limit: Annotated[
        int, typer.Option(min=0, help=say("Rows shown at most (all of them are in --json)."))
    ] = 200,
    dates: DatesOption = "iso",
    lang: LangOption = None,
) -> None:
    lang = chosen_language(lang)
    settings = settings_from_options(dates, None, None)
    try:
        check_file_output(json_path)
        datasets = []
        for path in (old, new):
            with console.status(literal(say("Reading and checking {path}...", lang, path=path))):
                try:
                    datasets.append(read_dataset(path, settings))
                except DatasetInvalid as exc:
                    print_issues(exc.issues, lang=lang)
                    errors = sum(i.severity == "error" for i in exc.issues)
                    failed = say("{path}: {n} error(s); nothing was compared.", lang, path=path, n=errors)
                    console.print(f"[red]{literal(failed)}[/]", soft_wrap=True)
                    raise typer.Exit(2) from exc
        changes = diff_datasets(*datasets)
        if json_path is not None:
            write_json(json_path, changes.as_dict())
    except (SourceError, OutputRefused) as exc:
        raise refuse(exc, lang) from exc
    for line in summary_lines(changes, lang):
        console.print(literal(line), soft_wrap=True, highlight=False)
    for line in row_lines(changes, lang, limit):
        console.print(f"  {literal(line)}", soft_wrap=True, highlight=False)
    if not changes.same:
        raise typer.Exit(1)
