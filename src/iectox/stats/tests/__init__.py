"""Statistical tests for comparison tables, each matching the R function named in its docstring."""

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

__all__ = [
    "REGISTRY",
    "TESTS",
    "Effect",
    "NotComputable",
    "TestResult",
    "TestSpec",
    "anova",
    "anova_from_stats",
    "benjamini_hochberg",
    "fisher_exact",
    "holm",
    "kruskal_wallis",
    "mann_whitney",
    "mean_difference",
    "mean_difference_from_stats",
    "odds_ratio",
    "pearson_chi2",
    "risk_difference",
    "standardized_mean_difference",
    "standardized_mean_difference_from_stats",
    "student_t",
    "student_t_from_stats",
    "welch_t",
    "welch_t_from_stats",
    "wilson",
    "yates_chi2",
]
