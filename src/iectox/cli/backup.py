"""`iectox backup OUT` and `iectox restore SNAPSHOT`: the web application's database saved while it runs, and
loaded back into an empty database.

The database is the application's (DATABASE_URL, else ./var/iectox.sqlite3 moved by IECTOX_VAR:
`iectox.web.database`). A refusal (a file that exists, a damaged snapshot, a database that is not empty, a
PostgreSQL program that failed) is one sentence and exit status 2; nothing is written then.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from iectox.cli.console import console, literal
from iectox.cli.language import LangOption, chosen_language, say
from iectox.cli.validate import refuse
from iectox.errors import OutputRefused, SourceError
from iectox.web.backup import backup as take_backup
from iectox.web.backup import manifest_path
from iectox.web.backup import restore as run_restore


def backup(
    out: Annotated[
        Path, typer.Argument(help=say("The snapshot file to write (a new file); its manifest is OUT.json."))
    ],
    lang: LangOption = None,
) -> None:
    lang = chosen_language(lang)
    try:
        with console.status(say("Taking a snapshot of the database...", lang)):
            manifest = take_backup(out)
    except (SourceError, OutputRefused) as exc:
        raise refuse(exc, lang) from exc
    written = say(
        "Snapshot of {database} written to {path} ({size} bytes, SHA-256 {checksum}); manifest: {manifest}",
        lang,
        database=manifest.source,
        path=out,
        size=manifest.size,
        checksum=manifest.sha256,
        manifest=manifest_path(out),
    )
    console.print(f"[green]{literal(written)}[/]", soft_wrap=True)


def restore(
    snapshot: Annotated[
        Path, typer.Argument(help=say("A snapshot written by iectox backup, with its manifest beside it."))
    ],
    lang: LangOption = None,
) -> None:
    lang = chosen_language(lang)
    try:
        with console.status(say("Checking and restoring the snapshot...", lang)):
            restored = run_restore(snapshot)
    except (SourceError, OutputRefused) as exc:
        raise refuse(exc, lang) from exc
    done = say(
        "Restored {path} (taken {created_at}) into {database}: {n} tables",
        lang,
        path=snapshot,
        created_at=restored.manifest.created_at,
        database=restored.database.shown(),
        n=len(restored.tables),
    )
    console.print(f"[green]{literal(done)}[/]", soft_wrap=True)
