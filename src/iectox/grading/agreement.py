"""Recorded grades against computed ones, and the concordance of two grading scales.

Grades given on different scales are never pooled (clinical_rules.md: Pennisi et al., Blood Adv 2020;4:676
found the same CRS grade in every system in only 25 % of patients). A recorded grade is compared with the
computed ASTCT 2019 grade only when it was itself recorded on ASTCT 2019; any other scale is kept, named, and
marked "other scale, not compared". Comparing two scales on the same infusions is `concordance`'s job.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from iectox.dataset import Dataset
from iectox.grading.episodes import EPISODE_DTYPES, EPISODE_SPAN
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


def _status(infusions: pd.DataFrame, syndrome: str) -> pd.Series:
    """Each infusion's recorded status of the syndrome ('yes', 'no' or blank); blank without a status column."""
    if syndrome in STATUS_COLUMN:
        return infusions[STATUS_COLUMN[syndrome]]
    return pd.Series(pd.NA, index=infusions.index, dtype="string")


def _absent(status: pd.Series, with_episode: np.ndarray) -> np.ndarray:
    """Whether the record says the syndrome did not occur: status 'no', or a blank status (derived from the
    episodes) and no episode of the syndrome on any scale."""
    return ((status == "no").fillna(False) | (status.isna() & ~with_episode)).to_numpy(dtype=bool)


def _fatal(computed: pd.Series, recorded: pd.Series, died: np.ndarray) -> np.ndarray:
    """Where the computed grade becomes 5: grade 5 is death *from* the syndrome, so only when the record
    attributes a death to it (recorded grade 5, outcome death) and the observations show it (grade >= 1)."""
    return died & (recorded == 5).fillna(False).to_numpy() & (computed >= 1).fillna(False).to_numpy()


def _agrees(computed: pd.Series, recorded: pd.Series, scale: pd.Series) -> pd.api.extensions.ExtensionArray:
    """ "yes"/"no" for ASTCT 2019 grades, "other scale, not compared" for any other scale, blank when either
    grade is missing."""
    other = (scale != ASTCT).fillna(False).to_numpy()
    compared = ~other & computed.notna().to_numpy() & recorded.notna().to_numpy()
    same = (computed == recorded).fillna(False).to_numpy()
    agrees = np.select([other, compared & same, compared], [OTHER_SCALE, AGREES, DISAGREES], default=None)
    return pd.array(agrees, dtype="string")


def _recorded_absent(dataset: Dataset, syndrome: str) -> pd.Series:
    """Infusion ids whose record says the syndrome did not occur (`_absent`)."""
    infusions = dataset["infusions"]
    episodes = dataset["toxicity_episodes"]
    with_episode = infusions["infusion_id"].isin(
        episodes.loc[episodes["syndrome"] == syndrome, "infusion_id"]
    )
    return infusions.loc[_absent(_status(infusions, syndrome), with_episode.to_numpy()), "infusion_id"]


def agreement(dataset: Dataset, graded_episodes: pd.DataFrame) -> pd.DataFrame:
    """Each recorded CRS/ICANS grade beside the computed episode of the same infusion (`AGREEMENT_COLUMNS`).

    One row per infusion, syndrome and recorded scale, plus one per computed episode with nothing recorded.
    `max_grade` is computed; it becomes 5 only when the observations show the syndrome (grade >= 1) and the
    record attributes a death to it (recorded grade 5, outcome death): grade 5 is death *from* the syndrome,
    and a patient who died of an infection during a grade 2 CRS still had a grade 2 CRS. An infusion recorded
    without the syndrome counts as recorded grade 0 (no scale needed for "none"). `agrees` is "yes"/"no" for
    ASTCT 2019 grades, "other scale, not compared" for any other scale, and blank when either grade is missing.
    """
    if _few(dataset, graded_episodes):
        return _agreement_rows(dataset, graded_episodes)  # the same table, without pandas' cost per call
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
    fatal = _fatal(merged["max_grade"], merged["recorded_max_grade"], (died["_merge"] == "both").to_numpy())
    merged.loc[fatal, "max_grade"] = 5
    merged["agrees"] = _agrees(merged["max_grade"], merged["recorded_max_grade"], merged["recorded_scale"])
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


# A few rows (one patient's page), row by row in Python: the same table as the whole-column path above, which on
# a handful of rows spends its time in pandas' fixed cost per call (groupbys, merges, index alignment: about
# 12 ms for one patient, against about 1 ms here). The rules are the same functions (`_absent`, `_fatal`,
# `_agrees`), applied to the few rows at once; only gathering the rows differs;
# tests/test_grading_agreement.py checks both paths give the same frame, dtypes included, on every patient of
# the seed cohort and on edge cases.

FEW = 64  # rows of each input table up to which the row-by-row path is taken
SPAN = EPISODE_SPAN[2:6]  # an episode's onset and resolution, with whether their hour is known
ROW_DTYPES = {
    **{column: EPISODE_DTYPES[column] for column in EPISODE_SPAN},
    "recorded_max_grade": "Int64",
    "recorded_scale": "string",
    "agrees": "string",
}
BLANK = dict.fromkeys((*SPAN, "max_grade"))  # a computed episode's columns where none was computed


def _na(value: object) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value)


def _few(dataset: Dataset, computed: pd.DataFrame) -> bool:
    """Whether the row-by-row path holds these inputs: few rows, one computed row per infusion and syndrome,
    and the computed columns in the dtypes `episodes_from_grades` gives."""
    if len(computed) > FEW or len(dataset["toxicity_episodes"]) > FEW or len(dataset["infusions"]) > FEW:
        return False
    if any(
        column not in computed or computed[column].dtype != ROW_DTYPES[column]
        for column in (*SPAN, "max_grade")
    ):
        return False
    keys = list(zip(computed["infusion_id"], computed["syndrome"], strict=True))
    return not any(_na(infusion) or _na(syndrome) for infusion, syndrome in keys) and len(set(keys)) == len(
        keys
    )


def _recorded_rows(dataset: Dataset) -> dict[tuple[str, str], list[tuple[str, object, bool]]]:
    """(infusion, syndrome) -> per scale, in order: (scale, highest recorded grade, blank if an episode is
    ungraded, whether one ended in death)."""
    groups: dict[tuple[str, str, str], tuple[list[object], bool]] = {}
    episodes = dataset["toxicity_episodes"]
    for infusion, syndrome, scale, grade, outcome in zip(
        episodes["infusion_id"],
        episodes["syndrome"],
        episodes["grading_scale"],
        episodes["max_grade"],
        episodes["outcome"],
        strict=True,
    ):
        if _na(infusion) or _na(syndrome) or syndrome not in STATUS_COLUMN or _na(scale):
            continue
        grades, death = groups.get((infusion, syndrome, scale), ([], False))
        groups[(infusion, syndrome, scale)] = (
            [*grades, grade],
            death or (not _na(outcome) and outcome == "death"),
        )
    recorded: dict[tuple[str, str], list[tuple[str, object, bool]]] = {}
    for (infusion, syndrome, scale), (grades, death) in sorted(groups.items()):
        highest = None if any(_na(grade) for grade in grades) else max(grades)
        recorded.setdefault((infusion, syndrome), []).append((scale, highest, death))
    return recorded


def _absent_rows(dataset: Dataset, syndromes: Iterable[str]) -> set[tuple[str, str]]:
    """(infusion, syndrome) recorded as not occurring (`_absent`)."""
    episodes = dataset["toxicity_episodes"]
    with_episode = set(zip(episodes["infusion_id"], episodes["syndrome"], strict=True))
    infusions = dataset["infusions"]
    ids = list(infusions["infusion_id"])
    absent = set()
    for syndrome in syndromes:
        has = np.array([(infusion, syndrome) in with_episode for infusion in ids], dtype=bool)
        absent |= {(ids[i], syndrome) for i in np.flatnonzero(_absent(_status(infusions, syndrome), has))}
    return absent


def _agreement_rows(dataset: Dataset, computed: pd.DataFrame) -> pd.DataFrame:
    """`iectox.grading.agreement(dataset, computed)` for inputs that `_few` holds."""
    syndromes = tuple(dict.fromkeys(s for s in computed["syndrome"] if not _na(s))) or tuple(STATUS_COLUMN)
    recorded = _recorded_rows(dataset)
    absent = _absent_rows(dataset, syndromes)
    episodes = {
        (row["infusion_id"], row["syndrome"]): row
        for row in computed[["infusion_id", "syndrome", *SPAN, "max_grade"]].to_dict("records")
    }
    out, died = [], []
    for key in sorted(set(episodes) | set(recorded)):
        episode = episodes.get(key) or {"infusion_id": key[0], "syndrome": key[1], **BLANK}
        scales = recorded.get(key) or [(None, 0 if key in absent else None, False)]
        death = any(death for _, _, death in scales)
        for scale, grade_recorded, _ in scales:
            out.append(
                {**episode, "recorded_max_grade": grade_recorded, "recorded_scale": scale, "agrees": None}
            )
            died.append(death)
    frame = pd.DataFrame(
        {
            column: pd.array([None if _na(row[column]) else row[column] for row in out], dtype=dtype)
            for column, dtype in ROW_DTYPES.items()
        }
    )
    fatal = _fatal(frame["max_grade"], frame["recorded_max_grade"], np.array(died, dtype=bool))
    frame.loc[fatal, "max_grade"] = 5
    frame["agrees"] = _agrees(frame["max_grade"], frame["recorded_max_grade"], frame["recorded_scale"])
    return frame
