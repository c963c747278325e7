"""The `iectox` command: one Typer app; each command lives in its own module and calls the library."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="iectox",
    help="Toxicity registry, ASTCT grading, management audit and statistics for CAR-T cells and bispecifics.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """iectox: capture, grade, audit, compare and report toxicities of immune effector cell therapies."""
