"""`iectox crosswalk DATA --registry FORM --out FOLDER`: registry forms filled per infusion, and their
reconciliation with the observations (docs/crosswalks.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from iectox.cli.console import console, literal
from iectox.cli.language import LangOption, chosen_language, say
from iectox.cli.validate import DatesOption, settings_from_options, writing_from
from iectox.crosswalk import load_form, registry_forms, shipped_form
from iectox.crosswalk.write import RECONCILIATION, write_crosswalks
from iectox.io import read_dataset
from iectox.io.atomic import check_output_folder


def crosswalk(
    data: Annotated[Path, typer.Argument(help=say("The dataset (.xlsx, CSV folder or .parquet)."))],
    out: Annotated[
        Path,
        typer.Option(
            "--out", "-o", help=say("Folder to write: one CSV and XLSX per form, the reconciliation.")
        ),
    ],
    registry: Annotated[
        list[str] | None,
        typer.Option(
            "--registry",
            "-r",
            help=say(
                "A registry form ({forms}); repeat it for several. Default: every form.",
                forms=", ".join(registry_forms()),
            ),
        ),
    ] = None,
    mapping: Annotated[
        list[Path] | None,
        typer.Option(
            "--mapping", help=say("A crosswalk file of your own (TOML, docs/crosswalks.md); repeatable.")
        ),
    ] = None,
    dates: DatesOption = "iso",
    lang: LangOption = None,
) -> None:
    lang = chosen_language(lang)
    with writing_from(data, lang):
        check_output_folder(out)  # a folder of the user's is refused before the data are read
        names = registry or ([] if mapping else list(registry_forms()))
        forms = [shipped_form(name) for name in names] + [load_form(path) for path in mapping or []]
        dataset = read_dataset(data, settings_from_options(dates, None, None))
        results = write_crosswalks(dataset, forms, out, lang)
    console.print(
        literal(
            say(
                "{n} form(s) written to {path}; {notes} reconciliation row(s) in {report}.csv, .xlsx and .md.",
                lang,
                n=len(results),
                path=out,
                notes=sum(len(r.notes) for r in results),
                report=RECONCILIATION,
            )
        ),
        soft_wrap=True,
    )
