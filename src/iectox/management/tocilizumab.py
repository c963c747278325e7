"""Each tocilizumab dose checked against the label and the pathway: dose, cap, spacing, counts, indication.

`tocilizumab_doses` computes, once, every dose with its weight, label dose, spacing and counts; each check is
then one `Rule` whose `evaluate` selects with masks the doses it has something to say about. The label dose
comes from `iectox.management.dosing` (never restated here); the tolerance around it, the spacing and the
counts are pathway settings. A time known only to the day makes a spacing a range (see `times`): a rule is
then broken only when every possible time breaks it, and undetermined otherwise. Tocilizumab given for ICANS
alone is `icans_rules.ICANS_WITHOUT_CRS`, one rule with the episode check.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from iectox.i18n import N_
from iectox.management.delays import doses_in_episodes
from iectox.management.dosing import TOCILIZUMAB_CRS_MAX_DOSE_MG, tocilizumab_dose_mg
from iectox.management.evidence import DOSE, Evidence, Verdicts, emit
from iectox.management.findings import DEVIATION, INFO, WARNING
from iectox.management.icans_rules import given_for_icans_alone
from iectox.management.pathway import Pathway
from iectox.rules import Rule
from iectox.schema.contract import BSAB_DOSE_COLUMNS
from iectox.times import delay_bounds

EPSILON = 1e-9  # 616 mg against 560 mg +/-10 % is within, whatever binary floating point says


LABEL_DOSE_SOURCE = N_(
    "Tocilizumab labels (RoActemra SmPC 4.2, Actemra USPI), CRS: 8 mg/kg from 30 kg, 12 mg/kg below 30 kg, "
    "at most 800 mg per dose (iectox.management.dosing)"
)
DATA_SOURCE = N_("dataset contract (docs/data_dictionary.md)")


def _active(
    doses: pd.DataFrame, episodes: pd.DataFrame, syndrome: str, status: pd.Series | None
) -> pd.Series:
    """Whether an episode of `syndrome` may be under way at each dose (NA when the record cannot tell)."""
    rows = episodes[episodes["syndrome"] == syndrome]
    inside = doses_in_episodes(rows, doses)["administration_id"]
    active = doses["administration_id"].isin(inside).astype("boolean")
    unknown = rows.loc[rows["onset_at"].isna(), "infusion_id"]  # an episode of unknown onset
    unplaced = doses["given_at"].isna() | doses["infusion_id"].isin(unknown)  # a dose of unknown time too
    if status is not None:  # stated yes or unknown, but no episode recorded
        stated = status.index[status.isin(["yes", "unknown"]).to_numpy(dtype=bool)]
        unplaced |= doses["infusion_id"].isin(stated[~stated.isin(rows["infusion_id"])])
    return active.mask(~active & unplaced, pd.NA)


def _spacing(doses: pd.DataFrame, window_h: float) -> pd.DataFrame:
    """Per timed dose: hours since the previous dose (bounds) and the doses within the window ending at it.

    Each dose is paired with the doses of its infusion given at or before it (a few per infusion): only the
    columns the bounds need are paired, and the pairs are counted per dose by position."""
    columns = ["infusion_id", "given_at", "given_at_time_known"]
    timed = doses.loc[doses["given_at"].notna(), ["administration_id", *columns]]
    timed = timed.sort_values(["infusion_id", "given_at"])
    timed = timed.assign(order=timed.groupby("infusion_id").cumcount(), row=np.arange(len(timed)))
    pairs = timed[[*columns, "order", "row"]].merge(
        timed[[*columns, "order"]], on="infusion_id", suffixes=("", "_before")
    )
    pairs = pairs[pairs["order_before"] <= pairs["order"]]
    low, high = delay_bounds(
        pairs["given_at_before"],
        pairs["given_at_time_known_before"],
        pairs["given_at"],
        pairs["given_at_time_known"],
    )
    itself = (pairs["order_before"] == pairs["order"]).to_numpy()
    row = pairs["row"].to_numpy()

    def per_dose(within: pd.Series) -> np.ndarray:
        counted = itself | within.fillna(False).to_numpy(dtype=bool)
        return np.bincount(row, weights=counted, minlength=len(timed)).astype(np.int64)

    previous = (pairs["order_before"] == pairs["order"] - 1).to_numpy()
    since_low = np.full(len(timed), np.nan)
    since_high = np.full(len(timed), np.nan)
    since_low[row[previous]] = low.to_numpy(dtype=float, na_value=np.nan)[previous]
    since_high[row[previous]] = high.to_numpy(dtype=float, na_value=np.nan)[previous]
    return pd.DataFrame(
        {
            "since_previous_low_h": pd.array(since_low, dtype="Float64"),
            "since_previous_high_h": pd.array(since_high, dtype="Float64"),
            "doses_in_window": pd.array(per_dose(high < window_h), dtype="Int64"),
            "doses_in_window_possible": pd.array(per_dose(low < window_h), dtype="Int64"),
        },
        index=pd.Index(timed["administration_id"], name="administration_id"),
    )


def tocilizumab_doses(
    administrations: pd.DataFrame, infusions: pd.DataFrame, episodes: pd.DataFrame, pathway: Pathway
) -> pd.DataFrame:
    """Every tocilizumab dose with what its checks read: weight, label dose, CRS/ICANS under way, spacing.

    `episodes` is `episodes.audit_episodes(...)`; the infusions give the weight, and their `crs_status` keeps
    a CRS stated without a recorded episode from being read as "no CRS".
    """
    infusions = infusions.set_index("infusion_id")
    doses = administrations[administrations["drug"] == "tocilizumab"].drop(
        columns=list(BSAB_DOSE_COLUMNS), errors="ignore"
    )
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
    doses = doses.join(_spacing(doses, pathway.tocilizumab.window_h.value), on="administration_id")
    weight = doses["weight_kg"]
    label = pd.Series(tocilizumab_dose_mg(weight.to_numpy(dtype="float64")), index=doses.index)
    doses["label_dose_mg"] = label
    doses["percent_of_label_dose"] = 100.0 * doses["dose_mg"] / label
    return doses.reset_index(drop=True)


NOT_RECORDED_TEXT = N_("Tocilizumab dose not recorded: not checked.")
NO_WEIGHT_TEXT = N_("Body weight not recorded: the {dose} mg dose is not checked.")
DOSE_TEXT = N_(
    "Tocilizumab {dose} mg is {percent}% of the label dose ({label} mg at {weight} kg); tolerance +/-{tolerance}%."
)


def tocilizumab_dose(evidence: Evidence) -> Verdicts:
    """The dose against the label dose at this weight, within +/- the pathway's tolerance (a fraction)."""
    doses, tolerance = evidence.doses, evidence.pathway.tocilizumab.dose_tolerance.value
    dose, weight, label = doses["dose_mg"].astype("float64"), doses["weight_kg"], doses["label_dose_mg"]
    outside = (dose - label).abs() > tolerance * label * (1 + EPSILON)
    return Verdicts(
        [
            *emit(doses, dose.isna(), INFO, NOT_RECORDED_TEXT, at=DOSE),
            *emit(doses, dose.notna() & weight.isna(), INFO, NO_WEIGHT_TEXT, at=DOSE, dose=dose),
            *emit(
                doses,
                dose.notna() & weight.notna() & outside,
                DEVIATION,
                DOSE_TEXT,
                at=DOSE,
                dose=dose,
                percent=(100.0 * dose / label).round(1),
                label=label.round(1),
                weight=weight,
                tolerance=round(100.0 * tolerance, 1),
            ),
        ]
    )


MAX_DOSE_TEXT = N_("Tocilizumab {dose} mg is above the label maximum of {cap} mg per dose.")


def tocilizumab_max_dose(evidence: Evidence) -> Verdicts:
    """No dose above the label's maximum per dose (800 mg), whatever the weight."""
    doses = evidence.doses
    dose = doses["dose_mg"].astype("float64")
    above = dose > TOCILIZUMAB_CRS_MAX_DOSE_MG * (1 + EPSILON)
    return Verdicts(
        emit(doses, above, DEVIATION, MAX_DOSE_TEXT, at=DOSE, dose=dose, cap=TOCILIZUMAB_CRS_MAX_DOSE_MG)
    )


TOO_SOON_TEXT = N_(
    "Tocilizumab repeated after {hours} h; the label requires at least {minimum} h between doses."
)
TOO_SOON_RANGE_TEXT = N_(
    "Tocilizumab repeated less than {hours} h after the previous dose; the label requires {minimum} h."
)
SPACING_OPEN_TEXT = N_(
    "Time of day not recorded: the spacing from the previous dose (between {low} and {high} h) cannot be "
    "checked against {minimum} h."
)
UNTIMED_TEXT = N_("Time of the dose not recorded: spacing and counts not checked.")


def tocilizumab_interval(evidence: Evidence) -> Verdicts:
    """Doses no sooner than the pathway's minimum interval apart (bounds when a time is known to the day)."""
    doses, minimum = evidence.doses, evidence.pathway.tocilizumab.min_interval_h.value
    low = doses["since_previous_low_h"].astype("Float64")
    high = doses["since_previous_high_h"].astype("Float64")
    spaced = low.notna()
    soon = (spaced & high.lt(minimum)).fillna(False)
    exact = low.eq(high).fillna(False)
    unsure = (spaced & ~soon & low.lt(minimum)).fillna(False)
    common = {"at": DOSE, "minimum": float(minimum)}
    return Verdicts(
        [
            *emit(doses, soon & exact, DEVIATION, TOO_SOON_TEXT, hours=high.round(1), **common),
            *emit(doses, soon & ~exact, DEVIATION, TOO_SOON_RANGE_TEXT, hours=high.round(1), **common),
            *emit(
                doses,
                unsure,
                INFO,
                SPACING_OPEN_TEXT,
                low=low.clip(lower=0.0).round(1),
                high=high.round(1),
                **common,
            ),
            *emit(doses, doses["given_at"].isna(), INFO, UNTIMED_TEXT, at=DOSE),
        ]
    )


IN_WINDOW_TEXT = N_("Dose {count} of tocilizumab within {window} h; the pathway allows at most {maximum}.")
IN_WINDOW_OPEN_TEXT = N_(
    "Times of day not recorded: up to {count} doses may fall within {window} h (pathway: at most {maximum})."
)


def tocilizumab_doses_in_window(evidence: Evidence) -> Verdicts:
    """At most N doses in any window of hours (both settings), counting each dose and those before it."""
    doses, settings = evidence.doses, evidence.pathway.tocilizumab
    maximum, window = settings.max_doses_in_window.value, float(settings.window_h.value)
    certain = doses["doses_in_window"].astype("Int64").fillna(0)
    possible = doses["doses_in_window_possible"].astype("Int64").fillna(0)
    over = certain.gt(maximum)
    common = {"at": DOSE, "window": window, "maximum": maximum}
    return Verdicts(
        [
            *emit(doses, over, DEVIATION, IN_WINDOW_TEXT, count=certain, **common),
            *emit(doses, ~over & possible.gt(maximum), INFO, IN_WINDOW_OPEN_TEXT, count=possible, **common),
        ]
    )


PER_EPISODE_TEXT = N_(
    "Dose {number} of tocilizumab in this CRS episode; the label allows {maximum} in total."
)


def tocilizumab_doses_per_episode(evidence: Evidence) -> Verdicts:
    """At most N doses for one CRS episode (tocilizumab label: "up to 3 additional doses", 4 in total)."""
    doses, maximum = evidence.doses, evidence.pathway.tocilizumab.max_doses_per_episode.value
    number = doses["dose_number_in_episode"].astype("Int64")
    return Verdicts(
        emit(
            doses,
            number.gt(maximum).fillna(False),
            DEVIATION,
            PER_EPISODE_TEXT,
            at=DOSE,
            number=number,
            maximum=maximum,
        )
    )


NO_CRS_EPISODE_TEXT = N_("Tocilizumab recorded for {reason}, but no CRS episode covers this dose.")


def tocilizumab_no_crs_episode(evidence: Evidence) -> Verdicts:
    """Tocilizumab treats CRS: a treating dose no CRS episode covers, not given for ICANS, needs a look."""
    doses = evidence.doses
    treating = doses["reason"].ne("prophylaxis").fillna(True)
    no_crs = doses["crs_active"].eq(False).fillna(False)
    uncovered = treating & no_crs & ~given_for_icans_alone(doses)
    reason = doses["reason"].astype("object").where(doses["reason"].notna() & doses["reason"].ne(""), "-")
    return Verdicts(emit(doses, uncovered, WARNING, NO_CRS_EPISODE_TEXT, at=DOSE, reason=reason))


TOCILIZUMAB_DOSE = Rule(
    id="tocilizumab.dose",
    severity="deviation",
    source=LABEL_DOSE_SOURCE,
    message=DOSE_TEXT,
    columns=("administrations.dose_mg", "infusions.weight_kg"),
    settings=("tocilizumab.dose_tolerance",),
    evaluate=tocilizumab_dose,
)
TOCILIZUMAB_MAX_DOSE = Rule(
    id="tocilizumab.max_dose",
    severity="deviation",
    source=LABEL_DOSE_SOURCE,
    message=MAX_DOSE_TEXT,
    columns=("administrations.dose_mg",),
    evaluate=tocilizumab_max_dose,
)
TOCILIZUMAB_INTERVAL = Rule(
    id="tocilizumab.interval",
    severity="deviation",
    source=N_("Tocilizumab labels (RoActemra SmPC 4.2, Actemra USPI, CRS): spacing between doses"),
    message=TOO_SOON_TEXT,
    columns=("administrations.given_at", "administrations.given_at_time_known"),
    settings=("tocilizumab.min_interval_h",),
    evaluate=tocilizumab_interval,
)
TOCILIZUMAB_DOSES_IN_WINDOW = Rule(
    id="tocilizumab.doses_in_window",
    severity="deviation",
    source=N_(
        "docs/sources.md, Tocilizumab for CRS: doses in 24 h (CAR-T product information and ASCO 2021, "
        "not the tocilizumab label)"
    ),
    message=IN_WINDOW_TEXT,
    columns=("administrations.given_at", "administrations.given_at_time_known"),
    settings=("tocilizumab.max_doses_in_window", "tocilizumab.window_h"),
    evaluate=tocilizumab_doses_in_window,
)
TOCILIZUMAB_DOSES_PER_EPISODE = Rule(
    id="tocilizumab.doses_per_episode",
    severity="deviation",
    source=N_(
        "docs/sources.md, Tocilizumab for CRS: tocilizumab labels (RoActemra SmPC, Actemra USPI), "
        "up to 3 additional doses"
    ),
    message=PER_EPISODE_TEXT,
    columns=("administrations.given_at", "toxicity_episodes.onset_at", "toxicity_episodes.resolved_at"),
    settings=("tocilizumab.max_doses_per_episode",),
    evaluate=tocilizumab_doses_per_episode,
)
TOCILIZUMAB_NO_CRS_EPISODE = Rule(
    id="tocilizumab.no_crs_episode",
    severity="warning",
    source=DATA_SOURCE,
    message=NO_CRS_EPISODE_TEXT,
    columns=("administrations.reason", "toxicity_episodes.onset_at", "infusions.crs_status"),
    evaluate=tocilizumab_no_crs_episode,
)
TOCILIZUMAB_RULES = (
    TOCILIZUMAB_DOSE,
    TOCILIZUMAB_MAX_DOSE,
    TOCILIZUMAB_INTERVAL,
    TOCILIZUMAB_DOSES_IN_WINDOW,
    TOCILIZUMAB_DOSES_PER_EPISODE,
    TOCILIZUMAB_NO_CRS_EPISODE,
)

__all__ = [
    "LABEL_DOSE_SOURCE",
    "TOCILIZUMAB_DOSE",
    "TOCILIZUMAB_DOSES_IN_WINDOW",
    "TOCILIZUMAB_DOSES_PER_EPISODE",
    "TOCILIZUMAB_INTERVAL",
    "TOCILIZUMAB_MAX_DOSE",
    "TOCILIZUMAB_NO_CRS_EPISODE",
    "TOCILIZUMAB_RULES",
    "tocilizumab_doses",
]
