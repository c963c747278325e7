"""IEC-HS, the immune effector cell-associated HLH-like syndrome (Hines et al., Transplant Cell Ther
2023;29:438, ASTCT): its laboratory criteria, and its grade as far as a dataset shows it.

Criteria, as iectox reads them from the labs (canonical units):

- ferritin: "elevated ferritin (> 2x ULN or baseline [at time of infusion]) and/or rapidly rising": the highest
  ferritin after the infusion above twice the last ferritin up to day 0, or above twice the upper limit of
  normal (`FERRITIN_ULN`) when no baseline was measured;
- with at least one manifestation after the infusion: ALT or AST above 5x the upper limit of normal (5x the
  baseline when the baseline was already above it), fibrinogen under 1.5 g/L (150 mg/dL), LDH above the upper
  limit of normal, triglycerides above 2.99 mmol/L (265 mg/dL).

Not judged from data: the onset "with resolving/resolved CRS or worsening inflammatory response after initial
improvement with CRS-directed therapy", haemophagocytosis, organomegaly, bleeding; the reason says so.

Grade (Hines Table 3, CTCAE-like): 1 criteria met, no intervention; 2 intervention for IEC-HS (here: anakinra,
a corticosteroid or siltuximab given on or after the day the criteria are met, not as prophylaxis); 3 severe
(e.g. bleeding needing transfusion, hospitalisation) and 4 life-threatening are clinical and not derived; 5
death (a recorded IEC-HS episode that ended in death). A recorded IEC-HS episode graded on the ASTCT 2023 scale
gives its grade when higher. Otherwise the grade is a lower bound, and said to be one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from iectox.grading.templates import fill, join
from iectox.i18n import N_, tr
from iectox.schema.vocabularies import CORTICOSTEROIDS

SOURCE = "Hines et al., Transplant Cell Ther 2023;29:438 (ASTCT IEC-HS)"
# Upper limits of normal of an adult laboratory (they vary by laboratory; used when no baseline decides).
FERRITIN_ULN = 400.0  # µg/L
TRANSAMINASE_ULN = 40.0  # U/L
LDH_ULN = 250.0  # U/L
FIBRINOGEN_LOW = 1.5  # g/L = 150 mg/dL
TRIGLYCERIDES_HIGH = 2.99  # mmol/L = 265 mg/dL
TREATMENTS = ("anakinra", "siltuximab", *CORTICOSTEROIDS)


def _first_day(days: pd.DataFrame, analyte: str, above: pd.Series | float, lower: bool = False) -> pd.Series:
    """Per infusion, the first day after the infusion (day >= 1) where `analyte` crosses its limit."""
    rows = days[(days["analyte"] == analyte) & (days["day"] >= 1)]
    limit = rows["infusion_id"].map(above) if isinstance(above, pd.Series) else above
    crossed = rows["value"] < limit if lower else rows["value"] > limit
    return rows[crossed.fillna(False).to_numpy()].groupby("infusion_id")["day"].min()


def _baseline(days: pd.DataFrame, analyte: str) -> pd.Series:
    rows = days[(days["analyte"] == analyte) & (days["day"] <= 0)]
    return rows.groupby("infusion_id")["value"].last()


def iechs(
    days: pd.DataFrame,
    infusion_ids: pd.Index,
    administrations: pd.DataFrame,
    infusions: pd.DataFrame,
    episodes: pd.DataFrame,
    lang: str = "en",
) -> pd.DataFrame:
    """Per infusion: whether the IEC-HS laboratory criteria are met (NA without a ferritin after infusion), the
    day they are first met, the grade (NA when not met) and the reason."""
    days = days[days["analyte"].isin(("ferritin", *NAMES))]  # each analyte is then found among these only
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
    reasons = _reasons(criteria, ferritin, shown, met_day, grade, treated, recorded, lang)
    return pd.DataFrame(
        {
            "iechs_lab_criteria": criteria,
            "iechs_day": pd.array(met_day.to_numpy(), dtype="Int64"),
            "iechs_grade": pd.array(grade.to_numpy(), dtype="Int64"),
            "iechs_reason": pd.array(reasons, dtype="string"),
        },
        index=infusion_ids,
    )


def _treatment_days(administrations: pd.DataFrame, infusions: pd.DataFrame) -> pd.Series:
    doses = administrations[
        administrations["drug"].isin(TREATMENTS) & (administrations["reason"] != "prophylaxis")
    ]
    infused = doses["infusion_id"].map(
        infusions.drop_duplicates("infusion_id").set_index("infusion_id")["infusion_date"]
    )
    day = (doses["given_at"].dt.normalize() - infused.dt.normalize()).dt.days
    return day.groupby(doses["infusion_id"]).max()


def _recorded(episodes: pd.DataFrame) -> pd.Series:
    """The highest grade of recorded IEC-HS episodes on the ASTCT 2023 scale; 5 for one that ended in death."""
    rows = episodes[episodes["syndrome"] == "IEC-HS"]
    grade = rows["max_grade"].where(rows["grading_scale"] == "ASTCT2023").astype(float)
    grade = grade.where(rows["outcome"] != "death", 5.0)
    return grade.groupby(rows["infusion_id"]).max()


NAMES = {
    "ALT": N_("ALT"),
    "AST": N_("AST"),
    "fibrinogen": N_("fibrinogen"),
    "LDH": N_("LDH"),
    "triglycerides": N_("triglycerides"),
}


def _reasons(
    criteria: pd.arrays.BooleanArray,
    ferritin: pd.Series,
    shown: pd.DataFrame,
    day: pd.Series,
    grade: pd.Series,
    treated: pd.Series,
    recorded: pd.Series,
    lang: str,
) -> np.ndarray:
    """The reason of each infusion: what was assessed, which criteria were met on which day, and the grade."""
    n = len(shown)
    found = join(
        [
            fill(tr(N_("{name} (day {day})"), lang), n, name=tr(NAMES[name], lang), day=_days(shown[name]))
            for name in shown.columns
        ],
        [shown[name].notna().to_numpy() for name in shown.columns],
        ", ",
    )
    met_text = N_(
        "IEC-HS laboratory criteria met on day {day}: ferritin over 2x baseline or ULN (day {ferritin}), {found}"
    )
    head = fill(
        tr(met_text, lang),
        n,
        day=_days(day),
        ferritin=_days(ferritin),
        found=found,
    )
    grades, recorded_grades = grade.to_numpy(dtype=float), recorded.to_numpy(dtype=float)
    treated_text = N_(
        "grade 2 at least: treated for it (day {day}); grades 3-4 need clinical data not in the dataset"
    )
    untreated_text = N_(
        "grade 1 at least: no treatment for it recorded; grades 3-4 need clinical data not in the dataset"
    )
    tail = np.select(
        [(grades == 5) | (recorded_grades == grades), grades == 2],
        [
            fill(tr(N_("grade {grade} as recorded"), lang), n, grade=_days(grade)),
            fill(tr(treated_text, lang), n, day=_days(treated)),
        ],
        tr(untreated_text, lang),
    )
    met = head + "; " + tail + "; " + tr(N_("onset relative to CRS not judged from data"), lang)
    assessed = ~criteria.isna()
    return np.select(
        [~assessed, criteria.fillna(True).to_numpy(dtype=bool), ferritin.isna().to_numpy()],
        [
            np.full(n, tr(N_("IEC-HS not assessable: no ferritin after the infusion"), lang), dtype=object),
            met,
            np.full(
                n,
                tr(N_("IEC-HS criteria not met: ferritin never over 2x baseline or ULN"), lang),
                dtype=object,
            ),
        ],
        tr(N_("IEC-HS criteria not met: ferritin doubled, but no manifestation in the labs"), lang),
    )


def _days(values: pd.Series) -> np.ndarray:
    """Whole days (or grades) as integers, 0 where unknown (those rows are not shown)."""
    return values.fillna(0).to_numpy(dtype=float).astype(np.int64)
