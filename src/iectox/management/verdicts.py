"""Whether a delay met a pathway target: met, late, or undetermined when a day-only time leaves it open.

A day-only time stands for its whole day (`iectox.times`), so a delay is known only between two bounds: a
target is met when the upper bound is within it, missed (late) when the lower bound is past it, and
otherwise undetermined; `untreated` is an eligible episode that received no treatment at all.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MET, LATE, UNTREATED, UNDETERMINED = "met", "late", "untreated", "undetermined"


def against_target(low: pd.Series, high: pd.Series, target_h: float | pd.Series) -> pd.Series:
    """met when the delay is surely within the target, late when surely beyond it, else undetermined."""
    verdict = np.where(
        high.le(target_h).fillna(False), MET, np.where(low.gt(target_h).fillna(False), LATE, UNDETERMINED)
    )
    return pd.Series(verdict, index=low.index, dtype="string")


__all__ = ["LATE", "MET", "UNDETERMINED", "UNTREATED", "against_target"]
