"""`iectox recheck FILE.json`: which test reproduces each p-value of a published table, and what contradicts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from iectox.cli.console import console, literal
from iectox.cli.files import check_file_output, write_json
from iectox.cli.language import say
from iectox.cli.validate import refuse
from iectox.errors import OutputRefused, SpecError
from iectox.i18n import N_
from iectox.published import read_summary_table
from iectox.published.recheck import (
    NO_REPORTED_P,
    NOT_RECOMPUTABLE,
    NOT_REPRODUCED,
    REPRODUCED,
    VariableRecheck,
)
from iectox.published.recheck import (
    recheck as recheck_table,
)

STYLES = {REPRODUCED: "green", NOT_REPRODUCED: "red", NOT_RECOMPUTABLE: "yellow", NO_REPORTED_P: "dim"}


def _p(p: float) -> str:
    return f"{p:.4f}" if p >= 1e-4 else f"{p:.2e}"


def _tests_cell(row: VariableRecheck) -> str:
    lines = []
    for t in row.tests:
        mark = " [green]✓[/]" if t.test in row.reproduced_by else ""
        lines.append(f"{t.test} {_p(t.p_value)}{mark}")
    return "\n".join(lines) or "-"


def print_recheck(rows: list[VariableRecheck], title: str) -> None:
    """One row per variable: printed p, status, every recomputed p (✓ = reproduces), and the findings."""
    table = Table(title=literal(title), show_lines=True)
    for name in (N_("variable"), N_("printed p"), N_("status"), N_("recomputed p"), N_("findings")):
        table.add_column(say(name), overflow="fold")
    for row in rows:
        style = STYLES[row.status]
        findings = [literal(m) for m in row.consistency] + [f"[dim]{literal(n)}[/]" for n in row.notes]
        table.add_row(
            literal(row.name),
            literal(row.reported_p or "-"),
            f"[{style}]{row.status}[/]",
            _tests_cell(row),
            "\n".join(findings),
        )
    console.print(table)
    counts = {status: sum(r.status == status for r in rows) for status in STYLES}
    console.print(", ".join(f"{n} {status}" for status, n in counts.items() if n), highlight=False)


def recheck(
    file: Annotated[
        Path, typer.Argument(help=say("A summary-table/1 JSON file (a published comparison table)."))
    ],
    json_out: Annotated[
        Path | None, typer.Option("--json", help=say("Also write one JSON object per variable to this file."))
    ] = None,
) -> None:
    try:
        check_file_output(json_out)
        table = read_summary_table(file)
        rows = recheck_table(table)
    except (SpecError, OutputRefused) as exc:
        raise refuse(exc) from exc
    print_recheck(rows, say("Recheck of {name}", name=file.name))
    if json_out is not None:
        try:
            write_json(json_out, [row.as_dict() for row in rows])
        except OutputRefused as exc:
            raise refuse(exc) from exc
        console.print(literal(say("Written: {path}", path=json_out)), highlight=False, soft_wrap=True)
