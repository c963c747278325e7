"""The ICE score (Immune effector Cell-associated Encephalopathy, 0-10), from its items or as entered.

Source: Lee et al., Biol Blood Marrow Transplant 2019;25:625 (Table 5): orientation to year, month, city and
hospital (4 points); naming three objects (3); following a simple command (1); writing a standard sentence (1);
counting backwards from 100 by ten (1).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from iectox.grading.inputs import check_range, number, plausible

ICE_ITEMS: dict[str, int] = {
    "ice_orientation": 4,
    "ice_naming": 3,
    "ice_command": 1,
    "ice_writing": 1,
    "ice_counting": 1,
}
ICE_MAX = sum(ICE_ITEMS.values())


def ice_score(
    orientation: np.ndarray,
    naming: np.ndarray,
    command: np.ndarray,
    writing: np.ndarray,
    counting: np.ndarray,
) -> np.ndarray:
    """ICE = orientation (0-4) + naming (0-3) + command (0-1) + writing (0-1) + counting (0-1) (ASTCT 2019,
    Table 5); NaN when any item is missing, because a partial sum would look like an impaired patient."""
    items = (orientation, naming, command, writing, counting)
    for values, (name, top) in zip(items, ICE_ITEMS.items(), strict=True):
        check_range(np.asarray(values, dtype="float64"), name, 0, top)
    return np.sum(np.vstack([np.asarray(v, dtype="float64") for v in items]), axis=0)


def ice_as_recorded(frame: pd.DataFrame) -> np.ndarray:
    """The ICE score of each row: computed from its items when the frame has all five item columns and the row
    has every item, otherwise the `ice_score` column as entered (NaN when neither)."""
    entered = plausible(number(frame, "ice_score"), "ice_score")
    if not all(item in frame for item in ICE_ITEMS):
        return entered
    computed = ice_score(*(number(frame, item) for item in ICE_ITEMS))
    return np.where(np.isnan(computed), entered, computed)
