"""`compare()`: a comparison table as a value, refined by small verbs in the spirit of gtsummary.

    table = compare(frame, by="cohort", variables=["sex", "age", Variable("crs_grade", kind="toxicity")])
    table = table.add_p().add_overall().add_smd().add_q("holm")

Every verb returns a new table; the input frame is never modified. Tests run on complete cases; missing
values are counted per group and shown. The table holds numbers only: `iectox.render` formats it
(`comparison_frame`, `comparison_markdown`, `write_table_docx`...).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from iectox.i18n import N_
from iectox.message import Message
from iectox.stats import build, effects, table_estimates
from iectox.stats.choose import choose_count_test, choose_rank_test, choose_sample_test, testable
from iectox.stats.footnotes import footnotes as table_footnotes
from iectox.stats.footnotes import tests_used
from iectox.stats.methods import METHODS, MethodResult, Moments, NotComputable, pearson_chi2
from iectox.stats.methods.adjust import ADJUSTMENTS
from iectox.stats.methods.means import FROM_VALUES
from iectox.stats.methods.method import Method
from iectox.stats.policy import MethodPolicy
from iectox.stats.policy import policy as as_policy
from iectox.stats.strata import strata_counts, stratified_notes, stratified_test
from iectox.stats.summaries import Groups, make_groups
from iectox.stats.table import Footnote, VariableResult, variable_record
from iectox.stats.variables import Variable, as_variable

MISSINGNESS_ALPHA = 0.05
ADJUSTMENT_NAMES = {"holm": "holm", "bh": "bh", "BH": "bh", "fdr": "bh"}  # R p.adjust's names of the same


@dataclass(frozen=True)
class Comparison:
    """A comparison table: groups, one result per variable, and which optional columns are shown."""

    by: str
    groups: Groups
    results: tuple[VariableResult, ...]
    policy: MethodPolicy
    excluded: int = 0  # rows without a group
    show_overall: bool = False
    show_p: bool = False
    show_smd: bool = False
    q_method: str | None = None
    show_difference: bool = False
    ci_level: float | None = None  # `add_ci`: the confidence level of the intervals beside the cells
    difference_pair: tuple[int, int] = (0, 1)  # `add_difference`: the two groups compared, first minus second
    strata: str | None = None  # the column a categorical variable's test is stratified by

    def add_p(self, test_policy: str | MethodPolicy | None = None) -> Comparison:
        """A p-value per variable, by the policy's test (or the variable's own), with the reason recorded."""
        chosen = as_policy(test_policy) if test_policy is not None else self.policy
        results = tuple(_with_test(r, chosen, self.groups) for r in self.results)
        return replace(self, results=results, policy=chosen, show_p=True)

    def add_overall(self) -> Comparison:
        return replace(self, show_overall=True)

    def add_smd(self) -> Comparison:
        """Standardised mean differences (the mean of pairwise SMDs with three or more groups)."""
        return replace(
            self, results=tuple(replace(r, smd=effects.smd(r)) for r in self.results), show_smd=True
        )

    def add_q(self, method: str | None = None) -> Comparison:
        """p-values adjusted over the table's variables, as R `p.adjust`: Holm (`holm`), Benjamini-Hochberg
        (`bh`, also named `fdr` and `BH` as in R and gtsummary's `add_q()`, whose default it is), `bonferroni`,
        `hochberg` or Benjamini-Yekutieli (`by`); by default the policy's (`holm` for iectox, `fdr` for the
        gtsummary preset)."""
        table = self if self.show_p else self.add_p()
        method = ADJUSTMENT_NAMES.get(method or self.policy.adjustment, method or "")
        if method not in ADJUSTMENTS:
            raise ValueError(f"unknown adjustment {method!r}; use {', '.join(ADJUSTMENTS)} or fdr")
        tested = [i for i, r in enumerate(table.results) if r.p_value is not None]
        q = ADJUSTMENTS[method]([table.results[i].p_value for i in tested]) if tested else []
        results = list(table.results)
        for i, value in zip(tested, q, strict=True):
            results[i] = replace(results[i], q_value=float(value))
        return replace(table, results=tuple(results), q_method=method)

    def add_ci(
        self,
        level: float = 0.95,
        proportion: str = "wilson_cc",
        mean: str = "t_mean",
        median: str = "wilcox_pseudomedian",
    ) -> Comparison:
        """A confidence interval beside every cell, as gtsummary's `add_ci()` (`stats/table_estimates.py`):
        proportions `wilson_cc` (default), `wilson` or `clopper_pearson`; means `t_mean`; medians
        `wilcox_pseudomedian` (default) or `t_mean`."""
        methods = table_estimates.IntervalMethods(proportion, mean, median)
        results = tuple(
            replace(r, intervals=table_estimates.row_intervals(r, level, methods)) for r in self.results
        )
        return replace(self, results=results, ci_level=level)

    def add_difference(
        self,
        level: float = 0.95,
        dichotomous: str = "prop_test",
        continuous: str = "welch_t_difference",
        categorical: str = "smd",
        pair: tuple[object, object] | None = None,
    ) -> Comparison:
        """Group 1 against group 2 with its confidence interval and p, as gtsummary's `add_difference()`:
        yes/no variables `prop_test` (default), `newcombe`, `odds_ratio_wald`, `odds_ratio_fisher`,
        `risk_ratio_wald` or `smd`; continuous `welch_t_difference` (default), `student_t_difference`,
        `hodges_lehmann` or `smd`; other categorical variables and grades `smd`. With 3+ groups, `pair`
        names the two compared (group keys, first minus second), as gtsummary's `levels`."""
        chosen = table_estimates.group_pair(self.groups.keys, pair)
        methods = table_estimates.DifferenceMethods(dichotomous, continuous, categorical)
        results = tuple(
            replace(r, effect=table_estimates.difference(r, level, methods, chosen)) for r in self.results
        )
        return replace(self, results=results, show_difference=True, difference_pair=chosen)

    def result(self, name: str) -> VariableResult:
        for r in self.results:
            if r.name == name:
                return r
        raise KeyError(f"no variable {name!r} in the table")

    def tests_used(self) -> tuple[str, ...]:
        """Test ids in order of first use: the footnote marks (1, 2...) of the p-values."""
        return tests_used(self.results)

    def footnotes(self) -> tuple[Footnote, ...]:
        """The table's footnotes as data with stable ids; `iectox.render.comparison` words them."""
        notes = table_footnotes(self.results, self.groups.k, self.q_method, self.excluded, self.strata)
        return notes + table_estimates.footnotes(self.results, self.ci_level, self.show_difference)

    def records(self) -> list[dict[str, object]]:
        """Every variable's numbers, test id and p-value, for report.json: numbers, not text."""
        return [variable_record(r) for r in self.results]


def _missingness_warning(result: VariableResult) -> tuple[str, ...]:
    """Warn when the share of missing values differs between groups (a hint of informative missingness)."""
    missing, present = result.missing[:-1], result.n[:-1]
    if missing.sum() == 0 or (present == 0).any():
        return ()
    test = pearson_chi2(np.vstack([missing, present]))
    if test.p_value < MISSINGNESS_ALPHA:
        shares = [
            Message(N_("{share:.1f}%"), share=float(100 * m / (m + n)))
            for m, n in zip(missing, present, strict=True)
        ]
        listed = Message(
            ", ".join(f"{{s{i}}}" for i in range(len(shares))), **{f"s{i}": s for i, s in enumerate(shares)}
        )
        message = N_("missing values differ between groups ({shares}; chi-square p = {p:.3g})")
        return (Message(message, shares=listed, p=float(test.p_value)),)
    return ()


def _on_values(method: Method, samples: list[np.ndarray], moments: list[Moments] | None) -> MethodResult:
    """A test on each group's values: from their mean, SD and n, already computed from the same values for the
    table, when the method has that form and no group is empty (the same numbers, without a second pass).
    Kruskal-Wallis on two groups (both tableones' test of a nonnormal variable) runs as R's kruskal.test,
    the registry declaring it from three groups only so that recheck never offers it twice."""
    if method.from_aggregates is not None and moments and all(m.n > 0 for m in moments):
        return method.run_from_aggregates(moments, FROM_VALUES)
    if method.id == "kruskal_wallis" and len(samples) == 2:
        return method.compute(*samples)
    return method.run(samples)


def _as_r_names(test: MethodResult) -> MethodResult:
    """R's name for what ran: chisq.test names a 2 x 2 test whose correction min(0.5, |O - E|) is 0
    "Pearson's Chi-squared test", the statistic being Pearson's; the footnote then says so too."""
    if test.test == "yates_chi2" and "Yates" not in test.method:
        return replace(test, test="pearson_chi2")
    return test


def _untested(result: VariableResult, template: str, **values: object) -> VariableResult:
    return replace(result, reason=Message(template, **values))


def _empty_groups_note(groups: Groups, present: np.ndarray) -> tuple[Message, ...]:
    """Which groups a test left out because they have no value for the variable (said in a footnote)."""
    if present.all():
        return ()
    left_out = ", ".join(label for label, kept in zip(groups.labels, present, strict=True) if not kept)
    return (
        Message(
            N_("tested on {kept} of {k} groups: no value in {groups}"),
            kept=int(present.sum()),
            k=groups.k,
            groups=left_out,
        ),
    )


def _with_stratified_test(
    result: VariableResult, chosen: MethodPolicy, groups: Groups, forced: str | None
) -> VariableResult:
    """A categorical variable's test within the table's strata (`iectox.stats.strata`), or why not."""
    assert result.strata is not None
    try:
        done = stratified_test(result.strata, chosen, forced)
    except ValueError as exc:
        return _untested(result, N_("not tested: {why_text}"), why_text=str(exc))
    if isinstance(done, Message):
        return replace(result, reason=done)
    test, reason, stratified = done
    notes = stratified_notes(stratified, groups.labels)
    warnings = (*test.warnings, *notes, *_missingness_warning(result))
    return replace(result, test=test, reason=reason, warnings=warnings, stratified=stratified)


def _with_test(result: VariableResult, chosen: MethodPolicy, groups: Groups) -> VariableResult:
    """The variable's p-value by the registry's method: the one set for it, else the policy's choice.

    A group without any value for the variable is left out of its test, for every kind of variable alike
    (as R's tests drop a factor's unused levels), and a footnote names it; Python tableone's policy does not
    test the variable then."""
    present = np.asarray(result.n[: groups.k]) > 0
    kept = int(present.sum())
    if kept < groups.k and chosen.empty_group == "untested":
        return _untested(
            result,
            N_("not tested: {empty} of {k} groups have no value (as Python tableone)"),
            empty=groups.k - kept,
            k=groups.k,
        )
    if kept < 2:
        return _untested(result, N_("not tested: fewer than two groups have a value"))
    forced = result.variable.test
    if result.strata is not None and (forced is None or METHODS[forced].data == "strata"):
        return _with_stratified_test(result, chosen, groups, forced)
    summary = result.variable.summary or chosen.summary
    rank = result.kind == "continuous" and (summary == "median_iqr" or chosen.ranks_always)
    # gtsummary chooses with every group of `by`, an empty one included (its kruskal.test and fisher.test
    # then drop it); the others choose with the groups that have values
    choosing = groups.k if chosen.empty_group == "kept" else kept
    if result.kind in ("toxicity", "ordinal") and chosen.ordinal == "mann_whitney" and forced is None:
        forced = choose_rank_test(choosing)
    data = METHODS[forced].data if forced is not None else None
    try:
        if data in ("strata", "paired") or (data in ("counts", "ordered") and result.kind == "continuous"):
            raise NotComputable(
                f"{forced} takes {data} data, not a {result.kind} variable's values by group"
                + (" (a stratified method needs the table's strata)" if data == "strata" else "")
            )
        if data == "ordered":  # a trend: groups and levels keep their places, an empty one included
            test_id, reason = choose_count_test(result.counts, chosen, forced)
            test = METHODS[test_id].run(result.counts)
        elif result.kind in ("categorical", "ordinal", "toxicity") and data in (None, "counts"):
            full = result.counts if chosen.empty_group == "kept" else result.counts[present]
            table = testable(full)
            if table.shape[0] < 2 or table.shape[1] < 2:
                return _untested(result, N_("not tested: a single level or group has all the values"))
            test_id, reason = choose_count_test(table, chosen, forced, full)
            test = _as_r_names(METHODS[test_id].run(table))
        elif (values := build.ranked(result)) is None:
            return _untested(
                result,
                N_("not tested: {method_text} compares values or ranks, and {variable} is not ordered"),
                method_text=METHODS[forced or ""].name,
                variable=result.name,
            )
        else:
            samples = [s for s, kept_group in zip(values, present, strict=True) if kept_group]
            moments = [m for m, kept_group in zip(result.moments or (), present, strict=False) if kept_group]
            test_id, reason = choose_sample_test(choosing, rank, chosen, forced)
            test = _on_values(METHODS[test_id], samples, moments or None)
    except ValueError as exc:
        return _untested(result, N_("not tested: {why_text}"), why_text=str(exc))
    if test.test == "pearson_chi2" and test_id == "yates_chi2":
        reason = Message(N_("2 x 2 table on its expected counts: no continuity correction applies (as R)"))
    warnings = (*test.warnings, *_empty_groups_note(groups, present), *_missingness_warning(result))
    return replace(result, test=test, reason=reason, warnings=warnings)


NULL_LEVEL = "None"  # Python tableone's name for the level of blanks (preprocessors.handle_categorical_nulls)


def _missing_as_level(
    values: pd.Series, variable: Variable, spec: str | Variable
) -> tuple[pd.Series, Variable]:
    """The column as Python tableone reads it with `include_null=True`: every value as text, blanks the level
    "None", levels sorted as text unless the variable set its own (then "None" last, if any)."""
    text = values.astype(object).where(values.notna(), NULL_LEVEL).astype(str)
    given = spec.levels if isinstance(spec, Variable) else None
    if given is not None and values.isna().any():
        given = (*given, NULL_LEVEL)
    return text, replace(variable, levels=given)


def compare(
    frame: pd.DataFrame,
    by: str,
    variables: Sequence[str | Variable] | None = None,
    test_policy: str | MethodPolicy = "iectox",
    group_order: Sequence[object] | None = None,
    group_labels: Mapping[object, str] | None = None,
    strata: str | None = None,
) -> Comparison:
    """Summaries of `variables` (all other columns by default) in each group of `by`; with `strata` (a
    column: centre, product), categorical variables and grades are tested within its strata by the
    Cochran-Mantel-Haenszel test (`iectox.stats.strata`), continuous ones as without it."""
    chosen = as_policy(test_policy)
    if strata is not None and (strata not in frame.columns or strata == by):
        raise KeyError(f"no column {strata!r} to stratify by, other than {by!r}")
    groups = make_groups(frame[by], tuple(group_order) if group_order else None, dict(group_labels or {}))
    names = variables if variables is not None else [c for c in frame.columns if c != by]
    results = []
    for spec in names:
        variable = as_variable(spec, frame, chosen.categorical_below)
        values = frame[variable.name]
        if chosen.missing_as_level and variable.kind == "categorical":
            values, variable = _missing_as_level(values, variable, spec)
        within = groups if variable.among is None else groups.within(frame[variable.among])
        if variable.kind == "continuous":
            summary = variable.summary or chosen.summary
            results.append(build.continuous(values, variable, within, summary, chosen.quantile_type))
            continue
        if variable.kind == "toxicity":
            result = build.toxicity(values, variable, within)
        else:
            result = build.categorical(values, variable, within)
        if strata is not None:
            levels = tuple((row.level, row.label) for row in result.rows if row.row_type == "level")
            counts = strata_counts(values, variable, result.kind, levels, within, frame[strata])
            result = replace(result, strata=counts)
        results.append(result)
    excluded = int((groups.codes < 0).sum())
    return Comparison(by, groups, tuple(results), chosen, excluded, strata=strata)
