"""The CAR-HEMATOTOX score before lymphodepletion (Rejeski et al., Blood 2021;138:2499).

"Determined prior to lymphodepleting chemotherapy (e.g. day -5), the CAR-HEMATOTOX score comprises five markers
of hematotoxicity with additional weighting of the baseline platelet count and ferritin levels. The score
discriminates between a high (CAR-HEMATOTOX score >= 2) and low (CAR-HEMATOTOX score 0-1) risk."

Each marker is its last value measured from day -30 to day -5 (the first day of a fludarabine/cyclophosphamide
lymphodepletion; a sample taken during it no longer shows the reserve the score measures). Cut-offs, in the
canonical units of `iectox.schema.labs` (the published table in /µL, g/dL, mg/dL and ng/mL):

| marker      | 0 points      | 1 point            | 2 points    |
|-------------|---------------|--------------------|-------------|
| platelets   | > 175 G/L     | 75-175 G/L         | < 75 G/L    |
| ANC         | >= 1.2 G/L    | < 1.2 G/L          |             |
| haemoglobin | >= 90 g/L     | < 90 g/L           |             |
| CRP         | <= 30 mg/L    | > 30 mg/L          |             |
| ferritin    | < 650 µg/L    | 650-2000 µg/L      | > 2000 µg/L |

The published table writes the two-level markers as "> 1200 / < 1200 cells/µL", "> 9.0 / < 9.0 g/dL" and
"< 3.0 / > 3.0 mg/dL": a value on the cut-off itself gets 0 points. A marker not measured leaves the score
unknown; the risk is still high when the markers measured already reach 2 points, and the reason says which
marker was missing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from iectox.grading.templates import fill, formatted, join
from iectox.i18n import N_, tr
from iectox.schema.model import vocabulary

SOURCE = "Rejeski et al., Blood 2021;138:2499 (CAR-HEMATOTOX)"
FIRST_DAY, LAST_DAY = -30, -5
HIGH_FROM = 2
MARKERS = ("platelets", "ANC", "haemoglobin", "CRP", "ferritin")
UNITS = {"platelets": "G/L", "ANC": "G/L", "haemoglobin": "g/L", "CRP": "mg/L", "ferritin": "µg/L"}
NAMES = {
    "platelets": N_("platelets"),
    "ANC": N_("ANC"),
    "haemoglobin": N_("haemoglobin"),
    "CRP": N_("CRP"),
    "ferritin": N_("ferritin"),
}
LOW, HIGH = "low", "high"
RISK = vocabulary("hematotox_risk", [(LOW, N_("Low risk (0-1)")), (HIGH, N_("High risk (>= 2)"))])


def marker_points(marker: str, values: np.ndarray) -> np.ndarray:
    """The points of each value of `marker` (canonical unit) by the published cut-offs; NaN stays NaN."""
    v = np.asarray(values, dtype=float)
    points = {
        "platelets": np.where(v > 175, 0, np.where(v >= 75, 1, 2)),
        "ANC": np.where(v >= 1.2, 0, 1),
        "haemoglobin": np.where(v >= 90, 0, 1),
        "CRP": np.where(v <= 30, 0, 1),
        "ferritin": np.where(v < 650, 0, np.where(v <= 2000, 1, 2)),
    }[marker].astype(float)
    return np.where(np.isnan(v), np.nan, points)


def car_hematotox(days: pd.DataFrame, infusion_ids: pd.Index, lang: str = "en") -> pd.DataFrame:
    """Per infusion: the score (NA when a marker is missing), the risk (low/high, NA when unknown) and the
    reason in words. `days` is `lab_days(...)`."""
    before = days[days["analyte"].isin(MARKERS) & days["day"].between(FIRST_DAY, LAST_DAY)]
    last = before.groupby(["infusion_id", "analyte"])["value"].last().unstack()
    values = last.reindex(index=infusion_ids, columns=list(MARKERS)).astype(float)
    points = pd.DataFrame({m: marker_points(m, values[m].to_numpy()) for m in MARKERS}, index=infusion_ids)
    known = points.sum(axis=1, min_count=1).fillna(0)
    complete = points.notna().all(axis=1)
    score = known.where(complete).astype("Int64")
    risk = pd.Series(pd.NA, index=infusion_ids, dtype="string")
    risk[known >= HIGH_FROM] = HIGH
    risk[complete & (known < HIGH_FROM)] = LOW
    reasons = _reasons(values, points, score, (known >= HIGH_FROM).to_numpy(), lang)
    return pd.DataFrame(
        {
            "hematotox_score": score,
            "hematotox_risk": risk,
            "hematotox_reason": pd.array(reasons, dtype="string"),
        },
        index=infusion_ids,
    )


def _reasons(
    values: pd.DataFrame, points: pd.DataFrame, score: pd.Series, high: np.ndarray, lang: str
) -> np.ndarray:
    """The reason of each infusion: its markers with their points, or the markers missing."""
    n = len(values)
    measured = [points[m].notna().to_numpy() for m in MARKERS]
    parts = [
        fill(
            tr(N_("{marker} {value} {unit} ({points})"), lang),
            n,
            marker=tr(NAMES[m], lang),
            value=formatted(values[m].to_numpy(dtype=float), "g"),
            unit=UNITS[m],
            points=points[m].fillna(0).to_numpy(dtype=np.int64),
        )
        for m in MARKERS
    ]
    shown = join(parts, measured, "; ")
    names = [np.full(n, tr(NAMES[m], lang), dtype=object) for m in MARKERS]
    missing = join(names, [~known for known in measured], ", ")
    complete = np.logical_and.reduce(measured)
    scores = score.fillna(0).to_numpy(dtype=np.int64)
    high_text = N_("CAR-HEMATOTOX {score}, high risk: {markers}")
    low_text = N_("CAR-HEMATOTOX {score}, low risk: {markers}")
    partial_text = N_(
        "CAR-HEMATOTOX at least 2, high risk ({missing} not measured before lymphodepletion): {markers}"
    )
    unknown_text = N_("CAR-HEMATOTOX not computable: {missing} not measured from day -30 to day -5")
    return np.select(
        [complete & high, complete, high],
        [
            fill(tr(high_text, lang), n, score=scores, markers=shown),
            fill(tr(low_text, lang), n, score=scores, markers=shown),
            fill(tr(partial_text, lang), n, missing=missing, markers=shown),
        ],
        fill(tr(unknown_text, lang), n, missing=missing),
    )
