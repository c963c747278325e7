"""What a dataset says of each infusion and syndrome, once, before any form's field is filled.

Registry forms ask per infusion (one CAR-T infusion, one follow-up form): did CRS occur, when did it start and
end, how bad did it get, what was given for it. iectox holds episodes (several per infusion possible, each with
its scale), doses and observations; `syndrome_facts` gathers them per infusion and syndrome, and `computed`
grades the observations (ASTCT 2019, `iectox.grading`) and sets them beside the recorded grades, so that every
rule of `iectox.crosswalk.fill` reads the same facts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from iectox.dataset import Dataset, time_known_column
from iectox.grading import DISAGREES, agreement, episodes_from_grades, grade_dataset
from iectox.grading.agreement import STATUS_COLUMN


def computed(dataset: Dataset) -> pd.DataFrame:
    """The recorded CRS/ICANS grades beside those computed from the observations (`iectox.grading.agreement`:
    without observations, every computed grade is blank)."""
    return agreement(dataset, episodes_from_grades(grade_dataset(dataset)))


def _first_rows(episodes: pd.DataFrame, column: str, ascending: bool) -> pd.DataFrame:
    """Per infusion, the episode with the earliest (or latest) `column`, and whether its hour is known."""
    rows = episodes[episodes[column].notna()].sort_values(column, ascending=ascending, kind="stable")
    first = rows.drop_duplicates("infusion_id").set_index("infusion_id")
    known = first[time_known_column(column)].astype("boolean").fillna(False).astype(bool)
    return pd.DataFrame({column: first[column], f"{column}_known": known})


def syndrome_facts(dataset: Dataset, syndrome: str, grades: pd.DataFrame) -> pd.DataFrame:
    """One row per infusion (indexed by infusion_id, in the dataset's order) with, for `syndrome`:

    patient_id; occurred (yes when the status is yes or an episode is recorded, no when the status is no or
    blank without an episode, unknown when the status is unknown); episodes (how many); onset_at and
    onset_at_known (earliest onset, whether its hour is known); resolved (yes when every episode resolved,
    no when one is ongoing or ended in death, else unknown); resolved_at and resolved_at_known (latest
    resolution); resolution_missing (an episode resolved without its date); computed_grade (ASTCT 2019 from
    the observations); recorded_astct (the recorded ASTCT 2019 grade, 0 when the record says
    the syndrome did not occur, that the computed grade contradicts).
    """
    infusions = dataset["infusions"].drop_duplicates("infusion_id").set_index("infusion_id")
    episodes = dataset["toxicity_episodes"]
    episodes = episodes[(episodes["syndrome"] == syndrome).fillna(False).to_numpy()]
    by_infusion = episodes.groupby("infusion_id", sort=False)
    count = by_infusion.size().reindex(infusions.index, fill_value=0)
    status = infusions[STATUS_COLUMN[syndrome]].astype("string")
    occurred = np.select(
        [
            (status == "unknown").fillna(False).to_numpy(bool),
            ((status == "yes").fillna(False) | (count > 0)).to_numpy(bool),
        ],
        ["unknown", "yes"],
        default="no",
    ).astype(object)
    outcome = episodes["outcome"].astype("string")
    all_resolved = (outcome == "resolved").groupby(episodes["infusion_id"]).all()
    not_over = outcome.isin(["ongoing", "death"]).groupby(episodes["infusion_id"]).any()
    resolved = pd.Series("unknown", index=infusions.index, dtype="object")
    resolved[all_resolved[all_resolved].index] = "yes"
    resolved[not_over[not_over].index] = "no"
    missing = (
        (episodes["resolved_at"].isna() & (outcome == "resolved")).groupby(episodes["infusion_id"]).any()
    )
    facts = pd.DataFrame(
        {
            "patient_id": infusions["patient_id"],
            "occurred": occurred,
            "episodes": count,
            "resolved": resolved.where(count > 0),
            "resolution_missing": missing.reindex(infusions.index, fill_value=False).astype(bool),
        },
        index=infusions.index,
    )
    facts = facts.join(_first_rows(episodes, "onset_at", True)).join(
        _first_rows(episodes, "resolved_at", False)
    )
    for name in ("onset_at_known", "resolved_at_known"):
        facts[name] = facts[name].astype("boolean").fillna(False).astype(bool)
    mine = grades[(grades["syndrome"] == syndrome).fillna(False).to_numpy()]
    facts["computed_grade"] = mine.drop_duplicates("infusion_id").set_index("infusion_id")["max_grade"]
    against = mine[(mine["agrees"] == DISAGREES).fillna(False).to_numpy()].set_index("infusion_id")
    facts["recorded_astct"] = against["recorded_max_grade"].astype("Int64")
    facts["computed_grade"] = facts["computed_grade"].astype("Int64")
    return facts


def drugs_given(dataset: Dataset, syndrome: str) -> pd.DataFrame:
    """The doses given for `syndrome` (`reason`): infusion_id and drug."""
    doses = dataset["administrations"]
    return doses.loc[(doses["reason"] == syndrome).fillna(False).to_numpy(), ["infusion_id", "drug"]]


def recorded_grades(dataset: Dataset, syndrome: str) -> pd.DataFrame:
    """The graded episodes of `syndrome`: infusion_id, grading_scale and max_grade."""
    episodes = dataset["toxicity_episodes"]
    keep = ((episodes["syndrome"] == syndrome) & episodes["max_grade"].notna()).fillna(False).to_numpy()
    return episodes.loc[keep, ["infusion_id", "grading_scale", "max_grade"]]
