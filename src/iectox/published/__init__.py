"""Published comparison tables (`summary-table/1`): reading them and checking their own arithmetic."""

from iectox.published.consistency import Finding, consistency_findings
from iectox.published.seed import seed_table
from iectox.published.summary_table import (
    ContinuousSummary,
    Group,
    SummaryTable,
    Variable,
    parse_summary_table,
    read_summary_table,
)

__all__ = [
    "ContinuousSummary",
    "Finding",
    "Group",
    "SummaryTable",
    "Variable",
    "consistency_findings",
    "parse_summary_table",
    "read_summary_table",
    "seed_table",
]
