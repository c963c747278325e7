"""`iectox audit DATA [--pathway FILE] --out DIR`: the dataset judged against a management pathway.

Writes audit.html, audit.xlsx, audit.json and the figures; without --pathway, the default pathway shipped
with iectox (examples/pathways/default.toml) is used, and the page says so.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from iectox.cli.app import LangOption, app, chosen_language
from iectox.cli.console import console, err_console
from iectox.cli.validate import DatesOption, print_issues, settings_from_options
from iectox.errors import DatasetInvalid, SourceError, SpecError
from iectox.io import read_dataset
from iectox.management.audit import audit as run_audit
from iectox.management.pathway import default_pathway, load_pathway
from iectox.render.audit import write_audit


@app.command()
def audit(
    data: Annotated[Path, typer.Argument(help="An .xlsx workbook or a folder of CSV files.")],
    out: Annotated[
        Path, typer.Option("--out", help="Folder for audit.html, audit.xlsx, audit.json, figures/.")
    ],
    pathway: Annotated[
        Path | None,
        typer.Option("--pathway", help="The management pathway (TOML); default: iectox's default pathway."),
    ] = None,
    lang: LangOption = None,
    dates: DatesOption = "iso",
) -> None:
    """Check every tocilizumab and corticosteroid dose and CRS/ICANS episode against a management pathway."""
    lang = chosen_language(lang)
    try:
        chosen = load_pathway(pathway) if pathway is not None else default_pathway()
    except SpecError as exc:
        err_console.print(f"[red]error:[/] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(2) from exc
    try:
        with console.status(f"Reading and checking {data}..."):
            dataset = read_dataset(data, settings_from_options(dates, None, None))
    except SourceError as exc:
        err_console.print(f"[red]error:[/] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(2) from exc
    except DatasetInvalid as exc:
        print_issues(exc.issues, lang=lang)
        errors = sum(i.severity == "error" for i in exc.issues)
        console.print(f"[red]{data}: {errors} error(s); no audit was written.[/]", soft_wrap=True)
        raise typer.Exit(1) from exc
    with console.status("Auditing..."):
        result = run_audit(dataset, chosen)
        files = write_audit(result, out, lang)
    counts = result.counts()
    console.print(
        f"[green]Audit written[/] to [bold]{escape(str(out))}/[/] (pathway: {escape(chosen.name)}; "
        f"{counts['deviation']} deviation(s), {counts['warning']} warning(s), {counts['info']} info):",
        soft_wrap=True,
    )
    for path in files:
        console.print(f"  {escape(str(path))}", highlight=False, soft_wrap=True)
