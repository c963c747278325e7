"""Recorded grades against computed ones, and the concordance of two grading scales.

Grades given on different scales are never pooled (clinical_rules.md: Pennisi et al., Blood Adv 2020;4:676
found the same CRS grade in every system in only 25 % of patients). A recorded grade is compared with the
computed ASTCT 2019 grade only when it was itself recorded on ASTCT 2019; any other scale is kept, named, and
marked "other scale, not compared". Comparing two scales on the same infusions is `concordance`'s job.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from iectox.dataset import Dataset
from iectox.grading.episodes import EPISODE_SPAN
from iectox.grading.inputs import GradingInputError
from iectox.schema.vocabularies import GRADING_SCALE

ASTCT = "ASTCT2019"
AGREES, DISAGREES, OTHER_SCALE = "yes", "no", "other scale, not compared"
STATUS_COLUMN = {"CRS": "crs_status", "ICANS": "icans_status"}
AGREEMENT_COLUMNS = (
    *EPISODE_SPAN,
    "recorded_max_grade",
    "recorded_scale",
    "agrees",
)
KEY = ["infusion_id", "syndrome"]


def _recorded(dataset: Dataset, syndromes: tuple[str, ...]) -> pd.DataFrame:
    """Per infusion, syndrome and scale: the highest recorded grade (blank if any episode is ungraded) and
    whether an episode ended in death."""
    episodes = dataset["toxicity_episodes"]
    episodes = episodes[episodes["syndrome"].isin(syndromes).fillna(False)]
    episodes = episodes.assign(death=(episodes["outcome"] == "death").fillna(False).astype(bool))
    grouped = episodes.groupby([*KEY, "grading_scale"], sort=True)
    complete = grouped["max_grade"].count() == grouped.size()
    recorded = pd.DataFrame(
        {"recorded_max_grade": grouped["max_grade"].max().where(complete), "death": grouped["death"].any()}
    )
    recorded = recorded.rename_axis([*KEY, "recorded_scale"]).reset_index()
    return recorded.astype({"recorded_max_grade": "Int64", "death": bool})


def _recorded_absent(dataset: Dataset, syndrome: str) -> pd.Series:
    """Infusion ids whose record says the syndrome did not occur: status 'no', or a blank status (derived
    from the episodes) and no episode of the syndrome on any scale."""
    infusions = dataset["infusions"]
    if syndrome in STATUS_COLUMN:
        status = infusions[STATUS_COLUMN[syndrome]]
    else:
        status = pd.Series(pd.NA, index=infusions.index, dtype="string")
    episodes = dataset["toxicity_episodes"]
    with_episode = infusions["infusion_id"].isin(
        episodes.loc[episodes["syndrome"] == syndrome, "infusion_id"]
    )
    absent = (status == "no").fillna(False) | (status.isna() & ~with_episode)
    return infusions.loc[absent.astype(bool), "infusion_id"]


def agreement(dataset: Dataset, graded_episodes: pd.DataFrame) -> pd.DataFrame:
    """Each recorded CRS/ICANS grade beside the computed episode of the same infusion (`AGREEMENT_COLUMNS`).

    One row per infusion, syndrome and recorded scale, plus one per computed episode with nothing recorded.
    `max_grade` is computed; it becomes 5 only when the observations show the syndrome (grade >= 1) and the
    record attributes a death to it (recorded grade 5, outcome death): grade 5 is death *from* the syndrome,
    and a patient who died of an infection during a grade 2 CRS still had a grade 2 CRS. An infusion recorded
    without the syndrome counts as recorded grade 0 (no scale needed for "none"). `agrees` is "yes"/"no" for
    ASTCT 2019 grades, "other scale, not compared" for any other scale, and blank when either grade is missing.
    """
    syndromes = tuple(graded_episodes["syndrome"].dropna().unique()) or tuple(STATUS_COLUMN)
    computed = graded_episodes[[c for c in AGREEMENT_COLUMNS if c in graded_episodes]]
    recorded = _recorded(dataset, tuple(STATUS_COLUMN))
    merged = computed.merge(recorded, on=KEY, how="outer")
    absent = pd.concat(
        [pd.DataFrame({"infusion_id": _recorded_absent(dataset, s), "syndrome": s}) for s in syndromes]
    )
    is_absent = pd.MultiIndex.from_frame(merged[KEY].astype(object)).isin(
        pd.MultiIndex.from_frame(absent[KEY].astype(object))
    )
    nothing_recorded = merged["recorded_scale"].isna().to_numpy()
    merged.loc[nothing_recorded & is_absent, "recorded_max_grade"] = 0
    died = merged[KEY].merge(
        recorded.loc[recorded["death"], KEY].drop_duplicates(), how="left", indicator=True
    )
    fatal = (
        (died["_merge"] == "both").to_numpy()
        & (merged["recorded_max_grade"] == 5).fillna(False).to_numpy()
        & (merged["max_grade"] >= 1).fillna(False).to_numpy()
    )
    merged.loc[fatal, "max_grade"] = 5
    other = (merged["recorded_scale"] != ASTCT).fillna(False).to_numpy()
    compared = (
        ~other & merged["max_grade"].notna().to_numpy() & merged["recorded_max_grade"].notna().to_numpy()
    )
    same = (merged["max_grade"] == merged["recorded_max_grade"]).fillna(False).to_numpy()
    agrees = np.select([other, compared & same, compared], [OTHER_SCALE, AGREES, DISAGREES], default=None)
    merged["agrees"] = pd.array(agrees, dtype="string")
    merged = merged.sort_values([*KEY, "recorded_scale"], kind="stable", na_position="first")
    for name in ("onset_at", "resolved_at"):
        if name not in merged:
            merged[name] = pd.Series(pd.NaT, index=merged.index, dtype="datetime64[ns]")
            merged[f"{name}_time_known"] = pd.Series(pd.NA, index=merged.index, dtype="boolean")
    merged = merged.astype(
        {"infusion_id": "string", "syndrome": "string", "recorded_scale": "string", "max_grade": "Int64"}
    )
    return merged[list(AGREEMENT_COLUMNS)].reset_index(drop=True)


def infusion_grades(dataset: Dataset, syndrome: str, scale: str) -> pd.Series:
    """Highest recorded grade of each infusion on one scale (Int64, indexed by infusion_id): 0 when the record
    says the syndrome did not occur, blank when it is unknown on that scale."""
    if scale not in GRADING_SCALE.codes:
        raise GradingInputError(f"{scale!r} is not a grading scale (known: {', '.join(GRADING_SCALE.codes)})")
    ids = dataset["infusions"]["infusion_id"]
    recorded = _recorded(dataset, (syndrome,))
    on_scale = recorded[recorded["recorded_scale"] == scale].set_index("infusion_id")["recorded_max_grade"]
    grades = pd.Series(pd.NA, index=pd.Index(ids, name="infusion_id"), dtype="Int64")
    grades[grades.index.isin(_recorded_absent(dataset, syndrome))] = 0
    grades.loc[on_scale.index.intersection(grades.index)] = on_scale
    return grades


def concordance(
    dataset: Dataset, syndrome: str = "CRS", rows: str = "Lee2014", columns: str = "ASTCT2019"
) -> pd.DataFrame:
    """Cross-tabulation of the maximum grade of the same infusions on two scales, with totals.

    Rows and columns run from 0 to the highest grade seen on either scale; infusions whose grade is unknown on
    either scale are left out. `attrs` holds `n` (infusions counted) and `same_grade` (share with the same grade
    on both scales, also given by `same_grade_share`).
    """
    first, second = infusion_grades(dataset, syndrome, rows), infusion_grades(dataset, syndrome, columns)
    both = (first.notna() & second.notna()).to_numpy()
    r = first.to_numpy(dtype=np.int64, na_value=0)[both]
    c = second.to_numpy(dtype=np.int64, na_value=0)[both]
    top = int(max(r.max(initial=0), c.max(initial=0)))
    counts = np.zeros((top + 1, top + 1), dtype=np.int64)
    np.add.at(counts, (r, c), 1)
    table = pd.DataFrame(
        counts, index=pd.Index(range(top + 1), name=rows), columns=pd.Index(range(top + 1), name=columns)
    )
    table["total"] = table.sum(axis=1)
    table.loc["total"] = table.sum(axis=0)
    table.attrs.update(syndrome=syndrome, n=int(both.sum()), same_grade=same_grade_share(table))
    return table


def same_grade_share(table: pd.DataFrame) -> float:
    """Share of infusions on the diagonal of a `concordance` table (NaN when it counts none)."""
    grades = table.drop(index="total", columns="total")
    n = int(table.loc["total", "total"])
    return float(np.trace(grades.to_numpy())) / n if n else float("nan")
