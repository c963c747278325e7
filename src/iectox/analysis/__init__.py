"""One row per infusion: the table every comparison, figure and audit is computed from."""

from iectox.analysis.columns import BY_NAME, COLUMNS, Derived
from iectox.analysis.derive import infusion_table
from iectox.analysis.settings import AnalysisSettings

__all__ = ["BY_NAME", "COLUMNS", "AnalysisSettings", "Derived", "infusion_table"]
