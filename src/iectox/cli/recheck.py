"""`iectox recheck FILE.json`: which test reproduces each p-value of a published table, and what contradicts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from iectox.cli.console import console
from iectox.cli.language import say
from iectox.cli.validate import refuse
from iectox.errors import SpecError
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
    table = Table(title=title, show_lines=True)
    for name in (N_("variable"), N_("printed p"), N_("status"), N_("recomputed p"), N_("findings")):
        table.add_column(say(name), overflow="fold")
    for row in rows:
        style = STYLES[row.status]
        findings = [escape(m) for m in row.consistency] + [f"[dim]{escape(n)}[/]" for n in row.notes]
        table.add_row(
            escape(row.name),
            escape(row.reported_p or "-"),
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
        table = read_summary_table(file)
        rows = recheck_table(table)
    except SpecError as exc:
        raise refuse(exc) from exc
    print_recheck(rows, say("Recheck of {name}", name=file.name))
    if json_out is not None:
        payload = [row.as_dict() for row in rows]
        json_out.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        console.print(say("Written: {path}", path=json_out), highlight=False, soft_wrap=True)
