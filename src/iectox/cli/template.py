"""`iectox template FILE.xlsx`: write the blank data-entry workbook derived from the contract."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from iectox.cli.console import console, literal, visible
from iectox.cli.language import LangOption, chosen_language, say
from iectox.cli.validate import refuse
from iectox.errors import OutputRefused
from iectox.io.template import DEFAULT_ROWS, write_template


def template(
    file: Annotated[Path, typer.Argument(help=say("Workbook to create (.xlsx)."), dir_okay=False)],
    rows: Annotated[int, typer.Option(min=1, help=say("Data rows covered by checks."))] = DEFAULT_ROWS,
    force: Annotated[bool, typer.Option("--force", help=say("Overwrite FILE if it exists."))] = False,
    lang: LangOption = None,
) -> None:
    lang = chosen_language(lang)
    if file.suffix.lower() != ".xlsx":
        raise typer.BadParameter(
            say("the template is an Excel workbook: give a name ending in .xlsx", lang), param_hint="FILE"
        )
    if file.exists() and not force:
        raise typer.BadParameter(
            say("{file} exists; use --force to overwrite it", lang, file=visible(file)), param_hint="FILE"
        )
    try:
        written = write_template(file, rows=rows, lang=lang, force=force)
    except OutputRefused as exc:
        raise refuse(exc, lang) from exc
    text = say(
        "Template written to {file} (checks on rows 2-{last}).",
        lang,
        file=f"[bold]{literal(written)}[/bold]",
        last=rows + 1,
    )
    console.print(text)
