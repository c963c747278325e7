"""When CRS may be graded without fever: Lee 2019's waiver, only once CRS is established and treated.

Source: Lee DW et al., Biol Blood Marrow Transplant 2019;25:625-638, Table 2 footnote: "In patients who have
CRS then receive antipyretic or anticytokine therapy such as tocilizumab or steroids, fever is no longer
required to grade subsequent CRS severity." Two conditions, both needed for an observation:

- CRS was established for the infusion before it: an earlier observation with fever (>= 38.0 °C, which alone is
  CRS grade 1). Earlier means an earlier time, or the same time and an earlier row; an observation without a
  time neither is established nor establishes.
- antipyretic or anti-cytokine therapy was given since: the observation's own flag
  (`antipyretic_or_anticytokine_given`, as entered at the bedside), or, when a dataset is graded, a dose in its
  administrations table given for CRS (`reason` = CRS) of tocilizumab, a corticosteroid, anakinra, siltuximab or
  an antipyretic, at or after the first fever and at or before the observation. A dose recorded with its date
  alone counts from the end of that day: whether it came before an observation of the same day is not known.

So premedication (paracetamol, antihistamines, dexamethasone before a bispecific step-up dose) and prophylactic
corticosteroids do not waive fever: they come before CRS, and their reason is not CRS.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from iectox.dataset import time_known_column
from iectox.schema.vocabularies import ANTIPYRETICS, CORTICOSTEROIDS

WAIVING_DRUGS = ("tocilizumab", *CORTICOSTEROIDS, "anakinra", "siltuximab", *ANTIPYRETICS)
ONE_DAY = pd.Timedelta(days=1)


def first_fevers(timed: pd.DataFrame, fever: np.ndarray) -> pd.DataFrame:
    """Per infusion with a febrile observation (`fever`, one flag per row: `astct_crs.crs_fever`): the first
    one's time and row position (`first_fever_at`, `first_fever_row`), indexed by `infusion_id`; the rows'
    order breaks ties of time. `timed`: `timed_rows` of the observations."""
    febrile = timed[fever[timed["row"].to_numpy()]]
    first = febrile.sort_values(["observed_at", "row"], kind="stable").drop_duplicates("infusion_id")
    return first.set_index("infusion_id")[["observed_at", "row"]].rename(
        columns={"observed_at": "first_fever_at", "row": "first_fever_row"}
    )


def therapy_since_fever(administrations: pd.DataFrame | None, fevers: pd.DataFrame) -> pd.Series:
    """Per infusion of `fevers`: the time from which a dose given for CRS since the first fever counts
    (`WAIVING_DRUGS`, reason CRS; a dose recorded by date alone counts from the end of its day), NaT where no
    such dose was given."""
    none = pd.Series(pd.NaT, index=fevers.index, dtype="datetime64[ns]", name="therapy_from")
    if administrations is None or administrations.empty or fevers.empty:
        return none
    doses = administrations[
        administrations["drug"].isin(WAIVING_DRUGS)
        & (administrations["reason"] == "CRS")
        & administrations["given_at"].notna()
        & administrations["infusion_id"].isin(fevers.index)
    ]
    known_column = time_known_column("given_at")
    known = doses[known_column] if known_column in doses else pd.Series(True, index=doses.index)
    dated_only = ~known.fillna(True).astype(bool).to_numpy()
    given = pd.to_datetime(doses["given_at"]).to_numpy()
    counts_from = np.where(dated_only, given + ONE_DAY.to_timedelta64(), given)
    fever_at = fevers["first_fever_at"].reindex(doses["infusion_id"]).to_numpy()
    since_fever = np.where(dated_only, counts_from > fever_at, given >= fever_at)
    kept = pd.Series(counts_from[since_fever], index=doses["infusion_id"].to_numpy()[since_fever])
    return kept.groupby(level=0).min().reindex(fevers.index).astype("datetime64[ns]").rename("therapy_from")


def crs_established(timed: pd.DataFrame, rows: int, fevers: pd.DataFrame) -> np.ndarray:
    """For each row: an earlier observation of its infusion had fever (see the module's docstring)."""
    first_at = timed["infusion_id"].map(fevers["first_fever_at"])
    first_row = timed["infusion_id"].map(fevers["first_fever_row"])
    later = (timed["observed_at"] > first_at) | (
        (timed["observed_at"] == first_at) & (timed["row"] > first_row)
    )
    established = np.zeros(rows, dtype=bool)
    established[timed["row"].to_numpy()] = later.fillna(False).to_numpy(dtype=bool)
    return established


def therapy_given(timed: pd.DataFrame, rows: int, therapy_from: pd.Series) -> np.ndarray:
    """For each row: a dose of `therapy_since_fever` counted at or before its time."""
    start = timed["infusion_id"].map(therapy_from)
    given = np.zeros(rows, dtype=bool)
    given[timed["row"].to_numpy()] = (start <= timed["observed_at"]).fillna(False).to_numpy(dtype=bool)
    return given


def fever_waiver_inputs(
    observations: pd.DataFrame, fever: np.ndarray, administrations: pd.DataFrame | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(CRS established before each row, a dose for CRS given since and before it) for `astct_crs`, from each
    row's `fever`; both False for every row of a frame without infusion ids or times."""
    if not {"infusion_id", "observed_at"} <= set(observations.columns):
        empty = np.zeros(len(observations), dtype=bool)
        return empty, empty.copy()
    timed, rows = timed_rows(observations), len(observations)
    fevers = first_fevers(timed, fever)
    established = crs_established(timed, rows, fevers)
    return established, therapy_given(timed, rows, therapy_since_fever(administrations, fevers))


def timed_rows(observations: pd.DataFrame) -> pd.DataFrame:
    """The rows with an infusion and a time: infusion id, time and row position."""
    frame = pd.DataFrame(
        {
            "infusion_id": observations["infusion_id"].to_numpy(dtype=object),
            "observed_at": pd.to_datetime(observations["observed_at"]).to_numpy(),
            "row": np.arange(len(observations)),
        }
    )
    return frame[frame["infusion_id"].notna() & frame["observed_at"].notna()]
