"""Clinical coherence of the synthetic cohort: each test quotes the rule (clinical_rules.md) it checks."""

from __future__ import annotations

import pandas as pd
import pytest

from iectox.schema import approved_since
from iectox.synth import calibrate, generate

HOUR = pd.Timedelta(hours=1)
CORTICOSTEROIDS = ["dexamethasone", "methylprednisolone"]


@pytest.fixture(scope="module", params=["calibrated", "generated"])
def data(request):
    """The calibrated seed cohort and a scaled one: the rules must hold for both."""
    return calibrate(seed=20250701).dataset if request.param == "calibrated" else generate(3000, seed=11)


@pytest.fixture(scope="module")
def tables(data):
    inf = data["infusions"].set_index("infusion_id")
    ep = data["toxicity_episodes"].copy()
    ep["infusion_date"] = ep["infusion_id"].map(inf["infusion_date"])
    adm = data["administrations"].copy()
    adm["weight_kg"] = adm["infusion_id"].map(inf["weight_kg"])
    return inf, ep, adm, data["outcomes"].set_index("infusion_id")


def _crs(ep: pd.DataFrame) -> pd.DataFrame:
    return ep[ep["syndrome"] == "CRS"].set_index("infusion_id")


def test_tocilizumab_dose_8_mg_per_kg_capped_at_800_integer_within_10_percent(tables):
    """Dose: 8 mg/kg IV ... maximum 800 mg per dose."""
    _, _, adm, _ = tables
    toci = adm[adm["drug"] == "tocilizumab"]
    exact = 8 * toci["weight_kg"]
    assert (toci["dose_mg"] % 1 == 0).all() and (toci["dose_mg"] <= 800).all()
    capped = exact >= 800
    assert (toci.loc[capped, "dose_mg"] == 800).all()
    ratio = toci.loc[~capped, "dose_mg"] / exact[~capped]
    assert ratio.between(0.9, 1.1).all()
    assert toci.groupby("infusion_id")["dose_mg"].nunique().max() == 1  # one weight, one dose per patient


def test_tocilizumab_8_h_apart_at_most_3_in_24_h_and_4_in_total(tables):
    """Repeat no sooner than 8 h apart; at most 3 doses in 24 h and 4 doses in total."""
    _, _, adm, _ = tables
    toci = adm[adm["drug"] == "tocilizumab"].sort_values(["infusion_id", "given_at"])
    per = toci.groupby("infusion_id")["given_at"]
    assert per.size().between(1, 4).all()
    assert (per.diff().dropna() >= 8 * HOUR).all()
    assert (per.diff(3).dropna() > 24 * HOUR).all()


def test_tocilizumab_only_with_crs_after_onset_and_before_resolution(tables):
    """Tocilizumab for CRS, every dose after CRS onset and before the episode resolves (or the death)."""
    _, ep, adm, out = tables
    crs = _crs(ep)
    toci = adm[adm["drug"] == "tocilizumab"]
    assert toci["infusion_id"].isin(crs.index).all()
    onset = toci["infusion_id"].map(crs["onset_at"])
    end = toci["infusion_id"].map(crs["resolved_at"])
    assert (toci["given_at"] > onset).all()
    resolved = end.notna()
    assert (toci.loc[resolved, "given_at"] < end[resolved]).all()
    died = crs[crs["outcome"] == "death"]
    assert (out.loc[died.index, "status"] == "dead").all()


def test_every_crs_grade_2_or_more_is_treated_with_tocilizumab(tables):
    """CRS grade >= 2: tocilizumab (all grade >= 2 CRS treated first)."""
    _, ep, adm, _ = tables
    crs = _crs(ep)
    treated = set(adm.loc[adm["drug"] == "tocilizumab", "infusion_id"])
    assert set(crs.index[crs["max_grade"] >= 2]) <= treated


def test_corticosteroids_for_every_icans_grade_2_or_more_and_resolution_after_last_dose(tables):
    """ICANS grade 2: dexamethasone 10 mg ...; an episode resolves after the last dose given for it."""
    _, ep, adm, _ = tables
    icans = ep[ep["syndrome"] == "ICANS"].set_index("infusion_id")
    steroid = adm[adm["drug"].isin(CORTICOSTEROIDS)]
    for_icans = set(steroid.loc[steroid["reason"] == "ICANS", "infusion_id"])
    assert set(icans.index[icans["max_grade"] >= 2]) <= for_icans
    assert (steroid.loc[steroid["drug"] == "dexamethasone", "dose_mg"] == 10).all()
    for syndrome in ("CRS", "ICANS"):
        episodes = ep[ep["syndrome"] == syndrome].set_index("infusion_id")
        doses = adm[adm["reason"] == syndrome]
        last = doses.groupby("infusion_id")["given_at"].max()
        end = episodes["resolved_at"].reindex(last.index)
        known = episodes["resolved_at_time_known"].reindex(last.index).fillna(True).astype(bool)
        assert (end[end.notna() & known] > last[end.notna() & known]).all()
        day_only = end.notna() & ~known
        assert (end[day_only] > last[day_only].dt.normalize()).all()


def test_concomitant_corticosteroids_are_given_during_the_crs_episode(tables):
    """Concomitant corticosteroids among the tocilizumab-treated: dexamethasone during the CRS episode."""
    _, ep, adm, _ = tables
    crs = _crs(ep)
    treated = set(adm.loc[adm["drug"] == "tocilizumab", "infusion_id"])
    with_steroid = set(adm.loc[adm["drug"].isin(CORTICOSTEROIDS), "infusion_id"]) & treated
    dex = adm[(adm["drug"] == "dexamethasone") & (adm["reason"] == "CRS")]
    during = dex[(dex["given_at"] > dex["infusion_id"].map(crs["onset_at"]))]
    assert with_steroid == set(during["infusion_id"])


def test_onsets_after_infusion_mostly_within_14_days_with_product_typical_medians(tables):
    """Axi-cel median CRS onset day 2 (range 1-12); new CRS/ICANS after day 14 is rare."""
    inf, ep, _, _ = tables
    day = (ep["onset_at"] - ep["infusion_date"]).dt.total_seconds() / 86400
    assert (day >= 1).all()
    assert (day <= 14).mean() > 0.9
    crs = ep[ep["syndrome"] == "CRS"]
    median = day[crs.index].groupby(crs["infusion_id"].map(inf["therapy"])).median()
    assert 1.5 <= median["axicabtagene_ciloleucel"] <= 3
    if "ciltacabtagene_autoleucel" in median:
        assert median["ciltacabtagene_autoleucel"] > median["axicabtagene_ciloleucel"] + 2
    icans = ep[ep["syndrome"] == "ICANS"].set_index("infusion_id")
    after = icans["onset_at"] >= _crs(ep)["onset_at"].reindex(icans.index)
    assert after[_crs(ep)["onset_at"].reindex(icans.index).notna()].all()


def test_standard_of_care_products_fit_the_indication_and_were_authorised(tables):
    """Standard-of-care products authorised (EU) for the indication by the infusion month."""
    inf, _, _, _ = tables
    soc = inf[inf["setting"] == "standard_of_care"]
    since = [approved_since(t, i) for t, i in zip(soc["therapy"], soc["indication"], strict=True)]
    assert None not in since
    assert (soc["infusion_date"].dt.strftime("%Y-%m") >= pd.Series(since, index=soc.index)).all()
    assert soc.loc[soc["indication"] == "dlbcl_2l", "infusion_date"].min() >= pd.Timestamp("2022-10-01")
    b_all = soc[soc["indication"] == "b_all"]
    assert (b_all.loc[b_all["therapy"] == "tisagenlecleucel", "age_at_infusion"] < 26).all()
    assert (b_all.loc[b_all["therapy"] == "brexucabtagene_autoleucel", "age_at_infusion"] >= 26).all()


def test_trial_patients_have_synthetic_nct_numbers_and_study_dates(tables):
    """Trial infusions name their trial (NCT + 8 digits, obviously synthetic); dates in the study period."""
    inf, _, _, _ = tables
    trial = inf[inf["setting"] == "clinical_trial"]
    assert trial["trial_id"].str.fullmatch(r"NCT9\d{7}").all()
    assert inf.loc[inf["setting"] == "standard_of_care", "trial_id"].isna().all()
    assert inf["infusion_date"].between("2020-01-01", "2025-06-30").all()
    per_year = inf["infusion_date"].dt.year.value_counts()
    assert per_year[2024] > 2 * per_year[2020]  # volume grows over time


def test_deaths_are_consistent_with_status_episodes_and_doses(tables):
    """death_date exactly when dead, never before the infusion, an episode onset or a dose."""
    inf, ep, adm, out = tables
    dead = out["status"] == "dead"
    assert out.loc[dead, "death_date"].notna().all() and out.loc[~dead, "death_date"].isna().all()
    assert (out.loc[dead, "last_follow_up"] == out.loc[dead, "death_date"]).all()
    assert (out["last_follow_up"] >= inf["infusion_date"].reindex(out.index)).all()
    assert (out["last_follow_up"] <= pd.Timestamp("2025-10-01")).all()
    death = out["death_date"]
    assert (ep["onset_at"].dt.normalize() <= ep["infusion_id"].map(death).fillna(pd.Timestamp.max)).all()
    assert (adm["given_at"].dt.normalize() <= adm["infusion_id"].map(death).fillna(pd.Timestamp.max)).all()
    causes = out.loc[dead, "death_cause"].value_counts()
    assert causes.index[0] == "disease progression"
    in_crs = _crs(ep).query("outcome == 'death'")
    assert (in_crs["max_grade"] <= 3).all()
    assert not out.loc[in_crs.index, "death_cause"].str.contains("CRS").any()


def test_identifiers_unique_references_valid_and_incomplete_times_only_where_allowed(data, tables):
    """Every id unique and every reference valid; a stated share of resolutions recorded as a day only."""
    inf, ep, adm, _ = tables
    assert data["patients"]["patient_id"].is_unique and inf.index.is_unique
    assert ep["episode_id"].is_unique and adm["administration_id"].is_unique
    assert inf["patient_id"].isin(data["patients"]["patient_id"]).all()
    for frame in (ep, adm):
        assert frame["infusion_id"].isin(inf.index).all()
    assert data["patients"]["patient_id"].iloc[0] in ("P-0001", "P-0000001")
    assert (ep["grading_scale"] == "ASTCT2019").all()
    assert ep["onset_at_time_known"].all() and adm["given_at_time_known"].all()
    day_only = (~ep["resolved_at_time_known"].fillna(True).astype(bool)).mean()
    assert 0.03 < day_only < 0.15
    observed = data["observations"]
    assert observed["infusion_id"].isin(inf.index).all() and observed["observed_at_time_known"].all()
