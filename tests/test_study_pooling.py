"""Multi-centre pooling on the demo cohort split into three centres: pooled counts equal the single-centre
table wherever no centre masked a cell, no masked cell can be recomputed, and bad packets pool nothing."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import numpy as np
import pytest

from iectox.analysis import infusion_table
from iectox.analysis.time_to_event import survival_times
from iectox.errors import SourceError
from iectox.stats.survival import kaplan_meier
from iectox.study import seed_study
from iectox.study.packet import MISSING, checksum, make_packet, study_id
from iectox.study.packet_read import read_packet, read_packets
from iectox.study.pooling import _binary, pool
from iectox.study.suppression import determined, exposed_cells, suppress
from pooling_helpers import CENTRES, demo, packets, split, write_packets


@pytest.fixture(scope="module")
def single():
    return make_packet(demo(), seed_study(), "all", min_cell=1)  # min_cell 1: nothing masked


@pytest.fixture(scope="module")
def pooled(tmp_path_factory):
    return pool(read_packets(write_packets(tmp_path_factory.mktemp("packets"))))


def _variables(packet):
    return {v["name"]: v for t in packet["tables"] for v in t["variables"]}


def test_pooled_counts_equal_the_single_centre_table_where_no_centre_masked_them(single, pooled):
    whole = _variables(single)
    compared = masked = 0
    for table in pooled.tables:
        for variable in table.variables:
            for group, levels in variable.counts.items():
                for level, count in levels.items():
                    expected = whole[variable.name]["counts"][group].get(level, 0)
                    if count is None:
                        masked += 1
                        assert variable.masked_by[(level, group)]
                    else:
                        compared += 1
                        assert count == expected, (variable.name, group, level)
    # the 40 trial infusions split three ways: most of their cells are small (the labs' table included)
    assert (compared, masked) == (48, 96)
    assert [g["n"] for g in pooled.groups] == [361, 40]
    assert pooled.centres == CENTRES


def test_pooled_time_to_event_counts_and_numbers_at_risk_equal_the_single_centre_ones(single, pooled):
    compared = 0
    for endpoint, whole in zip(pooled.endpoints, single["time_to_event"]["endpoints"], strict=True):
        for group, cells in endpoint.counts.items():
            for cell, count in cells.items():
                if count is not None:
                    compared += 1
                    assert count == whole["counts"][group][cell], (endpoint.endpoint, group, cell)
            for at_risk, expected in zip(endpoint.at_risk[group], whole["at_risk"][group], strict=True):
                assert at_risk is None or at_risk == expected
    assert compared > 40
    assert pooled.endpoints[0].at_risk["standard_of_care"][0] == 360  # CRS: one infusion's status unknown


def test_pooled_means_and_sds_are_those_of_all_the_values(single, pooled):
    age = next(v for t in pooled.tables for v in t.variables if v.name == "age")
    for group in ("standard_of_care", "clinical_trial"):
        expected = _variables(single)["age"]["summary"][group]
        assert age.summary[group]["n"] == expected["n"]
        assert age.summary[group]["mean"] == pytest.approx(expected["mean"], rel=1e-12)
        assert age.summary[group]["sd"] == pytest.approx(expected["sd"], rel=1e-12)


def test_no_masked_cell_is_recoverable_from_the_margins():
    """Each centre's packet against its own unmasked counts (the same packet at min_cell 1): no masked cell
    follows from the row and column totals, by the equations or by the bounds of counts >= 0."""
    for packet, dataset in zip(packets(), split(demo()), strict=True):
        whole = _variables(make_packet(dataset, seed_study(), packet["centre"], min_cell=1))
        for name, variable in _variables(packet).items():
            counts, original = variable["counts"], whole[name]["counts"]
            groups = list(counts)
            levels = list(counts[groups[0]])
            mask = np.array([[counts[g][lvl] is None for g in groups] for lvl in levels])
            table = np.array([[original[g].get(lvl, 0) for g in groups] for lvl in levels])
            assert exposed_cells(table, mask) == [], (packet["centre"], name)
    for packet in packets():
        for variable in _variables(packet).values():
            counts = variable["counts"]
            groups = list(counts)
            levels = list(counts[groups[0]])
            mask = np.array([[counts[g][lvl] is None for g in groups] for lvl in levels])
            assert determined(mask) == [], (packet["centre"], variable["name"])
            for level, group in variable["suppressed"]:
                assert counts[group][level] is None
        for endpoint in packet["time_to_event"]["endpoints"]:
            counts = endpoint["counts"]
            mask = np.array([[counts[g][c] is None for g in counts] for c in counts[next(iter(counts))]])
            assert determined(mask) == []


def test_every_count_below_the_minimum_is_masked_and_nothing_identifies_a_patient():
    dataset = demo()
    identifiers = set(dataset.tables["patients"]["patient_id"]) | set(
        dataset.tables["infusions"]["infusion_id"]
    )
    for packet in packets():
        text = json.dumps(packet)
        assert not any(i in text for i in identifiers)
        assert not any(f"{year}-" in text for year in range(1920, 2030))  # no date of anyone
        for variable in _variables(packet).values():
            for levels in variable["counts"].values():
                assert all(c is None or c == 0 or c >= 5 for c in levels.values())
            for summary in variable.get("summary", {}).values():
                assert summary is None or summary["n"] >= 5


def test_suppression_masks_a_complement_in_the_row_and_the_column():
    table = np.array([[20, 3, 30], [25, 40, 35], [50, 60, 70]])
    mask = suppress(table)
    assert mask[0, 1]  # the 3
    assert mask.sum() >= 4 and mask[0].sum() >= 2 and mask[:, 1].sum() >= 2
    assert determined(mask) == []


def test_the_stratified_test_and_the_pooled_effects_run(pooled):
    treated = next(v for t in pooled.tables for v in t.variables if v.name == "tocilizumab")
    assert treated.test is not None and treated.test.test == "mantel_haenszel"
    assert treated.strata == ("Lille", "Nantes")  # Lyon masked a small cell, so its whole 2 x 2 table
    (effect,) = treated.effects
    assert [a.measure for a in effect.analyses] == ["OR", "RD"]
    odds = effect.analyses[0]
    assert odds.centres == ("Lille", "Nantes") and odds.left_out == ("Lyon",)
    assert {p.model for p in odds.pooled} == {
        "fixed_iv",
        "fixed_mh",
        "random_dl",
        "random_reml",
    }


def test_packet_checksum_and_bad_packets_name_the_file(tmp_path):
    paths = write_packets(tmp_path)
    assert read_packet(paths[0])["checksum"] == checksum(packets()[0])
    tampered = json.loads(paths[1].read_text())
    tampered["groups"][0]["n"] += 1
    paths[1].write_text(json.dumps(tampered))
    with pytest.raises(SourceError, match="checksum does not match") as error:
        read_packets(paths)
    assert str(paths[1]) in str(error.value)
    assert "somme de contrôle" in error.value.text("fr")


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda p: p.update(format="iectox-packet/0"), "format iectox-packet/0"),
        (lambda p: p["study"].update(id="0123456789abcdef"), "another study"),
        (lambda p: p.update(centre="Lyon"), "already the centre"),
    ],
)
def test_a_packet_of_another_study_version_or_centre_is_refused(tmp_path, change, message):
    paths = write_packets(tmp_path)
    other = json.loads(paths[2].read_text())
    change(other)
    other["checksum"] = checksum(other)
    paths[2].write_text(json.dumps(other))
    with pytest.raises(SourceError, match=message) as error:
        read_packets(paths)
    assert str(paths[2]) in str(error.value)


def test_missing_row_is_a_level_of_every_categorical_table():
    crs = _variables(packets()[0])["crs_grade"]
    assert MISSING in crs["counts"]["standard_of_care"]


def test_pooled_tocilizumab_equals_r_on_the_two_centres_that_masked_nothing(pooled):
    """tests/data/r/meta.R, last block: R 4.2.2 on Lille 64/116 vs 9/18 and Nantes 65/120 vs 5/13."""
    treated = next(v for t in pooled.tables for v in t.variables if v.name == "tocilizumab")
    # R: mantelhaen.test(array(c(64, 9, 52, 9, 65, 5, 55, 8), c(2, 2, 2)))
    assert treated.test.statistic == pytest.approx(0.67462454800034999, rel=1e-12)
    assert treated.test.p_value == pytest.approx(0.411443910376945, rel=1e-12)
    odds, difference = treated.effects[0].analyses
    assert np.exp(odds.model("fixed_mh").estimate) == pytest.approx(1.4762548691141746, rel=1e-12)
    # R: pool(log(a * d / (b * cc)), 1/a + 1/b + 1/cc + 1/d)
    assert (odds.model("fixed_iv").estimate, odds.model("fixed_iv").se) == pytest.approx(
        (0.38695392071544094, 0.38694771758541946), rel=1e-12
    )
    assert odds.q == pytest.approx(0.29952373655341841, rel=1e-12)
    assert odds.model("random_dl").tau2 == 0 and odds.model("random_reml").tau2 == 0
    # R: pool(a / n1 - cc / n2, ...)
    assert (difference.model("fixed_iv").estimate, difference.q) == pytest.approx(
        (0.098214722895680104, 0.30564392161985576), rel=1e-12
    )


def test_denominators_come_from_the_margins_when_levels_are_masked(pooled):
    """A centre that masked levels still gives its cohort's total and missing count: the percentages' and the
    effects' denominators survive the masking."""
    indication = next(v for t in pooled.tables for v in t.variables if v.name == "indication")
    assert indication.masked_by  # levels masked...
    assert indication.n == {
        "standard_of_care": 361,
        "clinical_trial": 40,
    }  # ...yet the n of every cohort known
    crs = next(v for t in pooled.tables for v in t.variables if v.name == "crs_grade")
    # one infusion's grade is missing: its centre masks that 1, so its n too, or the 1 would follow from it
    assert crs.n == {"standard_of_care": None, "clinical_trial": None}


@pytest.mark.parametrize(
    "text, message",
    [
        ("{not json", "not JSON"),
        ("[1, 2]", "not an iectox packet: it has no format"),
        ('{"format": "iectox-packet/1"}', "not an iectox packet: study is missing"),
    ],
)
def test_a_file_that_is_not_a_packet_is_refused_by_name(tmp_path, text, message):
    paths = write_packets(tmp_path)
    paths[0].write_text(text, encoding="utf-8")
    with pytest.raises(SourceError, match=message) as error:
        read_packets(paths)
    assert str(paths[0]) in str(error.value)


def test_one_packet_or_other_cohorts_pool_nothing(tmp_path):
    paths = write_packets(tmp_path)
    with pytest.raises(SourceError, match="at least two centres"):
        read_packets(paths[:1])
    other = json.loads(paths[1].read_text(encoding="utf-8"))
    other["groups"].reverse()
    other["checksum"] = checksum(other)
    paths[1].write_text(json.dumps(other), encoding="utf-8")
    with pytest.raises(SourceError, match="cohorts are not those of") as error:
        read_packets(paths)
    assert "ne sont pas celles de" in error.value.text("fr")


@pytest.mark.parametrize(
    "change, where",
    [
        (lambda p: p["tables"][0]["variables"][0]["counts"]["standard_of_care"].update(male="230"), "counts"),
        (lambda p: p["tables"][0]["variables"][0]["counts"]["standard_of_care"].update(male=-1), "counts"),
        (lambda p: p["tables"][0]["variables"][1].update(summary={"standard_of_care": {"n": 3}}), "summary"),
        (lambda p: p["time_to_event"]["endpoints"][0]["at_risk"]["clinical_trial"].pop(), "at_risk"),
        (lambda p: p["tables"][0]["variables"].pop(), "tables are not laid out"),
    ],
)
def test_a_packet_malformed_under_a_valid_checksum_is_refused_not_half_pooled(tmp_path, change, where):
    """A checksum proves a packet unchanged, not well made: a packet edited and sealed again is checked too."""
    paths = write_packets(tmp_path)
    forged = json.loads(paths[2].read_text(encoding="utf-8"))
    change(forged)
    forged["checksum"] = checksum(forged)
    paths[2].write_text(json.dumps(forged), encoding="utf-8")
    with pytest.raises(SourceError, match=where) as error:
        read_packets(paths)
    assert str(paths[2]) in str(error.value)


def test_numbers_at_risk_are_those_of_the_kaplan_meier_estimator(single):
    """The packet's numbers at risk at days 0, 7, 14, 21, 28 are R's `summary(survfit(...), times)$n.risk`
    (`iectox.stats.survival.KaplanMeier.n_at_risk`), per cohort, for overall survival."""
    spec = seed_study()
    rows = survival_times(infusion_table(demo(), spec.analysis), spec.by).frame
    survival = single["time_to_event"]["endpoints"][2]
    for cohort in ("standard_of_care", "clinical_trial"):
        mine = rows[rows["group"] == cohort]
        fit = kaplan_meier(mine["time"], mine["status"])
        assert survival["at_risk"][cohort] == list(fit.n_at_risk(single["time_to_event"]["breaks"]))


def test_another_grading_scale_or_period_is_another_study():
    """Counts of grades on two scales, or of two periods, do not add up: the study id tells them apart."""
    spec = seed_study()
    scale = replace(spec, analysis=replace(spec.analysis, grading_scale="Lee2014"))
    period = replace(spec, period=(date(2021, 1, 1), date(2025, 7, 1)))
    assert len({study_id(spec), study_id(scale), study_id(period)}) == 3
    assert study_id(spec) == packets()[0]["study"]["id"]


def test_an_odds_ratio_without_a_mantel_haenszel_form_keeps_its_other_models():
    """No event in the second cohort of any centre: the MH odds ratio is infinite (R: Inf), yet the
    inverse-variance and random-effects models run on the 0.5-corrected tables."""

    def variable(a, b, c, d):
        counts = {"g1": {"y": a, "n": b, MISSING: 0}, "g2": {"y": c, "n": d, MISSING: 0}}
        return {"counts": counts, "totals": {"g1": a + b, "g2": c + d}}

    effect = _binary(
        ("y", "Y", ["y"]),
        ["A", "B"],
        [variable(5, 10, 0, 12), variable(4, 8, 0, 9)],
        ["g1", "g2"],
        ["y", "n"],
    )
    odds = effect.analyses[0]
    assert [p.model for p in odds.pooled] == ["fixed_iv", "random_dl", "random_reml"]
    assert odds.effects[0] == pytest.approx(np.log(5.5 * 12.5 / (10.5 * 0.5)))
