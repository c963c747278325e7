"""Every method of the registry against the one protocol, as scikit-learn's `check_estimator` does for its
estimators: a method added to `METHODS` is checked here by tests that already exist.

The values each method gives are proved against R in `test_stats_methods.py`; here, that each one runs on
its kind of data, keeps its group limits, agrees with its own aggregate form, and is named for the report.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from iectox.i18n import tr
from iectox.stats.methods import METHODS, Method, Moments, NotComputable, pearson_chi2
from iectox.stats.methods.adjust import ADJUSTMENTS
from iectox.stats.methods.pairwise import PostHoc
from iectox.stats.methods.registry import POST_HOC, Methods

ALL = pytest.mark.parametrize("method", list(METHODS.values()), ids=list(METHODS))
WITH_AGGREGATES = [m for m in METHODS.values() if m.from_aggregates is not None]

COUNTS = np.array([[12, 7, 5, 9], [6, 11, 9, 4], [8, 8, 10, 7], [5, 9, 6, 12]])
STRATA = np.array([COUNTS, COUNTS[::-1], COUNTS.T])  # three strata (centres), each groups x levels


def groups_for(method: Method) -> int:
    """The fewest groups the method compares, but 2 where it can: the usual case of a comparison table."""
    return max(method.min_groups, 2)


def standard_input(method: Method, groups: int) -> object:
    """A counts table (groups x levels), one per stratum, a square table of paired assessments, or one array
    of distinct values per group, each group shifted."""
    levels = min(method.max_levels or 3, 3)
    if method.data in ("counts", "ordered"):
        return COUNTS[:groups, :levels]
    if method.data == "strata":
        return STRATA[:, :groups, :levels]
    if method.data == "paired":
        return COUNTS[:levels, :levels]
    rng = np.random.default_rng(20260)
    return [rng.normal(10 + i, 2 + 0.5 * i, 12 + 3 * i) for i in range(groups)]


@ALL
def test_method_runs_on_its_data_and_reports_its_own_id_a_p_value_and_its_r_name(method):
    result = method.run(standard_input(method, groups_for(method)))
    assert result.test == method.id
    assert 0.0 <= result.p_value <= 1.0
    # R's method line ("Wilcoxon rank sum exact test") names the same test as the footnote name.
    assert result.method.split()[:2] == method.name.split()[:2]


@ALL
def test_method_refuses_a_number_of_groups_outside_its_limits(method):
    if method.data == "paired":  # one square table is always two assessments: the limits are in `refusal`
        assert method.refusal(3) == f"{method.id} compares 2 groups, not 3"
        return
    too_few = method.min_groups - 1
    if too_few >= 1:
        with pytest.raises(NotComputable, match=rf"^{method.id} compares .* groups, not {too_few}$"):
            method.run(standard_input(method, too_few))
    if method.max_groups is not None:
        too_many = method.max_groups + 1
        with pytest.raises(NotComputable, match=rf"^{method.id} compares .* groups, not {too_many}$"):
            method.run(standard_input(method, too_many))


def test_every_group_limit_is_checked_somewhere():
    # The limits test above must refuse something for every method, or it proves nothing for it.
    assert all(m.min_groups > 1 or m.max_groups is not None for m in METHODS.values() if m.data == "values")
    assert all((m.min_groups, m.max_groups) == (2, 2) for m in METHODS.values() if m.data == "paired")
    assert METHODS["welch_t"].refusal(3) == "welch_t compares 2 groups, not 3"
    assert METHODS["anova"].refusal(2) == "anova compares 3 or more groups, not 2"


def test_a_counts_method_for_2_x_2_tables_refuses_more_levels():
    with pytest.raises(NotComputable, match=r"^yates_chi2 takes tables of at most 2 levels, not 3$"):
        METHODS["yates_chi2"].run(COUNTS[:2, :3])
    with pytest.raises(NotComputable, match=r"^mantel_haenszel takes tables of at most 2 levels, not 3$"):
        METHODS["mantel_haenszel"].run(STRATA[:, :2, :3])


@pytest.mark.parametrize(
    "method_id, data, message",
    [
        ("mcnemar", COUNTS[:2, :3], r"paired outcomes need a square table of at least 2 x 2, not 2 x 3"),
        ("mcnemar", [[4]], r"paired outcomes need a square table of at least 2 x 2, not 1 x 1"),
        ("cmh_generalized", COUNTS, r"one table per stratum \(3 dimensions\), not 2"),
        ("cmh_generalized", [COUNTS, COUNTS[:2]], r"one table of numbers per stratum, all of one shape"),
        ("cmh_generalized", -STRATA, r"whole numbers >= 0"),
    ],
)
def test_a_method_on_strata_or_pairs_refuses_data_of_another_shape(method_id, data, message):
    with pytest.raises(NotComputable, match=message):
        METHODS[method_id].run(data)


@ALL
def test_method_records_the_r_call_its_implementation_reproduces(method):
    assert re.fullmatch(r"([a-z]\w*::)?[a-z][\w.]*\(.+\)", method.r_call), method.r_call
    function = method.r_call.split("(")[0]
    assert f"{function}(" in (method.compute.__doc__ or ""), f"{method.compute.__name__} does not cite R"


@ALL
def test_method_names_are_translated_into_french(method):
    assert tr(method.name, "fr") != method.name


@pytest.mark.parametrize("method", WITH_AGGREGATES, ids=[m.id for m in WITH_AGGREGATES])
def test_aggregate_form_agrees_with_the_raw_values(method):
    data = standard_input(method, groups_for(method))
    raw = method.run(data)
    aggregated = method.run_from_aggregates([Moments.of(x, f"group {i}") for i, x in enumerate(data)])
    assert aggregated.test == raw.test == method.id
    assert (aggregated.p_value, aggregated.statistic, aggregated.df) == pytest.approx(
        (raw.p_value, raw.statistic, raw.df), rel=1e-12
    )


def test_aggregate_forms_exist_for_the_tests_on_means():
    # recheck reproduces a published table's t-tests and ANOVA from its printed means and SDs.
    assert [m.id for m in WITH_AGGREGATES] == ["welch_t", "student_t", "anova", "welch_anova"]


def test_a_method_without_aggregate_form_refuses_means_and_sds():
    with pytest.raises(NotComputable, match=r"^mann_whitney needs the raw values"):
        METHODS["mann_whitney"].run_from_aggregates([Moments(1.0, 1.0, 5), Moments(2.0, 1.0, 5)])


def test_aggregate_form_keeps_the_group_limits():
    three = [Moments(1.0, 1.0, 5), Moments(2.0, 1.0, 5), Moments(3.0, 1.0, 5)]
    with pytest.raises(NotComputable, match=r"^welch_t compares 2 groups, not 3$"):
        METHODS["welch_t"].run_from_aggregates(three)


def test_a_values_method_refuses_a_missing_sample():
    with pytest.raises(NotComputable, match=r"^welch_t takes one array of values per group$"):
        METHODS["welch_t"].run(None)


def test_unknown_method_id_names_the_known_ones():
    with pytest.raises(KeyError, match="no statistical method 't_test'; known: pearson_chi2, yates_chi2"):
        METHODS["t_test"]
    assert "t_test" not in METHODS and "welch_t" in METHODS


def test_registry_refuses_an_id_declared_twice():
    method = METHODS["pearson_chi2"]
    with pytest.raises(ValueError, match="'pearson_chi2' is declared twice"):
        Methods([method, method])


@pytest.mark.parametrize(
    "changes, message",
    [
        (dict(data="ranks"), "data 'ranks' is not one of"),
        (dict(min_groups=3, max_groups=2), "groups 3..2 is empty"),
        (dict(data="values", max_levels=2), "only a method on tables has a number of levels"),
        (dict(data="paired", max_groups=3), "paired data are 2 assessments of the same patients"),
    ],
)
def test_a_method_is_refused_when_its_declaration_is_incoherent(changes, message):
    declaration = dict(
        id="new", name="New test", short="New", r_call="new.test(x)", data="counts", compute=pearson_chi2
    )
    with pytest.raises(ValueError, match=message):
        Method(**{**declaration, **changes})


def test_first_fitting_method_follows_the_group_limits():
    assert METHODS.first(("mann_whitney", "kruskal_wallis"), 2).id == "mann_whitney"
    assert METHODS.first(("mann_whitney", "kruskal_wallis"), 4).id == "kruskal_wallis"
    assert [m.id for m in METHODS.taking("values", 2)] == [
        "welch_t",
        "student_t",
        "mann_whitney",
        "wilcoxon_exact",
        "wilcoxon_asymptotic",
    ]
    assert [m.id for m in METHODS.taking("values", 3)] == ["kruskal_wallis", "anova", "welch_anova"]
    assert [m.id for m in METHODS.taking("counts", 2, 2)] == ["pearson_chi2", "yates_chi2", "fisher_exact"]
    assert [m.id for m in METHODS.taking("counts", 2, 3)] == ["pearson_chi2", "fisher_exact"]
    # Trend tests need ordered groups: a table of unordered categories never gets them.
    assert [m.id for m in METHODS.taking("ordered", 3, 2)] == ["prop_trend", "linear_by_linear"]
    assert [m.id for m in METHODS.taking("ordered", 2, 3)] == ["linear_by_linear"]
    strata = ["mantel_haenszel", "mantel_haenszel_uncorrected", "mantel_haenszel_exact", "cmh_generalized"]
    assert [m.id for m in METHODS.taking("strata", 2, 2)] == strata
    assert [m.id for m in METHODS.taking("strata", 3, 2)] == ["cmh_generalized"]
    assert [m.id for m in METHODS.taking("paired", 2, 3)] == ["mcnemar", "mcnemar_uncorrected"]


POST_HOCS = pytest.mark.parametrize("procedure", list(POST_HOC.values()), ids=list(POST_HOC))


def post_hoc_input(procedure: PostHoc, groups: int) -> object:
    if procedure.data == "counts":
        return COUNTS[:groups, : min(procedure.max_levels or 3, 3)]
    rng = np.random.default_rng(20261)
    return [rng.normal(10 + i, 2 + 0.5 * i, 12 + 3 * i) for i in range(groups)]


@POST_HOCS
@pytest.mark.parametrize("adjust", ["holm", "bh", "bonferroni", "hochberg", "by", "none"])
def test_post_hoc_compares_every_pair_in_r_order_and_adjusts_them(procedure, adjust):
    result = procedure.run(post_hoc_input(procedure, 4), adjust)
    assert result.test == procedure.id
    assert [(p.first, p.second) for p in result.pairs] == [
        ("2", "1"),
        ("3", "1"),
        ("4", "1"),
        ("3", "2"),
        ("4", "2"),
        ("4", "3"),
    ]
    raw = np.array([p.p_value for p in result.pairs])
    expected = raw if adjust == "none" else ADJUSTMENTS[adjust](raw)
    assert [p.adjusted for p in result.pairs] == pytest.approx(list(expected), rel=1e-15)
    assert all(0 <= p.p_value <= p.adjusted <= 1 for p in result.pairs)
    assert result.method


@POST_HOCS
def test_post_hoc_records_its_r_call_and_a_french_name(procedure):
    function = procedure.r_call.split("(")[0]
    assert f"{function}(" in (procedure.compare.__doc__ or ""), procedure.compare.__name__
    assert tr(procedure.name, "fr") != procedure.name


@POST_HOCS
def test_post_hoc_refuses_a_single_group(procedure):
    with pytest.raises(NotComputable, match=rf"^{procedure.id} compares 2 or more groups, not 1"):
        procedure.run(post_hoc_input(procedure, 1))
