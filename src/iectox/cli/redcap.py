"""REDCap both ways: `iectox redcap dictionary FILE.csv` (the project's data dictionary), `iectox redcap records
DATA --out FILE.csv` (a dataset as REDCap's import file) and `iectox import-redcap EXPORT.csv --dictionary
DICT.csv --out DATASET` (an export read back, validated, written all or nothing). See docs/redcap.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from iectox.cli.console import console, literal
from iectox.cli.files import check_file_output
from iectox.cli.language import LangOption, chosen_language, say
from iectox.cli.validate import DatesOption, refuse, reject_import, settings_from_options, writing_from
from iectox.errors import DatasetInvalid, OutputRefused, SourceError
from iectox.io import check_output, read_dataset, write_dataset
from iectox.io.owned import check_output_file
from iectox.io.redcap import import_redcap, write_dictionary, write_records
from iectox.io.redcap.api import TOKEN_VARIABLE, import_from_server, token_from

redcap_app = typer.Typer(
    name="redcap",
    help=say(
        "REDCap: the project's data dictionary (`redcap dictionary`), a dataset's records (`redcap records`)."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@redcap_app.command(
    "dictionary", help=say("Write the REDCap data dictionary of the contract, and its repeating instruments.")
)
def dictionary(
    file: Annotated[Path, typer.Argument(help=say("Data dictionary to write (.csv)."), dir_okay=False)],
    lang: LangOption = None,
) -> None:
    lang = chosen_language(lang)
    try:
        written, repeating = write_dictionary(file, lang)  # both refused before either is written
    except OutputRefused as exc:
        raise refuse(exc, lang) from exc
    console.print(
        literal(
            say(
                "Data dictionary written to {path}; declare the repeating instruments with {repeating}.",
                lang,
                path=written,
                repeating=repeating,
            )
        ),
        soft_wrap=True,
    )


@redcap_app.command(
    "records", help=say("Write a dataset as REDCap's flat records file, to import into REDCap.")
)
def records(
    data: Annotated[Path, typer.Argument(help=say("The dataset (.xlsx, CSV folder or .parquet)."))],
    out: Annotated[
        Path, typer.Option("--out", "-o", help=say("Records file to write (.csv)."), dir_okay=False)
    ],
    dates: DatesOption = "iso",
    lang: LangOption = None,
) -> None:
    lang = chosen_language(lang)
    with writing_from(data, lang):
        check_output_file(out)
        dataset = read_dataset(data, settings_from_options(dates, None, None))
        written = write_records(dataset, out)
    console.print(literal(say("REDCap records written to {path}.", lang, path=written)), soft_wrap=True)


def import_redcap_command(
    out: Annotated[
        Path, typer.Option("--out", "-o", help=say("Dataset to write: .xlsx file or CSV folder."))
    ],
    export: Annotated[
        Path | None, typer.Argument(help=say("REDCap's CSV export (raw or labels, flat); or use --url."))
    ] = None,
    dictionary: Annotated[
        Path | None,
        typer.Option(
            "--dictionary", "-d", help=say("The project's data dictionary (.csv); with --url, optional.")
        ),
    ] = None,
    url: Annotated[
        str | None,
        typer.Option(help=say("Pull the records from this REDCap API (https://.../api/) instead of a file.")),
    ] = None,
    token_variable: Annotated[
        str, typer.Option(help=say("The environment variable that holds the API token (never the token)."))
    ] = TOKEN_VARIABLE,
    errors_json: Annotated[
        Path | None, typer.Option(help=say("Also write every problem here (JSON)."))
    ] = None,
    dates: DatesOption = "iso",
    lang: LangOption = None,
) -> None:
    lang = chosen_language(lang)
    if (export is None) == (url is None):
        raise typer.BadParameter(say("give either an export file or --url", lang), param_hint="EXPORT")
    if export is not None and dictionary is None:
        raise typer.BadParameter(
            say("an export file is read with --dictionary", lang), param_hint="--dictionary"
        )
    settings = settings_from_options(dates, None, None)
    source = str(export) if export is not None else str(url)
    try:
        check_file_output(errors_json)
        check_output(out)
        if url is not None:
            with console.status(literal(say("Pulling the records from {url}...", lang, url=url))):
                dataset = import_from_server(url, token_from(token_variable), dictionary, settings)
        else:
            dataset = import_redcap(export, dictionary, settings)  # type: ignore[arg-type]
        written = write_dataset(dataset, out)
    except (SourceError, OutputRefused) as exc:
        raise refuse(exc, lang) from exc
    except DatasetInvalid as exc:
        raise reject_import(exc, errors_json, lang, source) from exc
    counts = ", ".join(f"{n} {name}" for name, n in dataset.counts().items())
    console.print(
        say("Imported {counts} into {path}.", lang, counts=counts, path=f"[bold]{literal(written)}[/bold]"),
        soft_wrap=True,
    )
