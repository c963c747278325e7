"""The lab-based gradings as they were before issue 8 made them vectorised: one infusion at a time, in Python.

Kept only as the oracle of tests/test_lab_gradings_vectorised.py, which asserts that the vectorised gradings
give exactly these values and reasons. Copied from main at f828147 (grading/icaht.py,
car_hematotox.py, hines_iechs.py), with only the per-infusion parts renamed; the helpers that did not change
(cut-offs, baselines, treatment days) are imported from the modules themselves. The early ICAHT's daily series
and its low days (`daily_anc`, `low_days`) live here only: the grading counts them over steps (`icaht._low_days`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from iectox.grading.car_hematotox import (
    FIRST_DAY,
    HIGH,
    HIGH_FROM,
    LAST_DAY,
    LOW,
    MARKERS,
    UNITS,
    marker_points,
)
from iectox.grading.car_hematotox import NAMES as MARKER_NAMES
from iectox.grading.hines_iechs import (
    FERRITIN_ULN,
    FIBRINOGEN_LOW,
    LDH_ULN,
    NAMES,
    TRANSAMINASE_ULN,
    TRIGLYCERIDES_HIGH,
    _baseline,
    _first_day,
    _recorded,
    _treatment_days,
)
from iectox.grading.icaht import (
    EARLY_LAST_DAY,
    LATE_COUNTS,
    NONSTABLE_RECOVERY_DAYS,
    PROFOUND,
    SEVERE,
    early_grade,
    late_grade,
)
from iectox.i18n import N_, tr


def low_days(daily: np.ndarray, threshold: float) -> int:
    """Days at or below `threshold` in a daily series (NaN: unknown, not counted), a recovery of fewer than
    3 days between two low spells counted as low."""
    low = daily <= threshold
    days = np.flatnonzero(low)
    if not len(days):
        return 0
    count = int(low.sum())
    gaps = np.diff(days) - 1
    return count + int(gaps[(gaps > 0) & (gaps < NONSTABLE_RECOVERY_DAYS)].sum())


def daily_anc(days: np.ndarray, values: np.ndarray, last_day: int = EARLY_LAST_DAY) -> np.ndarray:
    """ANC on each day 0..last_day: the day's lowest count, else the last count before it; NaN before the
    first count and after the last."""
    daily = np.full(last_day + 1, np.nan)
    for day, value in zip(days, values, strict=True):
        if 0 <= day <= last_day and not value >= daily[day]:
            daily[day] = value
    measured = np.flatnonzero(~np.isnan(daily))
    if len(measured):
        span = pd.Series(daily[measured[0] : measured[-1] + 1]).ffill().to_numpy()
        daily[measured[0] : measured[-1] + 1] = span
    return daily


def icaht_oracle(days: pd.DataFrame, infusion_ids: pd.Index, lang: str = "en") -> pd.DataFrame:
    """Per infusion: early and late ICAHT grades (NA when not gradable), the days at or below 0.5 and 0.1 G/L
    in days 0-30, and a reason for each grade. `days` is `lab_days(...)`."""
    anc = days[days["analyte"] == "ANC"]
    groups = {key: frame for key, frame in anc.groupby("infusion_id", sort=False)}
    rows = [_icaht_one(groups.get(i), lang) for i in infusion_ids]
    columns = ["icaht_early", "severe_neutropenia_days", "profound_neutropenia_days", "icaht_early_reason"]
    columns += ["icaht_late", "icaht_late_reason"]
    out = pd.DataFrame(rows, index=infusion_ids, columns=columns)
    for name in ("icaht_early", "severe_neutropenia_days", "profound_neutropenia_days", "icaht_late"):
        out[name] = out[name].astype("Int64")
    for name in ("icaht_early_reason", "icaht_late_reason"):
        out[name] = out[name].astype("string")
    return out


def _icaht_one(counts: pd.DataFrame | None, lang: str) -> tuple[object, ...]:
    if counts is None:
        counts = pd.DataFrame({"day": [], "value": []})
    early = counts[counts["day"].between(0, EARLY_LAST_DAY)]
    if early.empty:
        early_cells: tuple[object, ...] = (
            pd.NA,
            pd.NA,
            pd.NA,
            tr(N_("early ICAHT not gradable: no ANC from day 0 to day 30"), lang),
        )
    else:
        daily = daily_anc(early["day"].to_numpy(), early["value"].to_numpy(dtype=float))
        severe, profound = low_days(daily, SEVERE), low_days(daily, PROFOUND)
        grade = early_grade(severe, profound)
        last = int(np.flatnonzero(~np.isnan(daily))[-1])
        text = N_(
            "early ICAHT grade {grade}: ANC <= 0.5 G/L for {severe} days, <= 0.1 G/L for {profound} days (day 0-30)"
        )
        reason = tr(text, lang).format(grade=grade, severe=severe, profound=profound)
        if last < EARLY_LAST_DAY and daily[last] <= SEVERE:
            reason += tr(N_("; still <= 0.5 G/L at the last count (day {day}): a lower bound"), lang).format(
                day=last
            )
        early_cells = (grade, severe, profound, reason)
    late = np.sort(counts.loc[counts["day"] > EARLY_LAST_DAY, "value"].to_numpy(dtype=float))
    if len(late) < LATE_COUNTS:
        text = N_("late ICAHT not gradable: {n} ANC after day 30, two are needed")
        return (*early_cells, pd.NA, tr(text, lang).format(n=len(late)))
    grade = late_grade(late[1])
    text = N_("late ICAHT grade {grade}: second-lowest of {n} ANC after day 30 is {value:g} G/L")
    return (*early_cells, grade, tr(text, lang).format(grade=grade, n=len(late), value=late[1]))


def car_hematotox_oracle(days: pd.DataFrame, infusion_ids: pd.Index, lang: str = "en") -> pd.DataFrame:
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
    reasons = [
        _hematotox_reason(values.loc[i], points.loc[i], score.loc[i], bool(known.loc[i] >= HIGH_FROM), lang)
        for i in infusion_ids
    ]
    return pd.DataFrame(
        {
            "hematotox_score": score,
            "hematotox_risk": risk,
            "hematotox_reason": pd.array(reasons, dtype="string"),
        },
        index=infusion_ids,
    )


def _hematotox_reason(values: pd.Series, points: pd.Series, score: object, high: bool, lang: str) -> str:
    parts = [
        tr(N_("{marker} {value} {unit} ({points})"), lang).format(
            marker=tr(MARKER_NAMES[m], lang), value=f"{values[m]:g}", unit=UNITS[m], points=int(points[m])
        )
        for m in MARKERS
        if not np.isnan(points[m])
    ]
    missing = ", ".join(tr(MARKER_NAMES[m], lang) for m in MARKERS if np.isnan(points[m]))
    shown = "; ".join(parts)
    if not missing:
        template = (
            N_("CAR-HEMATOTOX {score}, high risk: {markers}")
            if high
            else N_("CAR-HEMATOTOX {score}, low risk: {markers}")
        )
        return tr(template, lang).format(score=score, markers=shown)
    if high:
        return tr(
            N_(
                "CAR-HEMATOTOX at least 2, high risk ({missing} not measured before lymphodepletion): {markers}"
            ),
            lang,
        ).format(missing=missing, markers=shown)
    return tr(N_("CAR-HEMATOTOX not computable: {missing} not measured from day -30 to day -5"), lang).format(
        missing=missing
    )


def iechs_oracle(
    days: pd.DataFrame,
    infusion_ids: pd.Index,
    administrations: pd.DataFrame,
    infusions: pd.DataFrame,
    episodes: pd.DataFrame,
    lang: str = "en",
) -> pd.DataFrame:
    """Per infusion: whether the IEC-HS laboratory criteria are met (NA without a ferritin after infusion), the
    day they are first met, the grade (NA when not met) and the reason."""
    ferritin_base = _baseline(days, "ferritin")
    ferritin_limit = (2 * ferritin_base).reindex(infusion_ids).fillna(2 * FERRITIN_ULN)
    ferritin_day = _first_day(days, "ferritin", ferritin_limit)
    measured = days[(days["analyte"] == "ferritin") & (days["day"] >= 1)]["infusion_id"].unique()
    manifestations = {}
    for analyte in ("ALT", "AST"):
        base = _baseline(days, analyte).reindex(infusion_ids)
        limit = 5 * base.where(base > TRANSAMINASE_ULN, TRANSAMINASE_ULN)
        manifestations[analyte] = _first_day(days, analyte, limit)
    manifestations["fibrinogen"] = _first_day(days, "fibrinogen", FIBRINOGEN_LOW, lower=True)
    manifestations["LDH"] = _first_day(days, "LDH", LDH_ULN)
    manifestations["triglycerides"] = _first_day(days, "triglycerides", TRIGLYCERIDES_HIGH)
    shown = pd.DataFrame(manifestations).reindex(infusion_ids)
    ferritin = ferritin_day.reindex(infusion_ids)
    met = ferritin.notna() & shown.notna().any(axis=1)
    met_day = pd.concat([ferritin, shown.min(axis=1)], axis=1).max(axis=1).where(met)
    treated = _treatment_days(administrations, infusions).reindex(infusion_ids)
    grade = pd.Series(np.where(met, 1, np.nan), index=infusion_ids)
    grade = grade.where(~(met & (treated >= met_day)), 2)
    recorded = _recorded(episodes).reindex(infusion_ids)
    grade = pd.Series(np.fmax(grade.to_numpy(), recorded.where(met).to_numpy()), index=infusion_ids)
    criteria = pd.array(met.to_numpy(), dtype="boolean")
    criteria[~infusion_ids.isin(measured)] = pd.NA
    reasons = [
        _iechs_reason(
            i,
            criteria[k],
            ferritin.loc[i],
            shown.loc[i],
            met_day.loc[i],
            grade.loc[i],
            treated.loc[i],
            recorded.loc[i],
            lang,
        )
        for k, i in enumerate(infusion_ids)
    ]
    return pd.DataFrame(
        {
            "iechs_lab_criteria": criteria,
            "iechs_day": pd.array(met_day.to_numpy(), dtype="Int64"),
            "iechs_grade": pd.array(grade.to_numpy(), dtype="Int64"),
            "iechs_reason": pd.array(reasons, dtype="string"),
        },
        index=infusion_ids,
    )


def _iechs_reason(
    infusion: str,
    criteria: object,
    ferritin: float,
    shown: pd.Series,
    day: float,
    grade: float,
    treated: float,
    recorded: float,
    lang: str,
) -> str:
    if criteria is pd.NA:
        return tr(N_("IEC-HS not assessable: no ferritin after the infusion"), lang)
    found = ", ".join(
        tr(N_("{name} (day {day})"), lang).format(name=tr(NAMES[name], lang), day=int(d))
        for name, d in shown.dropna().items()
    )
    if not criteria:
        if np.isnan(ferritin):
            return tr(N_("IEC-HS criteria not met: ferritin never over 2x baseline or ULN"), lang)
        return tr(N_("IEC-HS criteria not met: ferritin doubled, but no manifestation in the labs"), lang)
    head = tr(
        N_(
            "IEC-HS laboratory criteria met on day {day}: ferritin over 2x baseline or ULN (day {ferritin}), {found}"
        ),
        lang,
    ).format(day=int(day), ferritin=int(ferritin), found=found)
    if grade == 5 or (not np.isnan(recorded) and recorded == grade):
        tail = tr(N_("grade {grade} as recorded"), lang).format(grade=int(grade))
    elif grade == 2:
        tail = tr(
            N_(
                "grade 2 at least: treated for it (day {day}); grades 3-4 need clinical data not in the dataset"
            ),
            lang,
        ).format(day=int(treated))
    else:
        tail = tr(
            N_(
                "grade 1 at least: no treatment for it recorded; grades 3-4 need clinical data not in the dataset"
            ),
            lang,
        )
    note = tr(N_("onset relative to CRS not judged from data"), lang)
    return f"{head}; {tail}; {note}"
