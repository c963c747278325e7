"""Each tocilizumab dose checked against the label and the pathway: dose, cap, spacing, counts, indication.

One function per rule, named after it, each returning a `Finding` or None (nothing to say). The label dose
comes from `iectox.management.dosing` (never restated here); the tolerance around it, the spacing and the
counts are pathway settings. A time known only to the day makes a spacing a range (see `times`): a rule is
then broken only when every possible time breaks it, and undetermined otherwise.
"""

from __future__ import annotations

import math

import pandas as pd

from iectox.management.delays import doses_in_episodes
from iectox.management.dosing import TOCILIZUMAB_CRS_MAX_DOSE_MG, tocilizumab_dose_mg
from iectox.management.findings import DEVIATION, INFO, WARNING, Finding, finding
from iectox.management.pathway import Pathway
from iectox.times import delay_bounds

EPSILON = 1e-9  # 616 mg against 560 mg +/-10 % is within, whatever binary floating point says


def _na(value: object) -> bool:
    """Missing in any of pandas' spellings (None, NaN, NA, NaT)."""
    return value is None or bool(pd.isna(value))


def tocilizumab_dose_check(
    dose_mg: float | None, weight_kg: float | None, tolerance: float
) -> Finding | None:
    """The dose against the label dose at this weight, within +/- `tolerance` (a fraction)."""
    if _na(dose_mg):
        return finding(INFO, "tocilizumab.dose", "Tocilizumab dose not recorded: not checked.")
    if _na(weight_kg):
        return finding(
            INFO,
            "tocilizumab.dose",
            "Body weight not recorded: the {dose} mg dose is not checked.",
            dose=float(dose_mg),
        )
    label = tocilizumab_dose_mg(float(weight_kg))
    if abs(dose_mg - label) <= tolerance * label * (1 + EPSILON):
        return None
    return finding(
        DEVIATION,
        "tocilizumab.dose",
        "Tocilizumab {dose} mg is {percent}% of the label dose ({label} mg at {weight} kg); "
        "tolerance +/-{tolerance}%.",
        dose=float(dose_mg),
        percent=round(100.0 * dose_mg / label, 1),
        label=round(label, 1),
        weight=float(weight_kg),
        tolerance=round(100.0 * tolerance, 1),
    )


def tocilizumab_max_dose_check(dose_mg: float | None) -> Finding | None:
    """No dose above the label's maximum per dose (800 mg), whatever the weight."""
    if _na(dose_mg) or dose_mg <= TOCILIZUMAB_CRS_MAX_DOSE_MG * (1 + EPSILON):
        return None
    return finding(
        DEVIATION,
        "tocilizumab.max_dose",
        "Tocilizumab {dose} mg is above the label maximum of {cap} mg per dose.",
        dose=float(dose_mg),
        cap=TOCILIZUMAB_CRS_MAX_DOSE_MG,
    )


def tocilizumab_interval_check(
    low_h: float | None, high_h: float | None, min_interval_h: float
) -> Finding | None:
    """Doses no sooner than `min_interval_h` apart; `low_h`/`high_h` bound the hours since the previous dose."""
    if _na(low_h):
        return None
    if high_h < min_interval_h:
        text = "Tocilizumab repeated after {hours} h; the label requires at least {minimum} h between doses."
        if low_h != high_h:
            text = "Tocilizumab repeated less than {hours} h after the previous dose; the label requires {minimum} h."
        return finding(
            DEVIATION,
            "tocilizumab.interval",
            text,
            hours=round(float(high_h), 1),
            minimum=float(min_interval_h),
        )
    if low_h >= min_interval_h:
        return None
    return finding(
        INFO,
        "tocilizumab.interval",
        "Time of day not recorded: the spacing from the previous dose (between {low} and {high} h) cannot be "
        "checked against {minimum} h.",
        low=round(max(float(low_h), 0.0), 1),
        high=round(float(high_h), 1),
        minimum=float(min_interval_h),
    )


def tocilizumab_doses_in_window_check(
    certain: int, possible: int, max_doses: int, window_h: float
) -> Finding | None:
    """At most `max_doses` doses in any `window_h` hours, counting this dose and those before it."""
    if certain > max_doses:
        return finding(
            DEVIATION,
            "tocilizumab.doses_in_window",
            "Dose {count} of tocilizumab within {window} h; the label allows at most {maximum}.",
            count=certain,
            window=float(window_h),
            maximum=max_doses,
        )
    if possible > max_doses:
        return finding(
            INFO,
            "tocilizumab.doses_in_window",
            "Times of day not recorded: up to {count} doses may fall within {window} h (label: at most {maximum}).",
            count=possible,
            window=float(window_h),
            maximum=max_doses,
        )
    return None


def tocilizumab_doses_per_episode_check(dose_number: int | None, max_doses: int) -> Finding | None:
    """At most `max_doses` doses for one CRS episode (labels: 4 in total)."""
    if _na(dose_number) or dose_number <= max_doses:
        return None
    return finding(
        DEVIATION,
        "tocilizumab.doses_per_episode",
        "Dose {number} of tocilizumab in this CRS episode; the label allows {maximum} in total.",
        number=int(dose_number),
        maximum=max_doses,
    )


def tocilizumab_indication_check(
    reason: str | None, crs_active: bool | None, icans_active: bool | None
) -> Finding | None:
    """Tocilizumab treats CRS: given for ICANS without concurrent CRS it departs from the pathway."""
    if reason == "prophylaxis" or crs_active is True or _na(crs_active):
        return None
    if reason == "ICANS" or icans_active is True:
        return finding(
            DEVIATION,
            "tocilizumab.icans_without_crs",
            "Tocilizumab given for ICANS without concurrent CRS; the pathway treats ICANS alone with "
            "corticosteroids.",
        )
    return finding(
        WARNING,
        "tocilizumab.no_crs_episode",
        "Tocilizumab recorded for {reason}, but no CRS episode covers this dose.",
        reason=reason or "-",
    )


def _active(
    doses: pd.DataFrame, episodes: pd.DataFrame, syndrome: str, status: pd.Series | None
) -> pd.Series:
    """Whether an episode of `syndrome` may be under way at each dose (NA when the record cannot tell)."""
    rows = episodes[episodes["syndrome"] == syndrome]
    inside = set(doses_in_episodes(rows, doses)["administration_id"])
    active = doses["administration_id"].isin(inside).astype("boolean")
    unknown = set(rows.loc[rows["onset_at"].isna(), "infusion_id"])
    if status is not None:
        unknown |= set(status[status.isin(["yes", "unknown"])].index) - set(rows["infusion_id"])
    unplaced = doses["given_at"].isna() | doses["infusion_id"].isin(unknown)  # a dose of unknown time too
    return active.mask(~active & unplaced, pd.NA)


def _spacing(doses: pd.DataFrame, window_h: float) -> pd.DataFrame:
    """Per timed dose: hours since the previous dose (bounds) and the doses within the window ending at it."""
    timed = doses.dropna(subset=["given_at"]).sort_values(["infusion_id", "given_at"])
    timed = timed.assign(order=timed.groupby("infusion_id").cumcount())
    pairs = timed.merge(timed, on="infusion_id", suffixes=("", "_before"))
    pairs = pairs[pairs["order_before"] <= pairs["order"]]
    low, high = delay_bounds(
        pairs["given_at_before"],
        pairs["given_at_time_known_before"],
        pairs["given_at"],
        pairs["given_at_time_known"],
    )
    pairs = pairs.assign(low=low, high=high)
    itself = pairs["order_before"] == pairs["order"]
    counts = pairs.assign(
        certain=itself | (pairs["high"] < window_h), possible=itself | (pairs["low"] < window_h)
    )
    counts = counts.groupby("administration_id")
    previous = pairs[pairs["order_before"] == pairs["order"] - 1].set_index("administration_id")
    out = pd.DataFrame(index=timed["administration_id"])
    out["since_previous_low_h"] = previous["low"].reindex(out.index)
    out["since_previous_high_h"] = previous["high"].reindex(out.index)
    out["doses_in_window"] = counts["certain"].sum().reindex(out.index).astype("Int64")
    out["doses_in_window_possible"] = counts["possible"].sum().reindex(out.index).astype("Int64")
    return out


def tocilizumab_doses(
    administrations: pd.DataFrame, infusions: pd.DataFrame, episodes: pd.DataFrame, pathway: Pathway
) -> tuple[pd.DataFrame, list[Finding]]:
    """Every tocilizumab dose with its checks, and the findings (located on dose, infusion and episode).

    `episodes` is `episodes.audit_episodes(...)`; the infusions give the weight, and their `crs_status` keeps
    a CRS stated without a recorded episode from being read as "no CRS".
    """
    infusions = infusions.set_index("infusion_id")
    doses = administrations[administrations["drug"] == "tocilizumab"].copy()
    doses["weight_kg"] = doses["infusion_id"].map(infusions["weight_kg"]).astype("float64")
    doses["crs_active"] = _active(doses, episodes, "CRS", infusions["crs_status"])
    doses["icans_active"] = _active(doses, episodes, "ICANS", None)
    crs = episodes[episodes["syndrome"] == "CRS"]
    treating = doses[doses["reason"] != "prophylaxis"]
    in_crs = (
        doses_in_episodes(crs, treating)
        .sort_values(["onset_at"])
        .drop_duplicates("administration_id", keep="last")
    )
    in_crs = in_crs.sort_values("given_at").assign(number=lambda f: f.groupby("episode_id").cumcount() + 1)
    doses["episode_id"] = doses["administration_id"].map(in_crs.set_index("administration_id")["episode_id"])
    doses["dose_number_in_episode"] = (
        doses["administration_id"].map(in_crs.set_index("administration_id")["number"]).astype("Int64")
    )
    doses = doses.join(_spacing(doses, pathway["tocilizumab.window_h"]), on="administration_id")
    label = doses["weight_kg"].map(lambda w: math.nan if _na(w) else tocilizumab_dose_mg(float(w)))
    doses["label_dose_mg"] = label
    doses["percent_of_label_dose"] = 100.0 * doses["dose_mg"] / label
    findings: list[Finding] = []
    for row in doses.itertuples(index=False):
        checks = [
            tocilizumab_dose_check(row.dose_mg, row.weight_kg, pathway["tocilizumab.dose_tolerance"]),
            tocilizumab_max_dose_check(row.dose_mg),
            tocilizumab_interval_check(
                row.since_previous_low_h, row.since_previous_high_h, pathway["tocilizumab.min_interval_h"]
            ),
            tocilizumab_doses_in_window_check(
                0 if _na(row.doses_in_window) else int(row.doses_in_window),
                0 if _na(row.doses_in_window_possible) else int(row.doses_in_window_possible),
                pathway["tocilizumab.max_doses_in_window"],
                pathway["tocilizumab.window_h"],
            ),
            tocilizumab_doses_per_episode_check(
                row.dose_number_in_episode, pathway["tocilizumab.max_doses_per_episode"]
            ),
            tocilizumab_indication_check(
                row.reason,
                None if _na(row.crs_active) else bool(row.crs_active),
                None if _na(row.icans_active) else bool(row.icans_active),
            ),
        ]
        if _na(row.given_at):
            checks.append(
                finding(
                    INFO,
                    "tocilizumab.interval",
                    "Time of the dose not recorded: spacing and counts not checked.",
                )
            )
        where = {
            "infusion_id": row.infusion_id,
            "episode_id": row.episode_id,
            "administration_id": row.administration_id,
        }
        findings += [c.at(**where) for c in checks if c is not None]
    return doses.reset_index(drop=True), findings


__all__ = [
    "tocilizumab_dose_check",
    "tocilizumab_doses",
    "tocilizumab_doses_in_window_check",
    "tocilizumab_doses_per_episode_check",
    "tocilizumab_indication_check",
    "tocilizumab_interval_check",
    "tocilizumab_max_dose_check",
]
