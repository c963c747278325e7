"""Every statistical method iectox runs, in one ordered registry: `METHODS[id]`.

The order is that of the `summary-table/1` format's test ids; recheck results and JSON follow it. The
k-group methods (ANOVA, Kruskal-Wallis) start at 3 groups: with two, the two-sample tests are the ones
chosen and rechecked, so a two-group table never gets both.
"""

from __future__ import annotations

from collections.abc import Iterable

from iectox.i18n import N_
from iectox.registry import Registry
from iectox.stats.methods.cmh import (
    cmh_generalized,
    mantel_haenszel,
    mantel_haenszel_exact,
    mantel_haenszel_uncorrected,
)
from iectox.stats.methods.contingency import fisher_exact, pearson_chi2, yates_chi2
from iectox.stats.methods.mcnemar import mcnemar, mcnemar_uncorrected
from iectox.stats.methods.means import (
    anova,
    anova_from_moments,
    student_t,
    student_t_from_moments,
    welch_t,
    welch_t_from_moments,
)
from iectox.stats.methods.method import DataKind, Method
from iectox.stats.methods.pairwise import PostHoc, pair_fisher, pair_prop, pair_welch_t, pair_wilcox, pooled_t
from iectox.stats.methods.ranks import kruskal_wallis, mann_whitney
from iectox.stats.methods.trend import linear_by_linear, prop_trend
from iectox.stats.methods.welch_anova import welch_anova, welch_anova_from_moments
from iectox.stats.methods.wilcoxon_exact import wilcoxon_asymptotic, wilcoxon_exact


class Methods(Registry[Method]):
    """Methods by id, in their declared order, with the two questions the choice and the recheck ask."""

    kind = "statistical method"

    def __init__(self, methods: Iterable[Method] = ()) -> None:
        super().__init__("stats", methods)

    def taking(self, data: DataKind, groups: int, levels: int | None = None) -> list[Method]:
        """The methods on this kind of data that compare this many groups (and levels), in order."""
        return [m for m in self.values() if m.data == data and m.accepts(groups, levels)]

    def first(self, ids: Iterable[str], groups: int) -> Method:
        """The first of `ids` that compares this many groups, or the last one (whose run then refuses)."""
        candidates = [self[i] for i in ids]
        return next((m for m in candidates if m.accepts(groups)), candidates[-1])


METHODS = Methods(
    [
        Method(
            id="pearson_chi2",
            name=N_("Pearson's Chi-squared test"),
            short=N_("Chi-squared"),
            r_call="chisq.test(x, correct = FALSE)",
            data="counts",
            compute=pearson_chi2,
        ),
        Method(
            id="yates_chi2",
            name=N_("Pearson's Chi-squared test with Yates' continuity correction"),
            short=N_("Chi-squared (Yates)"),
            r_call="chisq.test(x, correct = TRUE)",
            data="counts",
            compute=yates_chi2,
            max_groups=2,
            max_levels=2,
        ),
        Method(
            id="fisher_exact",
            name=N_("Fisher's exact test"),
            short=N_("Fisher"),
            r_call="fisher.test(x)",
            data="counts",
            compute=fisher_exact,
        ),
        Method(
            id="welch_t",
            name=N_("Welch Two Sample t-test"),
            short=N_("Welch t"),
            r_call="t.test(a, b)",
            data="values",
            compute=welch_t,
            max_groups=2,
            from_aggregates=welch_t_from_moments,
        ),
        Method(
            id="student_t",
            name=N_("Two Sample t-test"),
            short=N_("Student t"),
            r_call="t.test(a, b, var.equal = TRUE)",
            data="values",
            compute=student_t,
            max_groups=2,
            from_aggregates=student_t_from_moments,
        ),
        Method(
            id="mann_whitney",
            name=N_("Wilcoxon rank sum test"),
            short=N_("Mann-Whitney"),
            r_call="wilcox.test(a, b)",
            data="values",
            compute=mann_whitney,
            max_groups=2,
            on_ranks=True,
        ),
        Method(
            id="kruskal_wallis",
            name=N_("Kruskal-Wallis rank sum test"),
            short=N_("Kruskal-Wallis"),
            r_call="kruskal.test(list(...))",
            data="values",
            compute=kruskal_wallis,
            min_groups=3,
            on_ranks=True,
        ),
        Method(
            id="anova",
            name=N_("One-way analysis of means"),
            short=N_("ANOVA"),
            r_call="oneway.test(y ~ g, var.equal = TRUE)",
            data="values",
            compute=anova,
            min_groups=3,
            from_aggregates=anova_from_moments,
        ),
        # The tests a reviewer asks for (docs/statistics.md, "Tests a reviewer expects").
        Method(
            id="welch_anova",
            name=N_("One-way analysis of means (not assuming equal variances)"),
            short=N_("Welch ANOVA"),
            r_call="oneway.test(y ~ g)",
            data="values",
            compute=welch_anova,
            min_groups=3,
            from_aggregates=welch_anova_from_moments,
        ),
        Method(
            id="prop_trend",
            name=N_("Chi-squared Test for Trend in Proportions"),
            short=N_("Trend (Cochran-Armitage)"),
            r_call="prop.trend.test(x, n)",
            data="ordered",
            compute=prop_trend,
            min_groups=3,
            max_levels=2,
        ),
        Method(
            id="linear_by_linear",
            name=N_("Asymptotic Linear-by-Linear Association Test"),
            short=N_("Linear-by-linear"),
            r_call="coin::lbl_test(as.table(x))",
            data="ordered",
            compute=linear_by_linear,
        ),
        Method(
            id="wilcoxon_exact",
            name=N_("Exact Wilcoxon-Mann-Whitney Test"),
            short=N_("Wilcoxon (exact)"),
            r_call='coin::wilcox_test(y ~ g, distribution = "exact")',
            data="values",
            compute=wilcoxon_exact,
            max_groups=2,
            on_ranks=True,
        ),
        Method(
            id="wilcoxon_asymptotic",
            name=N_("Asymptotic Wilcoxon-Mann-Whitney Test"),
            short=N_("Wilcoxon (asymptotic)"),
            r_call="coin::wilcox_test(y ~ g)",
            data="values",
            compute=wilcoxon_asymptotic,
            max_groups=2,
            on_ranks=True,
        ),
        Method(
            id="mantel_haenszel",
            name=N_("Mantel-Haenszel chi-squared test with continuity correction"),
            short=N_("Mantel-Haenszel"),
            r_call="mantelhaen.test(x)",
            data="strata",
            compute=mantel_haenszel,
            max_groups=2,
            max_levels=2,
        ),
        Method(
            id="mantel_haenszel_uncorrected",
            name=N_("Mantel-Haenszel chi-squared test without continuity correction"),
            short=N_("Mantel-Haenszel (uncorrected)"),
            r_call="mantelhaen.test(x, correct = FALSE)",
            data="strata",
            compute=mantel_haenszel_uncorrected,
            max_groups=2,
            max_levels=2,
        ),
        Method(
            id="mantel_haenszel_exact",
            name=N_("Exact conditional test of independence in 2 x 2 x k tables"),
            short=N_("Mantel-Haenszel (exact)"),
            r_call="mantelhaen.test(x, exact = TRUE)",
            data="strata",
            compute=mantel_haenszel_exact,
            max_groups=2,
            max_levels=2,
        ),
        Method(
            id="cmh_generalized",
            name=N_("Cochran-Mantel-Haenszel test"),
            short=N_("CMH"),
            r_call="mantelhaen.test(x)",
            data="strata",
            compute=cmh_generalized,
        ),
        Method(
            id="mcnemar",
            name=N_("McNemar's Chi-squared test with continuity correction"),
            short=N_("McNemar"),
            r_call="mcnemar.test(x)",
            data="paired",
            compute=mcnemar,
            max_groups=2,
        ),
        Method(
            id="mcnemar_uncorrected",
            name=N_("McNemar's Chi-squared test"),
            short=N_("McNemar (uncorrected)"),
            r_call="mcnemar.test(x, correct = FALSE)",
            data="paired",
            compute=mcnemar_uncorrected,
            max_groups=2,
        ),
    ]
)


class PostHocs(Registry[PostHoc]):
    """Pairwise post-hoc procedures by id, in their declared order."""

    kind = "post-hoc procedure"

    def __init__(self, procedures: Iterable[PostHoc] = ()) -> None:
        super().__init__("stats", procedures)


POST_HOC = PostHocs(
    [
        PostHoc(
            id="pairwise_t",
            name=N_("Pairwise t tests with pooled SD"),
            short=N_("Pairwise t (pooled SD)"),
            r_call="pairwise.t.test(x, g)",
            data="values",
            compare=pooled_t,
            method="t tests with pooled SD",
        ),
        PostHoc(
            id="pairwise_t_welch",
            name=N_("Pairwise t tests with non-pooled SD"),
            short=N_("Pairwise Welch t"),
            r_call="pairwise.t.test(x, g, pool.sd = FALSE)",
            data="values",
            compare=pair_welch_t,
            method="t tests with non-pooled SD",
        ),
        PostHoc(
            id="pairwise_wilcox",
            name=N_("Pairwise Wilcoxon rank sum tests"),
            short=N_("Pairwise Mann-Whitney"),
            r_call="pairwise.wilcox.test(x, g)",
            data="values",
            compare=pair_wilcox,
            method=None,
        ),
        PostHoc(
            id="pairwise_prop",
            name=N_("Pairwise comparison of proportions"),
            short=N_("Pairwise proportions"),
            r_call="pairwise.prop.test(x, n)",
            data="counts",
            compare=pair_prop,
            method="Pairwise comparison of proportions",
            max_levels=2,
        ),
        PostHoc(
            id="pairwise_fisher",
            name=N_("Pairwise Fisher's exact tests"),
            short=N_("Pairwise Fisher"),
            r_call='pairwise.table(function(i, j) fisher.test(x[c(i, j), ])$p.value, rownames(x), "holm")',
            data="counts",
            compare=pair_fisher,
            method="Pairwise comparisons using Fisher's exact test",
        ),
    ]
)
