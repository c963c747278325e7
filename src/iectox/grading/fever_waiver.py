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
NEVER = np.iinfo(np.int64).max  # a time (ns) and a row position no observation reaches


class _Timed:
    """The observations' infusions as integer codes and times as int64 nanoseconds, each computed once.

    `infusion` is the position of each row's infusion in `infusions` (-1 when blank); `timed` marks the rows
    with an infusion and a time, the only ones that establish CRS or are waived. Everything per row below is
    NumPy on these arrays: no per-row Python, no sort, no string hashing after the one factorisation.
    """

    def __init__(self, observations: pd.DataFrame) -> None:
        self.infusion, self.infusions = pd.factorize(observations["infusion_id"])
        times = pd.to_datetime(observations["observed_at"]).to_numpy(dtype="datetime64[ns]")
        self.timed = (self.infusion >= 0) & ~np.isnat(times)
        self.at = times.view(np.int64)


def first_fevers(timed: _Timed, fever: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per infusion code (one more slot, the last, for rows without an infusion): the first febrile
    observation's time and row position (`NEVER` where the infusion had no timed fever); the rows' order breaks
    ties of time. `fever`: one flag per row (`astct_crs.crs_fever`)."""
    slots = len(timed.infusions) + 1
    first_at = np.full(slots, NEVER, dtype=np.int64)
    first_row = np.full(slots, NEVER, dtype=np.int64)
    febrile = np.flatnonzero(timed.timed & fever)
    codes = timed.infusion[febrile]
    np.minimum.at(first_at, codes, timed.at[febrile])
    earliest = febrile[timed.at[febrile] == first_at[codes]]
    np.minimum.at(first_row, timed.infusion[earliest], earliest)
    return first_at, first_row


def fevers_by_infusion(timed: _Timed, first_at: np.ndarray) -> pd.DataFrame:
    """`first_fever_at` indexed by `infusion_id`, for the infusions with a fever (`therapy_since_fever`)."""
    with_fever = np.flatnonzero(first_at[:-1] != NEVER)
    return pd.DataFrame(
        {"first_fever_at": first_at[with_fever].view("datetime64[ns]")},
        index=pd.Index(np.asarray(timed.infusions, dtype=object)[with_fever], name="infusion_id"),
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


def crs_established(timed: _Timed, first_at: np.ndarray, first_row: np.ndarray) -> np.ndarray:
    """For each row: an earlier observation of its infusion had fever (see the module's docstring)."""
    fever_at, fever_row = first_at[timed.infusion], first_row[timed.infusion]
    rows = np.arange(len(timed.at))
    later = (timed.at > fever_at) | ((timed.at == fever_at) & (rows > fever_row))
    return timed.timed & later


def therapy_given(timed: _Timed, therapy_from: pd.Series) -> np.ndarray:
    """For each row: a dose of `therapy_since_fever` counted at or before its time."""
    start = therapy_from.reindex(timed.infusions).to_numpy(dtype="datetime64[ns]").view(np.int64)
    start = np.append(np.where(start == np.iinfo(np.int64).min, NEVER, start), NEVER)  # NaT: no dose
    return timed.timed & (start[timed.infusion] <= timed.at)


def fever_waiver_inputs(
    observations: pd.DataFrame, fever: np.ndarray, administrations: pd.DataFrame | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(CRS established before each row, a dose for CRS given since and before it) for `astct_crs`, from each
    row's `fever`; both False for every row of a frame without infusion ids or times."""
    if not {"infusion_id", "observed_at"} <= set(observations.columns):
        empty = np.zeros(len(observations), dtype=bool)
        return empty, empty.copy()
    timed = _Timed(observations)
    first_at, first_row = first_fevers(timed, fever)
    established = crs_established(timed, first_at, first_row)
    therapy_from = therapy_since_fever(administrations, fevers_by_infusion(timed, first_at))
    return established, therapy_given(timed, therapy_from)
