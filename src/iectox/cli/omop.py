"""`iectox omop DATA --out FILE.duckdb` (or `--url postgresql://... --schema cdm`): the dataset as OMOP CDM v5.4
tables (docs/omop.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from iectox.cli.console import console, literal
from iectox.cli.language import LangOption, checked_option, chosen_language, say
from iectox.cli.validate import DatesOption, settings_from_options, writing_from
from iectox.errors import without_password
from iectox.i18n import N_
from iectox.io import read_dataset
from iectox.omop import OmopExport, check_schema, write_duckdb, write_postgres


def _report(export: OmopExport, where: str, lang: str) -> None:
    rows = ", ".join(f"{n} {name}" for name, n in export.counts.items())
    console.print(
        literal(say("OMOP CDM v5.4 written to {path}: {rows}.", lang, path=where, rows=rows)), soft_wrap=True
    )
    for name, n in export.left_out.items():
        console.print(
            literal(
                say(
                    "{n} {table} row(s) left out: a date or year OMOP requires is not recorded.",
                    lang,
                    n=n,
                    table=name,
                )
            ),
            soft_wrap=True,
        )


def omop(
    data: Annotated[Path, typer.Argument(help=say("The dataset (.xlsx, CSV folder or .parquet)."))],
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help=say("DuckDB file to write (a new file, renamed into place).")),
    ] = None,
    url: Annotated[
        str | None,
        typer.Option(help=say("PostgreSQL database to write into instead (postgresql://user@host/name).")),
    ] = None,
    schema: Annotated[str, typer.Option(help=say("PostgreSQL schema of the tables (with --url)."))] = "cdm",
    dates: DatesOption = "iso",
    lang: LangOption = None,
) -> None:
    lang = chosen_language(lang)
    if (out is None) == (url is None):
        raise typer.BadParameter(
            say("give either --out FILE.duckdb or --url postgresql://...", lang), param_hint="--out"
        )
    checked_option(
        check_schema,
        schema,
        "--schema",
        N_("'{name}' is not a schema name; use lower-case letters, digits and _"),
        lang,
        name=schema,
    )
    with writing_from(data, lang):
        dataset = read_dataset(data, settings_from_options(dates, None, None))
        if out is not None:
            export, where = write_duckdb(dataset, out), str(out)
        else:
            export, where = (
                write_postgres(dataset, str(url), schema),
                f"{without_password(str(url))} ({schema})",
            )
    _report(export, where, lang)
