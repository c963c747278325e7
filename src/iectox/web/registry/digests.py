"""A digest of each patient's rows, computed for thousands of patients at once or for one alone, the same.

A result computed on many patients (the dashboard's audit of a centre) holds each patient's part, and that
part is still right for a patient whose rows have not changed since. `patient_digests` says which rows each
patient had: every row of every table is hashed (two 64-bit hashes of its values, `pandas.util.
hash_pandas_object`, whole columns at once), and the hashes of a patient's rows are summed per table with
their count; so a patient's digest depends only on its own rows, not on the rows read beside them or their
order, and the digest of one patient read alone is the one it had among 10,000.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from iectox.dataset import Dataset

SECOND_KEY = "iectox-digest-2d"  # 16 bytes: the second hash, so that a patient's rows are 128 bits of hash
LOW = np.uint64(0xFFFFFFFF)


def _sums(frame: pd.DataFrame, patients: np.ndarray) -> pd.DataFrame:
    """Per patient: the number of rows and the sums of each 32-bit half of both hashes (exact in int64)."""
    halves = {"rows": np.ones(len(frame), dtype=np.int64)}
    for name, key in (("a", None), ("b", SECOND_KEY)):
        hashed = pd.util.hash_pandas_object(frame, index=False, **({"hash_key": key} if key else {}))
        values = hashed.to_numpy(dtype=np.uint64)
        halves[f"{name}_low"] = (values & LOW).astype(np.int64)
        halves[f"{name}_high"] = (values >> np.uint64(32)).astype(np.int64)
    return pd.DataFrame(halves).groupby(patients, sort=False).sum()


def patient_digests(dataset: Dataset) -> dict[str, str]:
    """Each patient's code -> a digest of all its rows (its own, its infusions' and theirs)."""
    infusions = dataset["infusions"]
    patient_of = pd.Series(infusions["patient_id"].astype(str).to_numpy(), index=infusions["infusion_id"])
    parts = []
    for name in dataset:
        frame = dataset[name]
        if frame.empty:
            continue
        owner = frame["patient_id"] if "patient_id" in frame else frame["infusion_id"].map(patient_of)
        sums = _sums(frame, owner.astype(str).to_numpy())
        parts.append(name + ":" + sums.astype(str).agg(":".join, axis=1))
    if not parts:
        return {}
    joined = pd.concat(parts).groupby(level=0, sort=False).agg("|".join)
    return {str(patient): hashlib.sha256(text.encode()).hexdigest()[:32] for patient, text in joined.items()}
