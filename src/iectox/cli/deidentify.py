"""`iectox deidentify DATA --key-file KEY --out OUT`: a de-identified copy of a dataset, to share outside the
hospital: identifiers coded with the hospital's secret key, each patient's dates shifted (intervals kept),
birth years moved with them, free text emptied. The copy is written as any dataset (XLSX, CSV folder or
Parquet, by OUT's name), after the same checks as `iectox validate`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from iectox.cli.console import console, literal
from iectox.cli.language import LangOption, chosen_language, say
from iectox.cli.validate import DatesOption, settings_from_options, writing_from
from iectox.errors import OutputRefused
from iectox.i18n import N_
from iectox.io import check_output, read_dataset, write_dataset
from iectox.io.deidentify import MAX_SHIFT_DAYS, DeidentifySettings, deidentify
from iectox.io.pseudonyms import create_key, read_key


def _inside(path: Path, folder: Path) -> bool:
    path, folder = path.resolve(), folder.resolve()
    return path == folder or folder in path.parents


def _check_places(data: Path, key_file: Path, out: Path) -> None:
    """The copy never replaces the data, and the key never travels with the copy."""
    if _inside(out, data) or _inside(data, out):
        raise OutputRefused(str(out), N_("it would replace or hold the data it is made from"))
    if _inside(key_file, out):
        raise OutputRefused(
            str(out), N_("the key file is inside it: the key must never be shared with the data")
        )


def deidentify_command(
    data: Annotated[Path, typer.Argument(help=say("The dataset to share (.xlsx, CSV folder or .parquet)."))],
    key_file: Annotated[
        Path, typer.Option("--key-file", help=say("The hospital's secret key (keep it; never share it)."))
    ],
    out: Annotated[
        Path, typer.Option("--out", help=say("Where to write the copy: .xlsx, .parquet or a CSV folder."))
    ],
    create: Annotated[
        bool,
        typer.Option(
            "--create-key", help=say("Create the key file first (an existing file is never replaced).")
        ),
    ] = False,
    code_centres: Annotated[
        bool, typer.Option("--code-centres", help=say("Code the centres' names too."))
    ] = False,
    max_shift_days: Annotated[
        int, typer.Option(min=1, max=3650, help=say("Dates move 1 to this many days later, per patient."))
    ] = MAX_SHIFT_DAYS,
    dates: DatesOption = "iso",
    lang: LangOption = None,
) -> None:
    lang = chosen_language(lang)
    settings = settings_from_options(dates, None, None)
    with writing_from(data, lang):
        _check_places(data, key_file, out)
        check_output(out)
        if create:
            create_key(key_file)
            console.print(
                literal(say("New key written to {path}: keep it safe, never share it.", lang, path=key_file))
            )
        key = read_key(key_file)
        with console.status(literal(say("Reading and checking {path}...", lang, path=data))):
            dataset = read_dataset(data, settings)
        result = deidentify(dataset, key, DeidentifySettings(max_shift_days, code_centres))
        write_dataset(result.dataset, out)
    lines = [
        say(
            "De-identified copy written to {out} ({n} patients).",
            lang,
            out=out,
            n=len(result.dataset["patients"]),
        ),
        say("Identifiers coded: {columns}.", lang, columns=", ".join(result.coded)),
        say(
            "Dates shifted 1 to {days} days later, the same for all of a patient's rows: {columns}.",
            lang,
            days=max_shift_days,
            columns=", ".join(result.shifted),
        ),
        say("Free text emptied: {columns}.", lang, columns=", ".join(result.emptied) or "-"),
        say(
            "Birth years moved with the dates; {n} left blank (no year kept every age true).",
            lang,
            n=result.birth_years_blanked,
        ),
        say(
            "Keep {key}: the same key links the next export; without it the codes cannot be traced back.",
            lang,
            key=key_file,
        ),
    ]
    console.print(f"[green]{literal(lines[0])}[/]", soft_wrap=True, highlight=False)
    for line in lines[1:]:
        console.print(literal(line), soft_wrap=True, highlight=False)
