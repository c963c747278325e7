"""`iectox dictionary`: regenerate the data dictionary (docs/data_dictionary.md) from the contract."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from iectox.cli.app import app
from iectox.cli.console import console
from iectox.schema.dictionary import data_dictionary_markdown

DEFAULT_PATH = Path("docs/data_dictionary.md")


@app.command()
def dictionary(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Markdown file to write.", dir_okay=False)
    ] = DEFAULT_PATH,
) -> None:
    """Write the data dictionary (tables, columns, vocabularies) derived from the dataset contract."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(data_dictionary_markdown(), encoding="utf-8")
    console.print(f"Data dictionary written to [bold]{out}[/bold].")
