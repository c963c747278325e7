"""`iectox import-mapped MAPPING.toml --out PATH`: import an external file through a column mapping."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from iectox.cli.console import console, literal
from iectox.cli.files import check_file_output
from iectox.cli.language import LangOption, chosen_language, say
from iectox.cli.validate import refuse, reject_import
from iectox.errors import DatasetInvalid, OutputRefused, SourceError, SpecError
from iectox.io import check_output, write_dataset
from iectox.io.mapping import import_mapped


def import_mapped_command(
    mapping: Annotated[Path, typer.Argument(help=say("The mapping file (TOML) describing the source file."))],
    out: Annotated[
        Path, typer.Option("--out", "-o", help=say("Dataset to write: .xlsx file or CSV folder."))
    ],
    errors_json: Annotated[
        Path | None, typer.Option(help=say("Also write every problem here (JSON)."))
    ] = None,
    allow_outside: Annotated[
        bool,
        typer.Option(
            "--allow-outside",
            help=say("Let the mapping read a source outside its own folder (an absolute path, ../...)."),
        ),
    ] = False,
    lang: LangOption = None,
) -> None:
    lang = chosen_language(lang)
    try:
        check_file_output(errors_json)
        check_output(out)
        dataset = import_mapped(mapping, allow_outside=allow_outside)
        written = write_dataset(dataset, out)
    except (SpecError, SourceError, OutputRefused) as exc:
        raise refuse(exc, lang) from exc
    except DatasetInvalid as exc:
        raise reject_import(exc, errors_json, lang, mapping) from exc
    counts = ", ".join(f"{n} {name}" for name, n in dataset.counts().items())
    console.print(
        say("Imported {counts} into {path}.", lang, counts=counts, path=f"[bold]{literal(written)}[/bold]"),
        soft_wrap=True,
    )
