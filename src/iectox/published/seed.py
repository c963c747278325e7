"""The seed study's published tables, shipped with iectox (aggregate numbers only; see PROVENANCE.md)."""

from __future__ import annotations

from importlib import resources

from iectox.published.summary_table import SummaryTable, parse_summary_table

SEED_TABLE = "published_tables.json"


def seed_table() -> SummaryTable:
    text = resources.files("iectox").joinpath("data", "seed", SEED_TABLE).read_text(encoding="utf-8")
    return parse_summary_table(text, source=SEED_TABLE)
