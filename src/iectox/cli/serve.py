"""`iectox serve`: the web application on one command (migrations applied, then served by several processes,
with the dashboard worker beside them: `iectox.web.serve`)."""

from __future__ import annotations

from typing import Annotated

import typer

from iectox.cli.console import console, err_console
from iectox.cli.language import say
from iectox.web.serve import default_workers, multiprocess, prepare, run


def serve(
    host: Annotated[
        str, typer.Option(help=say("Address to listen on (0.0.0.0: every interface)."))
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help=say("Port to listen on."), min=1, max=65535)] = 8000,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo",
            help=say(
                "Load the demo's dataset (the synthetic seed cohort and bispecific courses) into an empty "
                "registry and make one demo account per role."
            ),
        ),
    ] = False,
    workers: Annotated[
        int | None,
        typer.Option(
            help=say("Server processes (default: one per core; one where only waitress can run)."), min=1
        ),
    ] = None,
) -> None:
    prepare(host, demo)
    shown = f"[{host}]" if ":" in host else host
    if workers is None:
        workers = default_workers() if multiprocess() else 1
    elif workers > 1 and not multiprocess():
        err_console.print(say("Only one server process can run on this system: serving with one."))
        workers = 1

    def listening() -> None:
        message = say("Serving on http://{host}:{port}/ (Ctrl-C to stop)", host=shown, port=port)
        console.print(message, soft_wrap=True)

    try:
        run(host, port, listening, workers)
    except KeyboardInterrupt:
        raise typer.Exit(0) from None
    except OSError as error:
        message = say(
            "Cannot listen on {host}:{port}: {reason}", host=shown, port=port, reason=error.strerror
        )
        err_console.print(message, soft_wrap=True)
        raise typer.Exit(2) from None
