"""Lab results around lymphodepletion and after infusion, so that the demo shows haematotoxicity and IEC-HS.

Each infusion gets a panel at lymphodepletion (day -5: counts, CRP, ferritin, LDH, liver and kidney tests,
fibrinogen, triglycerides), then blood counts on a schedule up to day 90 (as far as its follow-up goes) and CRP
and ferritin in the first two weeks. Its neutrophils fall after lymphodepletion, stay at or below 0.5 G/L for a
time that is longer when its counts before lymphodepletion were low or its ferritin and CRP high (as Rejeski et
al. found, Blood 2021), and recover; a few fall again after day 30 (late ICAHT), a few stay profoundly low.
About `IECHS_SHARE` of infusions show an IEC-HS picture after day 7: ferritin rising far above baseline with
low fibrinogen, high transaminases, LDH and triglycerides. Some centres report in other units (/mm³, g/dL,
mg/dL), which iectox normalises.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from iectox.dataset import Dataset

BASELINE_DAY = -5
COUNT_DAYS = np.array([0, 1, 2, 3, 4, 5, 6, 7, 9, 11, 14, 17, 21, 24, 28, 35, 42, 60, 90])
INFLAMMATION_DAYS = np.array([0, 2, 4, 7, 11, 14])
IECHS_SHARE = 0.04
LATE_SHARE = 0.12
OTHER_UNITS_SHARE = 0.25


def _baseline(n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Values before lymphodepletion, in canonical units; about half the cohort at high CAR-HEMATOTOX risk."""
    frail = rng.random(n) < 0.5
    return {
        "ANC": np.where(frail, rng.uniform(0.6, 2.5, n), rng.uniform(1.5, 5.0, n)),
        "platelets": np.where(frail, rng.uniform(40, 180, n), rng.uniform(150, 350, n)),
        "haemoglobin": np.where(frail, rng.uniform(78, 115, n), rng.uniform(100, 145, n)),
        "lymphocytes": rng.uniform(0.2, 1.5, n),
        "CRP": np.where(frail, rng.lognormal(np.log(30), 0.8, n), rng.lognormal(np.log(8), 0.7, n)),
        "ferritin": np.where(frail, rng.lognormal(np.log(1200), 0.7, n), rng.lognormal(np.log(350), 0.6, n)),
        "fibrinogen": rng.uniform(2.5, 5.0, n),
        "LDH": rng.lognormal(np.log(280), 0.4, n),
        "ALT": rng.uniform(10, 45, n),
        "AST": rng.uniform(12, 40, n),
        "bilirubin": rng.uniform(5, 20, n),
        "creatinine": rng.uniform(55, 110, n),
        "triglycerides": rng.uniform(0.8, 2.2, n),
        "frail": frail,
    }


def _anc(days: np.ndarray, base: np.ndarray, frail: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Neutrophils on each infusion's count days (rows: infusions, columns: `days`)."""
    n = len(base)
    start = rng.integers(0, 4, n)[:, None]
    length = np.where(frail, rng.integers(4, 21, n), rng.integers(0, 10, n))[:, None]
    profound = (rng.random(n) < np.where(frail, 0.15, 0.02))[:, None]
    nadir = np.where(profound, rng.uniform(0.01, 0.09, (n, 1)), rng.uniform(0.12, 0.48, (n, 1)))
    recovered = rng.uniform(0.9, 1.6, (n, 1)) * np.clip(base[:, None], 1.0, 3.0)
    values = np.where(days < start, rng.uniform(0.55, 1.2, (n, len(days))), recovered)
    values = np.where((days >= start) & (days < start + length), nadir, values)
    late = (rng.random(n) < LATE_SHARE * np.where(frail, 2, 0.5))[:, None]
    late_value = rng.uniform(0.3, 1.4, (n, 1))
    values = np.where(late & (days > 30) & (days <= 60), late_value, values)
    return np.round(values * rng.uniform(0.9, 1.1, values.shape), 2)


def _panel(infusion: np.ndarray, day: np.ndarray, analyte: str, value: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({"infusion_id": infusion, "day": day, "analyte": analyte, "value": value})


def synthetic_labs(dataset: Dataset, rng: np.random.Generator) -> pd.DataFrame:
    """The labs table for a synthetic dataset (see the module docstring)."""
    infusions = dataset["infusions"].dropna(subset=["infusion_date"])
    ids = infusions["infusion_id"].to_numpy()
    n = len(ids)
    base = _baseline(n, rng)
    frail = base.pop("frail")
    panels = [_panel(ids, np.full(n, BASELINE_DAY), name, values) for name, values in base.items()]
    anc = _anc(COUNT_DAYS, base["ANC"], frail, rng)
    low = anc <= 0.5
    platelets = np.where(low, rng.uniform(15, 60, anc.shape), rng.uniform(60, 160, anc.shape))
    haemoglobin = np.where(low, rng.uniform(72, 95, anc.shape), rng.uniform(88, 125, anc.shape))
    grid = np.repeat(ids, len(COUNT_DAYS)), np.tile(COUNT_DAYS, n)
    for name, values in (("ANC", anc), ("platelets", platelets), ("haemoglobin", haemoglobin)):
        panels.append(_panel(*grid, name, values.ravel()))
    m = len(INFLAMMATION_DAYS)
    peak = np.exp(-(((INFLAMMATION_DAYS[None, :] - rng.uniform(2, 5, (n, 1))) / 3.0) ** 2))
    crp = base["CRP"][:, None] + peak * rng.uniform(20, 180, (n, 1))
    ferritin = base["ferritin"][:, None] * (1 + peak * rng.uniform(0.3, 1.5, (n, 1)))
    iechs = rng.random(n) < IECHS_SHARE
    late = INFLAMMATION_DAYS[None, :] >= 11
    ferritin = np.where(
        iechs[:, None] & late, base["ferritin"][:, None] * rng.uniform(8, 30, (n, 1)), ferritin
    )
    inflammation = np.repeat(ids, m), np.tile(INFLAMMATION_DAYS, n)
    panels += [_panel(*inflammation, "CRP", crp.ravel()), _panel(*inflammation, "ferritin", ferritin.ravel())]
    k = int(iechs.sum())
    for name, low_value, high_value in (
        ("fibrinogen", 0.6, 1.4),
        ("ALT", 250, 600),
        ("AST", 300, 900),
        ("LDH", 800, 2500),
        ("triglycerides", 3.2, 6.0),
    ):
        panels.append(_panel(ids[iechs], np.full(k, 14), name, rng.uniform(low_value, high_value, k)))
    labs = pd.concat(panels, ignore_index=True)
    return _dated(labs, infusions, dataset["outcomes"], rng)


def _dated(
    labs: pd.DataFrame, infusions: pd.DataFrame, outcomes: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    """Sample times (07:00-08:59 on the day; day -5 with the date alone), kept within follow-up, some centres'
    units."""
    infused = labs["infusion_id"].map(infusions.set_index("infusion_id")["infusion_date"])
    last = labs["infusion_id"].map(
        outcomes.drop_duplicates("infusion_id").set_index("infusion_id")["last_follow_up"]
    )
    day = infused + pd.to_timedelta(labs["day"], unit="D")
    labs = labs[(last.isna() | (day <= last)).to_numpy()].copy()
    day = day[labs.index]
    minutes = pd.to_timedelta(rng.integers(7 * 60, 9 * 60, len(labs)), unit="min")
    labs["measured_at"] = day.where(labs["day"] == BASELINE_DAY, day + minutes)
    labs["measured_at_time_known"] = labs["day"] != BASELINE_DAY
    canonical = {
        "ANC": "10^9/L",
        "platelets": "10^9/L",
        "lymphocytes": "10^9/L",
        "haemoglobin": "g/L",
        "CRP": "mg/L",
        "ferritin": "ug/L",
        "fibrinogen": "g/L",
        "LDH": "U/L",
        "ALT": "U/L",
        "AST": "U/L",
        "bilirubin": "umol/L",
        "creatinine": "umol/L",
        "triglycerides": "mmol/L",
    }
    other = {
        "ANC": ("/mm3", 1000.0),
        "platelets": ("/mm3", 1000.0),
        "haemoglobin": ("g/dL", 0.1),
        "CRP": ("mg/dL", 0.1),
        "creatinine": ("mg/dL", 1 / 88.4),
    }
    ids = labs["infusion_id"].unique()
    elsewhere = set(ids[rng.random(len(ids)) < OTHER_UNITS_SHARE])
    labs["unit"] = labs["analyte"].map(canonical)
    values = labs["value"].to_numpy(dtype=float)
    for analyte, (unit, factor) in other.items():
        rows = (labs["analyte"] == analyte) & labs["infusion_id"].isin(elsewhere)
        labs.loc[rows, "unit"] = unit
        values = np.where(rows.to_numpy(), values * factor, values)
    labs["value"] = np.round(values, 2)
    order = ["infusion_id", "measured_at", "measured_at_time_known", "analyte", "value", "unit"]
    return labs.sort_values(["infusion_id", "measured_at"], kind="stable")[order].reset_index(drop=True)
