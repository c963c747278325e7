"""Statistical methods for comparison tables, each matching the R function named in its docstring, and
their registry `METHODS` (see `method.py` for the protocol)."""

from iectox.stats.methods.adjust import benjamini_hochberg, holm
from iectox.stats.methods.contingency import fisher_exact, pearson_chi2, yates_chi2
from iectox.stats.methods.effects import (
    Effect,
    mean_difference,
    mean_difference_from_stats,
    odds_ratio,
    risk_difference,
    standardized_mean_difference,
    standardized_mean_difference_from_stats,
    wilson,
)
from iectox.stats.methods.means import (
    Moments,
    anova,
    anova_from_stats,
    student_t,
    student_t_from_stats,
    welch_t,
    welch_t_from_stats,
)
from iectox.stats.methods.method import Method
from iectox.stats.methods.pairwise import PairwiseResult
from iectox.stats.methods.ranks import kruskal_wallis, mann_whitney
from iectox.stats.methods.registry import METHODS, POST_HOC
from iectox.stats.methods.result import MethodResult, NotComputable

__all__ = [
    "METHODS",
    "POST_HOC",
    "Effect",
    "Method",
    "MethodResult",
    "Moments",
    "NotComputable",
    "PairwiseResult",
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
