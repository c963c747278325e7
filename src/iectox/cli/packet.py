"""`iectox packet STUDY.toml DATA --out packet.json`: a centre's aggregate tables for a multi-centre study."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from iectox.cli.console import console, literal
from iectox.cli.files import check_file_output, write_json
from iectox.cli.language import say
from iectox.cli.validate import DatesOption, refuse, reject
from iectox.errors import DatasetInvalid, OutputRefused, SourceError, SpecError
from iectox.i18n import N_
from iectox.io import read_dataset
from iectox.study import load_study
from iectox.study.packet import make_packet
from iectox.study.suppression import DEFAULT_MIN_CELL
from iectox.validate import Settings


def packet(
    study: Annotated[Path, typer.Argument(help=say("The study spec (TOML) shared by every centre."))],
    data: Annotated[Path, typer.Argument(help=say("An .xlsx workbook or a folder of CSV files."))],
    out: Annotated[Path, typer.Option("--out", help=say("The packet to write (JSON)."))],
    centre: Annotated[
        str | None,
        typer.Option(
            "--centre", help=say("The centre's name in the pooled tables (default: the data's name).")
        ),
    ] = None,
    min_cell: Annotated[
        int,
        typer.Option(
            "--min-cell", min=1, help=say("Counts from 1 to this minus one are masked (default 5).")
        ),
    ] = DEFAULT_MIN_CELL,
    dates: DatesOption = "iso",
) -> None:
    try:
        spec = load_study(study)
        check_file_output(out)
    except (SpecError, OutputRefused) as exc:
        raise refuse(exc) from exc
    start, end = spec.period or (None, None)
    try:
        dataset = read_dataset(data, Settings(date_order=dates, study_start=start, study_end=end))  # type: ignore[arg-type]
        document = make_packet(dataset, spec, centre or data.stem, min_cell)
        write_json(out, document)
    except (SourceError, SpecError, OutputRefused) as exc:
        raise refuse(exc) from exc
    except DatasetInvalid as exc:
        raise reject(exc, N_("{path}: {n} error(s); no packet was written."), path=data) from exc
    masked = sum(len(v["suppressed"]) for t in document["tables"] for v in t["variables"])
    console.print(
        literal(
            say(
                "Packet written: {path} ({masked} cells masked, checksum {checksum})",
                path=out,
                masked=masked,
                checksum=document["checksum"][:16],
            )
        ),
        highlight=False,
        soft_wrap=True,
    )
