"""`iectox dictionary`: regenerate the data dictionary (docs/data_dictionary.md) from the contract.

Each page says in its header that `iectox dictionary` generated it: that line is its mark (`iectox.io.owned`),
so that the pages of a repository are regenerated in place without a file beside each, and any other file
at their place is refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from iectox.analysis.docs import analysis_columns_markdown
from iectox.cli.console import console, literal
from iectox.cli.language import say
from iectox.cli.validate import refuse
from iectox.errors import OutputRefused
from iectox.io.atomic import atomic_file
from iectox.io.owned import check_output_file
from iectox.schema.dictionary import GENERATED, data_dictionary_markdown
from iectox.validate.docs import validation_rules_markdown

DEFAULT_PATH = Path("docs/data_dictionary.md")
RULES_PATH = Path("docs/validation_rules.md")
ANALYSIS_PATH = Path("docs/analysis_columns.md")


def generated_page(path: Path) -> bool:
    """Whether the file at `path` is a page `iectox dictionary` generated (its header says so)."""
    with path.open("rb") as page:
        return GENERATED.encode() in page.read(1024)


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
    try:
        for path, _ in pages:  # each refused before any is written
            check_output_file(path, own=generated_page)
        for path, text in pages:
            with atomic_file(path, own=generated_page) as tmp:
                tmp.write_text(text, encoding="utf-8")
            console.print(say("Written: {path}", path=f"[bold]{literal(path)}[/bold]"))
    except OutputRefused as exc:
        raise refuse(exc) from exc
