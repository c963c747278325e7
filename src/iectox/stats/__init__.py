"""Statistics for comparison tables: tests matching R, effect sizes, p-value adjustment.

A plain list of re-exports (one import per module), so each part of the package adds its own line.
"""
# ruff: noqa: F401

from iectox.stats.compare import Comparison, compare
from iectox.stats.policy import PRESETS, TestPolicy
from iectox.stats.tests.adjust import benjamini_hochberg, holm
from iectox.stats.tests.contingency import fisher_exact, pearson_chi2, yates_chi2
from iectox.stats.tests.effects import (
    Effect,
    mean_difference,
    mean_difference_from_stats,
    odds_ratio,
    risk_difference,
    standardized_mean_difference,
    standardized_mean_difference_from_stats,
    wilson,
)
from iectox.stats.tests.means import (
    anova,
    anova_from_stats,
    student_t,
    student_t_from_stats,
    welch_t,
    welch_t_from_stats,
)
from iectox.stats.tests.ranks import kruskal_wallis, mann_whitney
from iectox.stats.tests.result import REGISTRY, TESTS, NotComputable, TestResult, TestSpec
from iectox.stats.variables import Variable
