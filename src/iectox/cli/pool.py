"""`iectox pool packet1.json packet2.json ... --out DIR`: one table across centres from their packets."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from iectox.cli.console import console, literal
from iectox.cli.language import chosen_language, say
from iectox.cli.validate import refuse
from iectox.errors import OutputRefused, SourceError
from iectox.render.pooling_files import check_pool_folder, write_pooled
from iectox.study.packet_read import read_packets
from iectox.study.pooling import pool as pool_packets


def pool(
    packets: Annotated[
        list[Path], typer.Argument(help=say("The centres' packets (iectox packet), two or more."))
    ],
    out: Annotated[Path, typer.Option("--out", help=say("Folder for the pooled tables and figures."))],
    lang: Annotated[str | None, typer.Option("--lang", help=say("Language of the output: en or fr."))] = None,
) -> None:
    language = chosen_language(lang)
    try:
        check_pool_folder(out)
        pooled = pool_packets(read_packets(packets))  # every packet checked before anything is pooled
        files = write_pooled(pooled, out, language)
    except (SourceError, OutputRefused) as exc:
        raise refuse(exc, language) from exc
    written = say("Pooled {count} centres into {out}/:", language, count=len(pooled.centres), out=out)
    console.print(f"[green]{literal(written)}[/]", soft_wrap=True)
    for path in files:
        console.print(f"  {literal(path)}", highlight=False, soft_wrap=True)
