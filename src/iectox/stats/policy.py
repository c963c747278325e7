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
    this (None: never). `continuous`: the test for continuous variables summarised by mean (SD); `rank_test`
    for those summarised by median [IQR]; with three or more groups they become ANOVA and Kruskal-Wallis.
    `ordinal`: grades tested as categories (`chi2`) or by ranks (`mann_whitney`).
    """

    name: str = "iectox"
    categorical: Literal["pearson_chi2", "yates_chi2"] = "pearson_chi2"
    fisher_below: float | None = 5.0
    continuous: Literal["welch_t", "student_t"] = "welch_t"
    rank_test: Literal["mann_whitney"] = "mann_whitney"
    summary: Summary = "mean_sd"
    ordinal: Literal["chi2", "mann_whitney"] = "chi2"

    def describe(self) -> str:
        fisher = (
            f"; Fisher's exact test when an expected count is below {self.fisher_below:g}"
            if (self.fisher_below is not None)
            else ""
        )
        corrected = "with" if self.categorical == "yates_chi2" else "without"
        return (
            f"{self.name}: categorical variables by Pearson's chi-squared test {corrected} continuity "
            f"correction{fisher}; continuous variables by {METHODS[self.continuous].name} (mean, SD) or "
            f"{METHODS[self.rank_test].name} (median, IQR); grades by "
            f"{'chi-square' if self.ordinal == 'chi2' else METHODS['mann_whitney'].name}."
        )

    def with_(self, **changes: object) -> MethodPolicy:
        return replace(self, **changes)  # type: ignore[arg-type]


PRESETS: dict[str, MethodPolicy] = {
    "iectox": MethodPolicy(),
    "gtsummary": MethodPolicy(name="gtsummary", summary="median_iqr", ordinal="chi2"),
    "r_tableone": MethodPolicy(
        name="r_tableone", categorical="yates_chi2", fisher_below=None, continuous="student_t"
    ),
    "py_tableone": MethodPolicy(name="py_tableone", categorical="yates_chi2", fisher_below=None),
}


def policy(name_or_policy: str | MethodPolicy) -> MethodPolicy:
    if isinstance(name_or_policy, MethodPolicy):
        return name_or_policy
    try:
        return PRESETS[name_or_policy]
    except KeyError:
        raise ValueError(f"unknown test policy {name_or_policy!r}; presets: {', '.join(PRESETS)}") from None
