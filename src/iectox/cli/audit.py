"""`iectox audit DATA [--pathway FILE] --out DIR`: the dataset judged against a management pathway.

Writes audit.html, audit.xlsx, audit.json and the figures; without --pathway, the default pathway shipped
with iectox (examples/pathways/default.toml) is used, and the page says so.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from iectox.cli.console import console, literal
from iectox.cli.language import LangOption, chosen_language, say
from iectox.cli.validate import DatesOption, refuse, reject, settings_from_options
from iectox.errors import DatasetInvalid, OutputRefused, SourceError, SpecError
from iectox.i18n import N_
from iectox.io import read_dataset
from iectox.management.audit import audit as run_audit
from iectox.management.pathway import default_pathway, load_pathway
from iectox.render.audit import check_audit_folder, write_audit


def audit(
    data: Annotated[Path, typer.Argument(help=say("An .xlsx workbook or a folder of CSV files."))],
    out: Annotated[
        Path, typer.Option("--out", help=say("Folder for audit.html, audit.xlsx, audit.json, figures/."))
    ],
    pathway: Annotated[
        Path | None,
        typer.Option(
            "--pathway", help=say("The management pathway (TOML); default: iectox's default pathway.")
        ),
    ] = None,
    lang: LangOption = None,
    dates: DatesOption = "iso",
) -> None:
    lang = chosen_language(lang)
    try:
        chosen = load_pathway(pathway) if pathway is not None else default_pathway()
        check_audit_folder(out)  # a folder of the user's is refused before any work, not after it
    except (SpecError, OutputRefused) as exc:
        raise refuse(exc, lang) from exc
    try:
        with console.status(literal(say("Reading and checking {path}...", lang, path=data))):
            dataset = read_dataset(data, settings_from_options(dates, None, None))
    except SourceError as exc:
        raise refuse(exc, lang) from exc
    except DatasetInvalid as exc:
        raise reject(exc, N_("{path}: {n} error(s); no audit was written."), lang, path=data) from exc
    try:
        with console.status(say("Auditing...", lang)):
            result = run_audit(dataset, chosen)
            files = write_audit(result, out, lang)
    except OutputRefused as exc:  # a folder of the user's, or another iectox writing there
        raise refuse(exc, lang) from exc
    counts = result.counts()
    written = say(
        "Audit written to {out}/ (pathway: {pathway}; {deviations} deviation(s), {warnings} warning(s), "
        "{infos} info):",
        lang,
        out=out,
        pathway=say(chosen.name, lang),
        deviations=counts["deviation"],
        warnings=counts["warning"],
        infos=counts["info"],
    )
    console.print(f"[green]{literal(written)}[/]", soft_wrap=True)
    for path in files:
        console.print(f"  {literal(path)}", highlight=False, soft_wrap=True)
