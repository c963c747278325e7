"""Grading `reasons.CHUNK_ROWS` rows at a time is invisible: any chunk size gives the same grades and reasons."""

from __future__ import annotations

import pandas as pd
import pytest

from factories import seed_cohort
from iectox.grading import GradingSettings, grade_dataset, reasons


@pytest.mark.parametrize("lang, convention", [("en", "table"), ("fr", "consciousness")])
def test_small_chunks_grade_the_seed_observations_as_one_chunk(monkeypatch, lang, convention):
    data = seed_cohort()
    settings = GradingSettings(capd_convention=convention)
    whole = grade_dataset(data, settings, lang)
    monkeypatch.setattr(reasons, "CHUNK_ROWS", 997)  # a prime: chunks end inside infusions
    chunked = grade_dataset(data, settings, lang)
    assert len(whole) > 10 * 997
    pd.testing.assert_frame_equal(chunked, whole)
    for column in ("crs_reason", "icans_reason"):
        assert list(chunked[column].cat.categories) == list(whole[column].cat.categories)
        assert len(whole[column].cat.categories) >= 5
    assert whole["crs_grade"].max() >= 3 and whole["icans_grade"].max() >= 3
