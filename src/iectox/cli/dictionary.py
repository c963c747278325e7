"""`iectox dictionary`: regenerate the data dictionary (docs/data_dictionary.md) from the contract."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from iectox.analysis.docs import analysis_columns_markdown
from iectox.cli.console import console, literal
from iectox.cli.language import say
from iectox.schema.dictionary import data_dictionary_markdown
from iectox.validate.docs import validation_rules_markdown

DEFAULT_PATH = Path("docs/data_dictionary.md")
RULES_PATH = Path("docs/validation_rules.md")
ANALYSIS_PATH = Path("docs/analysis_columns.md")


def dictionary(
    out: Annotated[
        Path, typer.Option("--out", "-o", help=say("Markdown file to write."), dir_okay=False)
    ] = DEFAULT_PATH,
    rules_out: Annotated[
        Path, typer.Option(help=say("Markdown file for the validation rules."))
    ] = RULES_PATH,
    analysis_out: Annotated[
        Path, typer.Option(help=say("Markdown file for the analysis columns."))
    ] = ANALYSIS_PATH,
) -> None:
    pages = (
        (out, data_dictionary_markdown()),
        (rules_out, validation_rules_markdown()),
        (analysis_out, analysis_columns_markdown()),
    )
    for path, text in pages:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        console.print(say("Written: {path}", path=f"[bold]{literal(path)}[/bold]"))
