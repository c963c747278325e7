"""The demo's numbers, cell by cell, against the snapshot committed before the architecture redesign.

A refactoring must leave every number alone; a change meant to alter one regenerates the snapshot
(`python -m tests.golden.snapshot --write`) in the same commit and says why.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from tests.golden import snapshot

FRAMES = sorted(p.stem for p in snapshot.DATA.glob("*.csv"))
RTOL = 1e-12  # summation order may move the last digit of a float; nothing else may change


@pytest.fixture(scope="module")
def computed() -> dict[str, pd.DataFrame]:
    return {name: snapshot.as_text(frame) for name, frame in snapshot.snapshot().items()}


def _same(stored: str, now: str) -> bool:
    if stored == now:
        return True
    try:
        a, b = float(stored), float(now)
    except ValueError:
        return False
    return math.isclose(a, b, rel_tol=RTOL, abs_tol=1e-12)


def test_every_stored_frame_is_still_computed(computed):
    assert len(FRAMES) == 20  # 18, then the demo's bispecific courses: CRS per dose and their schedule audit
    assert sorted(computed) == FRAMES


@pytest.mark.parametrize("name", FRAMES)
def test_numbers_unchanged(computed, name):
    stored, now = snapshot.read(name), computed[name]
    assert list(now.columns) == list(stored.columns)
    assert len(now) == len(stored)
    differ = [
        (i, column, stored.at[i, column], now.at[i, column])
        for column in stored.columns
        for i in stored.index
        if not _same(stored.at[i, column], now.at[i, column])
    ]
    assert not differ, f"{len(differ)} cells differ in {name}, e.g. {differ[:5]}"
