"""`iectox template FILE.xlsx`: write the blank data-entry workbook derived from the contract."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from iectox.cli.app import app
from iectox.cli.console import console
from iectox.io.template import DEFAULT_ROWS, write_template


@app.command()
def template(
    file: Annotated[Path, typer.Argument(help="Workbook to create (.xlsx).", dir_okay=False)],
    rows: Annotated[int, typer.Option(min=1, help="Data rows covered by checks.")] = DEFAULT_ROWS,
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
) -> None:
    """Write the blank XLSX data-entry template (one sheet per table, drop-downs, checks, help comments)."""
    if file.suffix.lower() != ".xlsx":
        raise typer.BadParameter(
            "the template is an Excel workbook: give a name ending in .xlsx", param_hint="FILE"
        )
    if file.exists() and not force:
        raise typer.BadParameter(f"{file} exists; use --force to overwrite it", param_hint="FILE")
    written = write_template(file, rows=rows)
    console.print(f"Template written to [bold]{written}[/bold] (checks on rows 2-{rows + 1}).")
