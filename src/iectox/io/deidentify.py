"""A de-identified copy of a dataset, for sharing outside the hospital: coded identifiers, shifted dates.

    key = read_key("registry.key")                                  # or create_key(...) once
    shared = deidentify(read_dataset("registry.xlsx"), key)
    write_dataset(shared.dataset, "shared/")                        # checked like any dataset

- **Identifiers** (every column with the contract's identifier pattern) become keyed codes
  (`pseudonyms.pseudonym`): a reference takes the code of what it refers to, so every link holds.
- **Dates**: every date and date-time of a patient's rows (infusion, episodes, doses, observations,
  follow-up) moves by the same whole number of days, 1 to `max_shift_days` later, drawn per patient from
  the key. Every interval within a patient is kept to the minute, a time of day stays that time of day, and a
  date recorded without its hour stays so; intervals between patients are not kept. Later, never earlier,
  so that a product used in standard care stays used after its authorisation.
- **Birth year** is shifted consistently: the year the birth would fall in once moved like the patient's
  dates, chosen among the years that keep each shifted infusion's age true (infusion year - birth year - age
  is 0 or 1, the rule `age_matches_birth_year`); when no year does, it is left blank and counted. The age at
  infusion, an interval, is kept as it is.
- **Free text that may hold identifiers** (every text column without a pattern, such as the cause of death)
  is emptied, but for the columns `KEPT_TEXT` names with their reason; the centre is kept or, with
  `code_centres`, coded.

This is pseudonymisation (GDPR art. 4(5)), not anonymisation: ages, products and exact intervals remain, and
the hospital that keeps the key can link the codes back. Nothing is kept that would let anyone else do so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd

from iectox.dataset import Dataset
from iectox.io.pseudonyms import date_shift_days, pseudonym
from iectox.schema import CONTRACT, Column, Kind, Table

DAY = pd.Timedelta(days=1)
MAX_SHIFT_DAYS = 365  # a year: each true date lies anywhere in the year before the one shown
CENTRE = "patients.centre"
KEPT_TEXT: Mapping[str, str] = MappingProxyType(
    {
        "infusions.trial_id": "the trial's public registry number (NCT...): it names a study, not a patient",
        CENTRE: "the treating centre, needed to compare centres; coded with code_centres",
    }
)


@dataclass(frozen=True)
class DeidentifySettings:
    """How far dates may move, and whether centres are coded too."""

    max_shift_days: int = MAX_SHIFT_DAYS
    code_centres: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.max_shift_days, bool) or not 1 <= int(self.max_shift_days) <= 3650:
            raise ValueError(
                f"max_shift_days must be a whole number of days from 1 to 3650, not {self.max_shift_days!r}"
            )


@dataclass(frozen=True)
class Deidentified:
    """The de-identified dataset and what was done, column by column ("table.column")."""

    dataset: Dataset
    coded: tuple[str, ...]
    shifted: tuple[str, ...]
    emptied: tuple[str, ...]
    birth_years_blanked: int
    settings: DeidentifySettings


def _qualified(table: Table, column: Column) -> str:
    return f"{table.name}.{column.name}"


def identifier_namespace(table: Table, column: Column) -> str | None:
    """The identifiers a column holds ("patients.patient_id" for `infusions.patient_id` too), or None."""
    if column.pattern is None:
        return None
    return column.references or _qualified(table, column)


def free_text(table: Table, column: Column) -> bool:
    """A text column that may hold anything typed, hence an identifier: text without a pattern."""
    return column.kind is Kind.TEXT and column.pattern is None


def _code_column(values: pd.Series, key: bytes, namespace: str, prefix: str) -> pd.Series:
    """Each value's code, computed once per distinct value; two values sharing a code are refused."""
    distinct = values.dropna().unique()
    codes = {value: pseudonym(key, namespace, str(value), prefix) for value in distinct}
    if len(set(codes.values())) != len(codes):
        raise ValueError(f"two identifiers of {namespace} share a code; use another key")
    return values.map(codes).astype("string")


def _patient_of(dataset: Dataset, table: Table) -> pd.Series:
    """The patient each row of `table` belongs to: its `patient_id`, or that of its infusion."""
    frame = dataset[table.name]
    if "patient_id" in frame:
        return frame["patient_id"]
    if "infusion_id" in frame:
        infusions = dataset["infusions"].drop_duplicates("infusion_id").set_index("infusion_id")["patient_id"]
        return frame["infusion_id"].map(infusions)
    raise ValueError(f"table {table.name} has dates but no patient_id or infusion_id to shift them by")


def _birth_years(original: Dataset, shifted_infusions: pd.DataFrame, shifts: pd.Series) -> pd.Series:
    """Each patient's birth year moved like the patient's dates (see the module docstring), blank when no
    year keeps every shifted infusion's age true."""
    patients = original["patients"]
    born = patients["birth_year"].astype("Float64")
    shift = patients["patient_id"].map(shifts).astype("float64")
    mid_year = pd.to_datetime(born.astype("Int64").astype("string") + "-07-02", errors="coerce")
    expected = (mid_year + pd.to_timedelta(shift, unit="D")).dt.year.astype("Float64")
    ages = shifted_infusions["age_at_infusion"].floordiv(1)
    year = shifted_infusions["infusion_date"].dt.year
    bounds = pd.DataFrame(
        {"patient_id": shifted_infusions["patient_id"], "low": year - ages - 1, "high": year - ages}
    )
    bounds = bounds.dropna().groupby("patient_id").agg(low=("low", "max"), high=("high", "min"))
    low = patients["patient_id"].map(bounds["low"]).astype("Float64").fillna(-np.inf)
    high = patients["patient_id"].map(bounds["high"]).astype("Float64").fillna(np.inf)
    chosen = expected.clip(lower=low, upper=high)
    possible = (low <= high) & chosen.between(born, born + shift.floordiv(365) + 1)
    return chosen.where(possible.fillna(False)).astype("Int64")


def deidentify(dataset: Dataset, key: bytes, settings: DeidentifySettings | None = None) -> Deidentified:
    """`dataset` with identifiers coded, each patient's dates shifted, birth years moved with them and free
    text emptied (see the module docstring); `dataset` itself is left as it was."""
    settings = settings or DeidentifySettings()
    ids = dataset["patients"]["patient_id"].dropna().unique()
    shifts = pd.Series(
        {pid: date_shift_days(key, str(pid), settings.max_shift_days) for pid in ids}, dtype="float64"
    )
    frames: dict[str, pd.DataFrame] = {}
    coded, shifted, emptied = [], [], []
    for table in CONTRACT.tables:
        frame = dataset[table.name].copy()
        dated = [c for c in table.columns if c.kind in (Kind.DATE, Kind.DATETIME)]
        if dated and len(frame):
            days = _patient_of(dataset, table).map(shifts)
            if days.isna().any():
                raise ValueError(f"rows of {table.name} belong to no patient of the dataset")
            offset = pd.to_timedelta(days.to_numpy(dtype="float64"), unit="D")
            for column in dated:
                frame[column.name] = frame[column.name] + offset
        shifted += [_qualified(table, c) for c in dated]
        for column in table.columns:
            name = _qualified(table, column)
            namespace = identifier_namespace(table, column)
            if namespace is not None:
                prefix = namespace[0].upper()
                frame[column.name] = _code_column(frame[column.name], key, namespace, prefix)
                coded.append(name)
            elif name == CENTRE and settings.code_centres:
                frame[column.name] = _code_column(frame[column.name], key, CENTRE, "C")
                coded.append(name)
            elif free_text(table, column) and name not in KEPT_TEXT:
                frame[column.name] = pd.Series(pd.NA, index=frame.index, dtype="string")
                emptied.append(name)
        frames[table.name] = frame
    infusions = dataset["infusions"].assign(infusion_date=frames["infusions"]["infusion_date"])
    years = _birth_years(dataset, infusions, shifts)
    blanked = int((dataset["patients"]["birth_year"].notna() & years.isna()).sum())
    frames["patients"]["birth_year"] = years.to_numpy()
    return Deidentified(
        Dataset.from_frames(frames), tuple(coded), tuple(shifted), tuple(emptied), blanked, settings
    )


__all__ = [
    "KEPT_TEXT",
    "MAX_SHIFT_DAYS",
    "Deidentified",
    "DeidentifySettings",
    "deidentify",
    "free_text",
    "identifier_namespace",
]
