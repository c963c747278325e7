"""Pairwise post-hoc comparisons as people read them: one line per pair, in the formatter's language.

pairwise_frame(POST_HOC["pairwise_wilcox"].run(groups, "holm", labels), Formatter("fr", p_digits=3))
"""

from __future__ import annotations

import pandas as pd

from iectox.i18n import N_
from iectox.render.format import Formatter
from iectox.stats.methods import PairwiseResult

PAIR = N_("{first} vs {second}")
COMPARISON, TEST, P_VALUE = N_("Comparison"), N_("Test"), N_("p-value")
ADJUSTED = N_("Adjusted p-value ({adjustment})")
UNADJUSTED = N_("not adjusted")
UNTESTED = N_("not tested: {why_text}")
ADJUSTMENT_NAMES = {
    "holm": "Holm",
    "bh": "Benjamini-Hochberg",
    "bonferroni": "Bonferroni",
    "hochberg": "Hochberg",
    "by": "Benjamini-Yekutieli",
}


def pairwise_frame(result: PairwiseResult, fmt: Formatter | None = None) -> pd.DataFrame:
    """One line per pair: which groups, the test that ran on them, its p-value and the adjusted one (or why
    the pair was not tested)."""
    fmt = fmt or Formatter()
    adjustment = ADJUSTMENT_NAMES.get(result.adjustment) or fmt.tr(UNADJUSTED)
    rows = []
    for pair in result.pairs:
        compared = fmt.tr(PAIR).format(first=pair.first, second=pair.second)
        if pair.result is None:
            rows.append((compared, "", fmt.tr(UNTESTED).format(why_text=pair.reason), ""))
            continue
        rows.append(
            (compared, fmt.test(pair.result.test), fmt.p_value(pair.p_value), fmt.p_value(pair.adjusted))
        )
    columns = [
        fmt.tr(COMPARISON),
        fmt.tr(TEST),
        fmt.tr(P_VALUE),
        fmt.tr(ADJUSTED).format(adjustment=adjustment),
    ]
    return pd.DataFrame(rows, columns=columns)
