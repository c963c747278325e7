"""Which test for which variable: an explicit, printed policy, with presets that match other tools.

Presets reproduce the defaults of the tools a table may have been made with, so that a user can match it:
R gtsummary (`add_p()`), R tableone (`CreateTableOne`, printed with `print()`), Python tableone (`TableOne`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from iectox.stats.methods import METHODS
from iectox.stats.variables import Summary


@dataclass(frozen=True)
class MethodPolicy:
    """The test policy of a comparison table.

    `categorical`: Pearson's chi-square without (`pearson_chi2`) or with (`yates_chi2`, 2x2 only, as R)
    continuity correction. `fisher_below`: switch to Fisher's exact test when any expected count is below
    this (None: never); `fisher_2x2_only`: only on a 2 x 2 table (Python tableone; larger tables keep the
    chi-square; its other condition, a group of fewer than 5, implies an expected count below 5);
    `fisher_counts_unused`: expected counts include levels no one has, which are 0
    (gtsummary counts a factor's unused levels). `continuous`: the test of two groups summarised by mean (SD)
    (ANOVA beyond); `rank_test`: of two groups summarised by median [IQR] (Kruskal-Wallis beyond; both
    tableones use Kruskal-Wallis for two groups too). `ordinal`: grades tested as categories (`chi2`) or by
    ranks (`mann_whitney`). `quantile_type`: R's `quantile(type = )` of the median [IQR] (gtsummary: 2).
    `categorical_below`: a number with fewer distinct values is summarised as categorical (gtsummary: 10;
    None: iectox's rule). `empty_group`: a group without a value for a variable is left out of its test
    (`drop`, as R's tests on factors drop unused levels, said in a footnote) or the variable is not tested
    (`untested`, Python tableone), or still counts in the choice of the test (`kept`, gtsummary: three groups
    mean Kruskal-Wallis, its zero row an expected count of 0, so Fisher), which then drops it.
    `ranks_always`: continuous variables are tested by ranks whatever their summary (gtsummary's default
    test does not depend on the statistic shown). `adjustment`: what `add_q()` does by default (gtsummary: `fdr`).
    `rounding`: how the table prints its statistics: Python's format of the binary value (`format`), or half
    up as gtsummary (`half_up`, cards::round5: 6.25% -> 6.3%). `missing_as_level`: a categorical variable's
    blanks become a level "None", shown and tested with the others (Python tableone's `include_null=True`).
    `stratified`: the test of 2 x 2 tables within strata, when a table is stratified (`compare(strata=)`):
    R `mantelhaen.test`'s default with continuity correction, without it, or exact; larger tables take the
    generalised Cochran-Mantel-Haenszel test.
    """

    name: str = "iectox"
    categorical: Literal["pearson_chi2", "yates_chi2"] = "pearson_chi2"
    fisher_below: float | None = 5.0
    fisher_2x2_only: bool = False
    fisher_counts_unused: bool = False
    continuous: Literal["welch_t", "student_t"] = "welch_t"
    rank_test: Literal["mann_whitney", "kruskal_wallis"] = "mann_whitney"
    summary: Summary = "mean_sd"
    ordinal: Literal["chi2", "mann_whitney"] = "chi2"
    quantile_type: Literal[2, 7] = 7
    categorical_below: int | None = None
    empty_group: Literal["drop", "untested", "kept"] = "drop"
    adjustment: Literal["holm", "bh", "fdr"] = "holm"
    rounding: Literal["format", "half_up"] = "format"
    missing_as_level: bool = False
    ranks_always: bool = False
    stratified: Literal["mantel_haenszel", "mantel_haenszel_uncorrected", "mantel_haenszel_exact"] = (
        "mantel_haenszel"
    )

    def describe(self) -> str:
        fisher = (
            f"; Fisher's exact test when an expected count is below {self.fisher_below:g}"
            + (" (2 x 2 tables only)" if self.fisher_2x2_only else "")
            if (self.fisher_below is not None)
            else ""
        )
        corrected = "with" if self.categorical == "yates_chi2" else "without"
        return (
            f"{self.name}: categorical variables by Pearson's chi-squared test {corrected} continuity "
            f"correction{fisher}; {self._continuous_text()}; grades by "
            f"{'chi-square' if self.ordinal == 'chi2' else METHODS['mann_whitney'].name}."
        )

    def _continuous_text(self) -> str:
        if self.ranks_always:
            return f"continuous variables by {METHODS[self.rank_test].name}, whatever their summary"
        return (
            f"continuous variables by {METHODS[self.continuous].name} (mean, SD) or "
            f"{METHODS[self.rank_test].name} (median, IQR)"
        )

    def with_(self, **changes: object) -> MethodPolicy:
        return replace(self, **changes)  # type: ignore[arg-type]


PRESETS: dict[str, MethodPolicy] = {
    "iectox": MethodPolicy(),
    # gtsummary add_p() defaults, R/assign_tests.R .add_p_tbl_summary_default_test: continuous ->
    # default = "wilcox.test" when length(unique(data[[by]])) == 2, else "kruskal.test"; categorical ->
    # min_exp from table(data[[by]], data[[variable]]) |> proportions() (a factor's unused levels included),
    # "if (isTRUE(min_exp >= 5 || is.nan(min_exp)))" "chisq.test.no.correct", else "fisher.test".
    # Median [IQR]: cards' continuous summary functions, p25/p75 = stats::quantile(x, probs, type = 2).
    # R/assign_summary_type.R: numbers with length(unique(na.omit(x))) < cat_threshold (10L) are categorical.
    # add_q(method = "fdr"); numbers rounded by cards::round5 (R/round5.R, half up). The test depends on the
    # summary type, not the statistic shown (a mean (SD) is still tested by wilcox.test), and on every group
    # of `by`: an empty one counts in length(unique(data[[by]])) and in table(), as a row of zeros.
    "gtsummary": MethodPolicy(
        name="gtsummary",
        summary="median_iqr",
        ordinal="chi2",
        fisher_counts_unused=True,
        quantile_type=2,
        categorical_below=10,
        adjustment="fdr",
        rounding="half_up",
        empty_group="kept",
        ranks_always=True,
    ),
    # R tableone CreateTableOne defaults: testApprox = chisq.test, argsApprox = list(correct = TRUE) (R applies
    # Yates on a 2 x 2 only), testExact = fisher.test shown only for print(exact = ...); testNormal =
    # oneway.test, argsNormal = list(var.equal = TRUE) (with two groups the p of t.test(var.equal = TRUE):
    # F = t^2); testNonNormal = kruskal.test, for two groups too; print(nonnormal = ) quartiles: quantile(),
    # type 7. Tests run through R/modules.R ModuleApproxExactTests -> ModuleTestSafe on xtabs(~ var + strata).
    "r_tableone": MethodPolicy(
        name="r_tableone",
        categorical="yates_chi2",
        fisher_below=None,
        continuous="student_t",
        rank_test="kruskal_wallis",
    ),
    # Python tableone 0.9.6, tableone/statistics.py Statistics._p_test (lines 157-192): "if min_observed == 0"
    # not tested; normal and 2 groups: stats.ttest_ind(equal_var=ttest_equal_var) (False: Welch); normal:
    # stats.f_oneway; nonnormal: stats.kruskal (2 groups too); categorical: stats.chi2_contingency (its
    # correction=True: Yates when dof = 1), then "if expected.min() < 5 or min_observed < 5" and the table is
    # (2, 2): stats.fisher_exact (a group < 5 implies an expected count < 5). preprocessors.py
    # handle_categorical_nulls (include_null=True): blanks become the level "None". Quartiles: np.nanpercentile
    # (type 7).
    "py_tableone": MethodPolicy(
        name="py_tableone",
        categorical="yates_chi2",
        fisher_below=5.0,
        fisher_2x2_only=True,
        rank_test="kruskal_wallis",
        empty_group="untested",
        missing_as_level=True,
    ),
}


def policy(name_or_policy: str | MethodPolicy) -> MethodPolicy:
    if isinstance(name_or_policy, MethodPolicy):
        return name_or_policy
    try:
        return PRESETS[name_or_policy]
    except KeyError:
        raise ValueError(f"unknown test policy {name_or_policy!r}; presets: {', '.join(PRESETS)}") from None
