"""The analysis columns page of the docs, generated from their definitions."""

from __future__ import annotations

from dataclasses import fields

from iectox.analysis.columns import COLUMNS
from iectox.analysis.settings import AnalysisSettings
from iectox.schema.dictionary import generated_from


def analysis_columns_markdown() -> str:
    settings = AnalysisSettings()
    lines = [
        "# The analysis table: one row per infusion",
        "",
        generated_from("iectox.analysis"),
        "",
        "Every comparison, figure and audit is computed from this table (`iectox.analysis.infusion_table`); "
        "`iectox report` writes it as `analysis_table.csv` next to the report so that every number can be "
        "traced to the infusions it counts.",
        "",
        "## Settings of the study spec (`[analysis]`)",
        "",
        "| setting | default |",
        "| --- | --- |",
        *(f"| `{f.name}` | `{getattr(settings, f.name)}` |" for f in fields(settings)),
        "",
        "## Columns",
        "",
        "| column | kind | unit | definition |",
        "| --- | --- | --- | --- |",
        *(f"| `{c.name}` | {c.kind} | {c.unit or ''} | {c.definition} |" for c in COLUMNS),
    ]
    return "\n".join(lines) + "\n"
