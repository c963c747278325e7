"""`iectox fhir DATA --out FOLDER`: one FHIR R4 Bundle per patient (docs/fhir.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from iectox.cli.console import console, literal
from iectox.cli.language import LangOption, checked_option, chosen_language, say
from iectox.cli.validate import DatesOption, settings_from_options, writing_from
from iectox.i18n import N_
from iectox.io import read_dataset
from iectox.io.atomic import check_output_folder
from iectox.io.fhir import check_timezone, write_bundles


def fhir(
    data: Annotated[Path, typer.Argument(help=say("The dataset (.xlsx, CSV folder or .parquet)."))],
    out: Annotated[
        Path, typer.Option("--out", "-o", help=say("Folder to write, one JSON file per patient."))
    ],
    timezone: Annotated[
        str,
        typer.Option(
            help=say("The ward's time zone: FHIR times carry an offset (IANA name, e.g. Europe/Paris).")
        ),
    ] = "UTC",
    dates: DatesOption = "iso",
    lang: LangOption = None,
) -> None:
    lang = chosen_language(lang)
    checked_option(
        check_timezone,
        timezone,
        "--timezone",
        N_("'{name}' is not a time zone; give an IANA name such as Europe/Paris or UTC"),
        lang,
        name=timezone,
    )
    with writing_from(data, lang):
        check_output_folder(out)  # a folder of the user's is refused before the data are read
        dataset = read_dataset(data, settings_from_options(dates, None, None))
        written = write_bundles(dataset, out, timezone)
    console.print(
        literal(say("{n} FHIR R4 Bundle(s) written to {path}.", lang, n=len(written), path=out)),
        soft_wrap=True,
    )
