"""The synthetic cohort calibrated on the seed study: every consistent published number, recomputed here
from the generated tables with pandas and scipy (not with the generator's own measures)."""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from typer.testing import CliRunner

from iectox.cli.commands import app
from iectox.published import seed_table
from iectox.schema.labs import ANALYTE
from iectox.synth import calibrate, generate
from iectox.validate import validate_dataset

SOC, TRIAL = "standard_of_care", "clinical_trial"
CORTICOSTEROIDS = ["dexamethasone", "methylprednisolone", "hydrocortisone", "prednisolone", "corticosteroid"]


@pytest.fixture(scope="module")
def result():
    return calibrate(seed_table(), seed=20250701)


@pytest.fixture(scope="module")
def frames(result) -> dict[str, pd.DataFrame]:
    """Infusions with sex and per-infusion CRS/ICANS grades and treatment flags, plus the raw tables."""
    d = result.dataset
    inf = d["infusions"].set_index("infusion_id")
    inf["sex"] = inf["patient_id"].map(d["patients"].set_index("patient_id")["sex"])
    ep, adm = d["toxicity_episodes"], d["administrations"]
    for syndrome in ("CRS", "ICANS"):
        grade = ep[ep["syndrome"] == syndrome].groupby("infusion_id")["max_grade"].max()
        inf[syndrome.lower()] = grade.reindex(inf.index).fillna(0).astype(int)
    toci = adm[adm["drug"] == "tocilizumab"]
    inf["toci"] = inf.index.isin(toci["infusion_id"])
    inf["steroid"] = inf.index.isin(adm.loc[adm["drug"].isin(CORTICOSTEROIDS), "infusion_id"])
    return {"inf": inf, "ep": ep, "adm": adm, "toci": toci, "out": d["outcomes"].set_index("infusion_id")}


def _group(frames, setting: str) -> pd.DataFrame:
    inf = frames["inf"]
    return inf[inf["setting"] == setting]


def test_group_sizes_and_sex_counts_are_exact(frames):
    assert len(_group(frames, SOC)) == 361 and len(_group(frames, TRIAL)) == 40
    assert _group(frames, SOC)["sex"].value_counts().to_dict() == {"male": 230, "female": 131}
    assert _group(frames, TRIAL)["sex"].value_counts().to_dict() == {"male": 27, "female": 13}


def test_indications_top_three_and_other(frames):
    soc = _group(frames, SOC)["indication"].value_counts()
    assert (soc["dlbcl_3l_plus"], soc["dlbcl_2l"], soc["multiple_myeloma"]) == (150, 78, 71)
    others = soc.drop(["dlbcl_3l_plus", "dlbcl_2l", "multiple_myeloma"])
    assert others.sum() == 62 and others.max() <= 70
    trial = _group(frames, TRIAL)["indication"].value_counts()
    assert (trial["dlbcl_2l"], trial["pmbcl"], trial["b_all"]) == (14, 10, 8)
    others = trial.drop(["dlbcl_2l", "pmbcl", "b_all"])
    assert others.sum() == 8 and others.max() < 8


def test_crs_grades_with_the_361st_infusion_unknown(frames):
    soc = _group(frames, SOC)
    status = soc["crs_status"].fillna("derived from episodes")
    known = soc[status != "unknown"]
    assert known["crs"].value_counts().sort_index().to_dict() == {0: 57, 1: 255, 2: 45, 3: 3}
    unknown = soc[status == "unknown"]
    assert len(unknown) == 1 and unknown["crs"].item() == 0  # no CRS episode recorded for it
    assert _group(frames, TRIAL)["crs"].value_counts().sort_index().to_dict() == {0: 20, 1: 13, 2: 5, 3: 2}


def test_icans_grades_after_resolving_the_trial_contradiction(frames):
    assert _group(frames, SOC)["icans"].value_counts().sort_index().to_dict() == {
        0: 309,
        1: 6,
        2: 27,
        3: 17,
        4: 2,
    }
    assert _group(frames, TRIAL)["icans"].value_counts().sort_index().to_dict() == {
        0: 24,
        1: 8,
        2: 4,
        3: 2,
        4: 2,
    }  # No = 40 - 16, not the printed 32


def test_tocilizumab_corticosteroids_and_crs_outcome_counts(frames):
    for setting, treated, steroid, recovered, died in ((SOC, 200, 107, 195, 5), (TRIAL, 20, 13, 20, 0)):
        group = _group(frames, setting)
        assert group["toci"].sum() == treated
        assert (group["toci"] & group["steroid"]).sum() == steroid
        crs = frames["ep"][frames["ep"]["syndrome"] == "CRS"].set_index("infusion_id")
        outcome = crs.loc[group.index[group["toci"]], "outcome"].value_counts().to_dict()
        assert outcome == ({"resolved": recovered, "death": died} if died else {"resolved": recovered})
    soc = _group(frames, SOC)
    assert (soc["steroid"] & ~soc["toci"]).sum() == 8  # dexamethasone without tocilizumab, as the footnote


def test_tocilizumab_dose_delay_and_injections(frames):
    toci, ep = frames["toci"], frames["ep"]
    onset = ep[ep["syndrome"] == "CRS"].groupby("infusion_id")["onset_at"].min()
    for setting, dose, days, injections, total in ((SOC, 555.2, 2.0, 1.9, 380), (TRIAL, 581.3, 3.7, 2.5, 50)):
        rows = toci[toci["infusion_id"].isin(_group(frames, setting).index)]
        per_patient = rows.groupby("infusion_id")
        assert round(per_patient["dose_mg"].mean().mean(), 1) == dose
        delay = (per_patient["given_at"].min() - onset.reindex(per_patient.size().index)).dt.total_seconds()
        assert round(delay.mean() / 86400, 1) == days
        assert delay.sum() == pytest.approx(days * 86400 * len(delay))  # exact to the minute
        assert len(rows) == total and round(per_patient.size().mean(), 1) == injections


def test_means_and_sds_round_to_the_printed_values(frames):
    published = ((SOC, 62.7, 14.2, 69.1, 14.5), (TRIAL, 59.1, 13.6, 77.2, 24.7))
    for setting, age, age_sd, weight, weight_sd in published:
        group = _group(frames, setting)
        assert group["age_at_infusion"].sum() == pytest.approx(age * len(group))  # exact mean, via the sum
        assert group["weight_kg"].sum() == pytest.approx(weight * len(group))
        assert round(group["age_at_infusion"].std(), 1) == age_sd
        assert round(group["weight_kg"].std(), 1) == weight_sd
        assert (group["age_at_infusion"] * 10 % 1).abs().max() < 1e-6  # one decimal, like a real record


def test_the_three_p_values_reproduce_to_four_decimals(frames):
    soc, trial = _group(frames, SOC), _group(frames, TRIAL)
    sex = [[(g["sex"] == s).sum() for s in ("male", "female")] for g in (soc, trial)]
    assert round(stats.chi2_contingency(sex, correction=False)[1], 4) == 0.6356
    age = stats.ttest_ind(soc["age_at_infusion"], trial["age_at_infusion"], equal_var=False).pvalue
    weight = stats.ttest_ind(soc["weight_kg"], trial["weight_kg"], equal_var=False).pvalue
    assert round(age, 4) == 0.1202 and round(weight, 4) == 0.0481
    assert abs(age - 0.12020) < 2e-5 and abs(weight - 0.04810) < 2e-5  # well inside the rounding windows


def test_findings_list_each_contradiction_with_its_resolution(result):
    by_place = {(f.variable, f.group): f for f in result.findings}
    assert by_place[("crs_grade", "real_life")].message == "crs_grade, real_life: levels add up to 360 of 361"
    assert "crs_status = 'unknown'" in by_place[("crs_grade", "real_life")].resolution
    assert by_place[("icans_grade", "trial")].message == "icans_grade, trial: levels add up to 48 of 40"
    assert "'No' is set to 40 - 16 = 24" in by_place[("icans_grade", "trial")].resolution
    assert "107 of 200" in by_place[("icans_grade", "real_life")].resolution
    assert "Welch" in by_place[("age", None)].resolution
    assert "5 die during the episode" in by_place[("crs_outcome", "real_life")].resolution


def test_calibration_records_say_what_was_reached(result):
    records = {(r.name, r.group, r.statistic): r for r in result.calibration}
    counts = [r for r in result.calibration if r.statistic not in ("mean", "sd", "p")]
    assert [(r.name, r.group, r.statistic) for r in counts if r.status != "exact"] == [
        ("icans_grade", "trial", "No")
    ]
    assert records[("icans_grade", "trial", "No")].target == "32"
    assert records[("icans_grade", "trial", "No")].achieved == "24"
    assert records[("age", "real_life", "mean")].status == "exact"
    assert records[("weight", "trial", "sd")].status == "to printed precision"
    for name, printed in (("sex", "0.6356"), ("age", "0.1202"), ("weight", "0.0481")):
        p = records[(name, None, "p")]
        assert (p.target, p.achieved, p.status) == (printed, printed, "to printed precision")
    assert records[("tocilizumab_dose_mg", None, "p")].status.startswith("not calibrated: no SD")


def test_the_cohort_passes_validation_without_errors(result):
    issues = validate_dataset(result.dataset)
    assert [i for i in issues if i.severity == "error"] == []


def test_calibrate_is_deterministic_for_a_seed(result):
    assert calibrate(seed=20250701).dataset.equals(result.dataset)
    assert not calibrate(seed=7).dataset.equals(result.dataset)


@pytest.fixture(scope="module")
def big():
    return generate(5000, seed=3)


def test_generate_keeps_the_published_proportions(big):
    inf = big["infusions"]
    assert len(inf) == 5000 and big["patients"]["patient_id"].is_unique
    setting = inf["setting"].value_counts()
    assert (setting[SOC], setting[TRIAL]) == (4501, 499)  # 5000 x 361/401 and 40/401, largest remainder
    soc = inf[inf["setting"] == SOC]
    assert soc["age_at_infusion"].mean() == pytest.approx(62.7, abs=1e-9)
    assert round(soc["weight_kg"].std(), 1) == 14.5
    sex = big["patients"].set_index("patient_id")["sex"].reindex(soc["patient_id"])
    assert abs((sex == "male").mean() - 230 / 361) < 1 / 4501
    crs = big["toxicity_episodes"].query("syndrome == 'CRS'")
    grade3 = crs["infusion_id"].isin(soc["infusion_id"]) & (crs["max_grade"] == 3)
    assert grade3.sum() == round(3 / 361 * 4501)
    assert [i for i in validate_dataset(big) if i.severity == "error"] == []


def test_generate_is_deterministic_and_seed_dependent(big):
    assert generate(5000, seed=3).equals(big)
    assert not generate(5000, seed=4).equals(big)


@pytest.mark.parametrize("n", [1, 2, 7, 40, 401])
def test_generate_works_at_tiny_sizes_and_stays_valid(n):
    data = generate(n, seed=n)
    assert len(data["infusions"]) == n
    assert [i for i in validate_dataset(data) if i.severity == "error"] == []


def test_cli_writes_the_calibrated_cohort_and_prints_the_findings(tmp_path):
    out = tmp_path / "seed"
    path = str(resources.files("iectox").joinpath("data", "seed", "published_tables.json"))
    result = CliRunner().invoke(app, ["synth", "--calibrate", path, "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "crs_grade, real_life: levels add up to 360 of 361" in text
    assert "icans_grade, trial: levels add up to 48 of 40" in text
    assert sorted(p.name for p in out.iterdir()) == [
        ".iectox-output",  # the marker that lets iectox replace this folder later
        "administrations.csv",
        "infusions.csv",
        "labs.csv",
        "observations.csv",
        "outcomes.csv",
        "patients.csv",
        "toxicity_episodes.csv",
    ]
    small = CliRunner().invoke(app, ["synth", "--n", "300", "--seed", "5", "--out", str(tmp_path / "n")])
    assert small.exit_code == 0, small.output
    assert len(pd.read_csv(tmp_path / "n" / "infusions.csv")) == 300
    assert CliRunner().invoke(app, ["synth", "--out", str(tmp_path / "x")]).exit_code == 2


def test_largest_remainder_and_moment_matching_are_exact():
    from iectox.synth.moments import match_moments, sds_for_p
    from iectox.synth.select import largest_remainder

    assert largest_remainder([361, 40], 1000).tolist() == [900, 100]
    assert largest_remainder([1, 1, 1], 10).sum() == 10
    rng = np.random.default_rng(0)
    values = match_moments(rng.standard_normal(361), 226347, 142.0, np.full(361, 180), np.full(361, 850), rng)
    assert values.sum() == 226347 and abs(values.std(ddof=1) - 142.0) < 0.01
    s1, s2 = sds_for_p((62.7, 59.1), (14.2, 13.6), (1, 1), (361, 40), "0.1202")
    assert round(s1, 1) == 14.2 and round(s2, 1) == 13.6
    p = stats.ttest_ind_from_stats(62.7, s1, 361, 59.1, s2, 40, equal_var=False).pvalue
    assert p == pytest.approx(0.12020, abs=1e-9)


def test_the_calibrated_cohort_has_labs_that_validate_in_several_units():
    """Labs at lymphodepletion (day -5, date alone) and after infusion, some in /mm³ and g/dL, all valid."""
    data = calibrate().dataset
    labs = data["labs"]
    assert set(labs["analyte"]) == set(ANALYTE.codes)
    assert {"10^9/L", "/mm3", "g/L", "g/dL"} <= set(labs["unit"])
    errors = [i for i in validate_dataset(data) if i.severity == "error" and i.file.startswith("labs")]
    assert errors == []
    baseline = labs[~labs["measured_at_time_known"].astype(bool)]
    infused = baseline["infusion_id"].map(data["infusions"].set_index("infusion_id")["infusion_date"])
    assert ((infused - baseline["measured_at"]).dt.days == 5).all()
