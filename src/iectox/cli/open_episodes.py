"""`iectox open-episodes DATA`: the CRS and ICANS episodes still open (an onset, no resolution, not ended by
death), oldest first, one line each; what the web's quality dashboard lists for a ward.

The dataset is read and checked as `iectox validate` reads it; an invalid dataset lists its errors and exits
with status 1, an unreadable one with status 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from iectox.cli.console import console, literal
from iectox.cli.language import LangOption, chosen_language, say
from iectox.cli.validate import DatesOption, refuse, reject, settings_from_options
from iectox.errors import DatasetInvalid, SourceError
from iectox.i18n import N_
from iectox.io import read_dataset
from iectox.management.open_episodes import open_episodes as still_open
from iectox.render.open_episodes import open_episode_lines, open_episode_rows


def open_episodes(
    data: Annotated[Path, typer.Argument(help=say("An .xlsx workbook or a folder of CSV files."))],
    lang: LangOption = None,
    dates: DatesOption = "iso",
) -> None:
    lang = chosen_language(lang)
    try:
        with console.status(literal(say("Reading and checking {path}...", lang, path=data))):
            dataset = read_dataset(data, settings_from_options(dates, None, None))
    except SourceError as exc:
        raise refuse(exc, lang) from exc
    except DatasetInvalid as exc:
        raise reject(exc, N_("{path}: {n} error(s); nothing was listed."), lang, path=data) from exc
    for line in open_episode_lines(open_episode_rows(still_open(dataset)), lang):
        console.print(literal(line), soft_wrap=True, highlight=False)
