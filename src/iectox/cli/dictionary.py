"""`iectox dictionary`: regenerate the data dictionary (docs/data_dictionary.md) from the contract."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from iectox.cli.app import app
from iectox.cli.console import console
from iectox.schema.dictionary import data_dictionary_markdown
from iectox.validate.docs import validation_rules_markdown

DEFAULT_PATH = Path("docs/data_dictionary.md")
RULES_PATH = Path("docs/validation_rules.md")


@app.command()
def dictionary(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Markdown file to write.", dir_okay=False)
    ] = DEFAULT_PATH,
    rules_out: Annotated[Path, typer.Option(help="Markdown file for the validation rules.")] = RULES_PATH,
) -> None:
    """Write the data dictionary and the validation rules page, both derived from the code."""
    for path, text in ((out, data_dictionary_markdown()), (rules_out, validation_rules_markdown())):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        console.print(f"Written: [bold]{path}[/bold]")
