"""Bedside observation series behind each synthetic episode, so that grading and agreement can be exercised.

Every infusion is observed every 8 hours from the infusion day to a day after its last episode ends (at least
a week), plus one observation at each episode's onset, at its peak and at its resolution. Inside a CRS
episode the patient has fever; at the peak, the feature that defines the episode's ASTCT grade (hypotension,
pressors, oxygen); inside an ICANS episode, an ICE score, and at the peak the ICE score or consciousness of its
grade, a few hours before the first dose given for it (the grade that prompted the treatment). So the ASTCT
grade computed from the series equals the recorded grade, except for a stated share of
episodes (`DISCORDANT_SHARE`) whose peak is one grade away: deliberately discordant records, for the agreement
table to find.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from iectox.dataset import Dataset
from iectox.schema.vocabularies import CORTICOSTEROIDS

DISCORDANT_SHARE = 0.04
EVERY = pd.Timedelta(hours=8)
MIN_DAYS = 7

# The defining feature of each ASTCT CRS grade at the peak, two variants each: (hypotension, pressors,
# vasopressin, oxygen device, flow L/min). Lee et al. BBMT 2019 (ASTCT consensus), table of CRS grades.
CRS_PEAKS = {
    1: [(False, 0, False, "none", np.nan), (False, 0, False, "none", np.nan)],
    2: [(True, 0, False, "none", np.nan), (False, 0, False, "nasal_cannula", 4.0)],
    3: [(True, 1, False, "none", np.nan), (False, 0, False, "high_flow_cannula", 30.0)],
    4: [(True, 2, True, "none", np.nan), (False, 0, False, "bipap", np.nan)],
}
# ICE score and consciousness at the peak of each ASTCT ICANS grade (grade 4: unarousable, ICE 0).
ICANS_PEAKS = {1: (8, "alert"), 2: (5, "alert"), 3: (2, "alert"), 4: (0, "unarousable")}


def _windows(dataset: Dataset, syndrome: str) -> pd.DataFrame:
    episodes = dataset["toxicity_episodes"]
    rows = episodes[(episodes["syndrome"] == syndrome) & (episodes["grading_scale"] == "ASTCT2019")]
    rows = (
        rows.dropna(subset=["onset_at", "max_grade"]).sort_values("onset_at").drop_duplicates("infusion_id")
    )
    end = rows["resolved_at"].where(rows["resolved_at_time_known"].fillna(False).astype(bool))
    end = end.fillna(rows["resolved_at"].dt.normalize() + pd.Timedelta(hours=12)).fillna(
        rows["onset_at"] + pd.Timedelta(days=5)
    )
    peak = rows["onset_at"] + (end - rows["onset_at"]) * 0.4
    return pd.DataFrame(
        {
            "onset": rows["onset_at"].to_numpy(),
            "peak": peak.to_numpy(),
            "end": end.to_numpy(),
            "grade": rows["max_grade"].astype(int).to_numpy(),
        },
        index=rows["infusion_id"].to_numpy(),
    )


def _schedule(dataset: Dataset, crs: pd.DataFrame, icans: pd.DataFrame) -> pd.DataFrame:
    infusions = dataset["infusions"].dropna(subset=["infusion_date"])
    start = infusions.set_index("infusion_id")["infusion_date"] + pd.Timedelta(hours=8)
    last = pd.concat([crs["end"], icans["end"]]).groupby(level=0).max().reindex(start.index)
    stop = np.maximum(last.fillna(start).to_numpy(), (start + pd.Timedelta(days=MIN_DAYS)).to_numpy())
    count = ((stop - start.to_numpy()) // EVERY.to_timedelta64()).astype(np.int64) + 2
    infusion = np.repeat(start.index.to_numpy(), count)
    offsets = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    times = np.repeat(start.to_numpy(), count) + offsets * EVERY.to_timedelta64()
    events = [
        pd.DataFrame({"infusion_id": w.index, "observed_at": w[c].to_numpy()})
        for w in (crs, icans)
        for c in ("onset", "peak", "end")
    ]
    series = pd.concat([pd.DataFrame({"infusion_id": infusion, "observed_at": times}), *events])
    series["observed_at"] = series["observed_at"].dt.floor("min")
    return series.drop_duplicates().sort_values(["infusion_id", "observed_at"]).reset_index(drop=True)


def _inside(series: pd.DataFrame, windows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per observation: inside the episode, at its peak, and the episode's grade (0 outside)."""
    joined = windows.reindex(series["infusion_id"])
    t = series["observed_at"].to_numpy()
    inside = (t >= joined["onset"].to_numpy()) & (t < joined["end"].to_numpy())
    peak = t == joined["peak"].dt.floor("min").to_numpy()
    grade = np.where(inside, joined["grade"].fillna(0).to_numpy(), 0).astype(int)
    return inside, peak & inside, grade


def _discordant(windows: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Move the observed peak of a few episodes one grade away from the recorded grade."""
    chosen = rng.random(len(windows)) < DISCORDANT_SHARE
    step = np.where(rng.random(len(windows)) < 0.5, -1, 1)
    moved = np.clip(windows["grade"].to_numpy() + np.where(chosen, step, 0), 1, 4)
    moved = np.where(
        chosen & (moved == windows["grade"].to_numpy()), windows["grade"].to_numpy() - step, moved
    )
    return windows.assign(grade=np.clip(moved, 1, 4))


def _peak_before_treatment(
    windows: pd.DataFrame, first_dose: pd.Series, rng: np.random.Generator
) -> pd.DataFrame:
    """Treated episodes peak 0.5-6 h before their first dose: the grade that prompted the treatment."""
    dose = first_dose.reindex(windows.index)
    before = dose - pd.to_timedelta(rng.uniform(0.5, 6.0, len(windows)), unit="h")
    inside = dose.notna() & (before > windows["onset"]) & (before < windows["end"])
    return windows.assign(peak=windows["peak"].where(~inside, before))


def _first_dose(dataset: Dataset, drugs: list[str], reason: str) -> pd.Series:
    doses = dataset["administrations"]
    chosen = doses[doses["drug"].isin(drugs) & (doses["reason"] == reason)]
    return chosen.groupby("infusion_id")["given_at"].min()


def synthetic_observations(dataset: Dataset, rng: np.random.Generator) -> pd.DataFrame:
    """The observations table for a synthetic dataset (see the module docstring)."""
    crs = _discordant(_windows(dataset, "CRS"), rng)
    icans = _discordant(_windows(dataset, "ICANS"), rng)
    crs = _peak_before_treatment(crs, _first_dose(dataset, ["tocilizumab"], "CRS"), rng)
    icans = _peak_before_treatment(icans, _first_dose(dataset, list(CORTICOSTEROIDS), "ICANS"), rng)
    series = _schedule(dataset, crs, icans)
    n = len(series)
    in_crs, crs_peak, crs_grade = _inside(series, crs)
    in_icans, icans_peak, icans_grade = _inside(series, icans)
    variant = rng.integers(0, 2, n)
    features = (
        np.array(
            [
                CRS_PEAKS[g][v] if p else (False, 0, False, "none", np.nan)
                for g, v, p in zip(np.maximum(crs_grade, 1), variant, crs_peak, strict=True)
            ],
            dtype=object,
        )
        if n
        else np.empty((0, 5), dtype=object)
    )
    ice = np.where(icans_peak, [ICANS_PEAKS[max(g, 1)][0] for g in icans_grade], np.where(in_icans, 8, 10))
    awake = np.where(icans_peak & (icans_grade == 4), "unarousable", "alert")
    treated = dataset["administrations"]
    treated = (
        treated[treated["drug"].isin(["tocilizumab", *CORTICOSTEROIDS])]
        .groupby("infusion_id")["given_at"]
        .min()
    )
    first_treatment = treated.reindex(series["infusion_id"]).to_numpy()
    temperature = np.where(in_crs, rng.uniform(38.2, 39.6, n), rng.uniform(36.4, 37.4, n)).round(1)
    return pd.DataFrame(
        {
            "infusion_id": series["infusion_id"],
            "observed_at": series["observed_at"],
            "observed_at_time_known": True,
            "temperature_c": temperature,
            "hypotension": features[:, 0].astype(bool),
            "vasopressors": features[:, 1].astype(int),
            "vasopressin": features[:, 2].astype(bool),
            "oxygen_device": features[:, 3].astype(str),
            "oxygen_l_min": features[:, 4].astype(float),
            "ice_score": ice,
            "consciousness": awake,
            "seizure": "none",
            "motor_weakness": False,
            "cerebral_edema": "none",
            "capd_score": pd.NA,
            "antipyretic_or_anticytokine_given": series["observed_at"].to_numpy() >= first_treatment,
        }
    )
