"""`iectox sdtm DATA --out FOLDER --study-id ID`: CDISC SDTM datasets as XPT v5 files with define.xml
(docs/sdtm.md)."""

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
from iectox.io.sdtm import check_study_id, write_sdtm


def sdtm(
    data: Annotated[Path, typer.Argument(help=say("The dataset (.xlsx, CSV folder or .parquet)."))],
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help=say("Folder to write: one .xpt file per dataset and define.xml.")),
    ],
    study_id: Annotated[
        str,
        typer.Option(
            "--study-id",
            help=say(
                "STUDYID of every record; USUBJID is STUDYID-patient_id (ASCII, at most 40 characters)."
            ),
        ),
    ],
    dates: DatesOption = "iso",
    lang: LangOption = None,
) -> None:
    lang = chosen_language(lang)
    checked_option(
        check_study_id,
        study_id,
        "--study-id",
        N_(
            "'{value}' is not a study identifier: ASCII letters, digits, '_', '.', '-', at most 40 characters"
        ),
        lang,
        value=study_id,
    )
    with writing_from(data, lang):
        check_output_folder(out)  # a folder of the user's is refused before the data are read
        dataset = read_dataset(data, settings_from_options(dates, None, None))
        frames = write_sdtm(dataset, out, study_id)
    counts = ", ".join(f"{name} {len(frame)}" for name, frame in frames.items())
    console.print(
        literal(
            say("SDTM datasets ({counts}) and define.xml written to {path}.", lang, counts=counts, path=out)
        ),
        soft_wrap=True,
    )
