"""Episodes from graded observations: onset, resolution, maximum and first grade 2 on hand-made series."""

from __future__ import annotations

import pandas as pd
import pytest

from factories import seed_cohort
from iectox.grading import episodes_from_grades, grade_dataset

T = pd.Timestamp


def series(
    infusion: str, points: list[tuple[str, int | None]], day_only: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Graded rows of one infusion: (time, grade) for CRS; ICANS stays at 0."""
    return pd.DataFrame(
        {
            "infusion_id": infusion,
            "observed_at": [T(at) for at, _ in points],
            "observed_at_time_known": [at not in day_only for at, _ in points],
            "crs_grade": pd.array([g for _, g in points], dtype="Int64"),
            "icans_grade": pd.array([0] * len(points), dtype="Int64"),
        }
    )


def crs(episodes: pd.DataFrame, infusion: str) -> pd.Series:
    return episodes.set_index(["infusion_id", "syndrome"]).loc[(infusion, "CRS")]


def test_onset_resolution_and_maximum():
    graded = series(
        "INF-1",
        [
            ("2024-03-06 08:00", 0),
            ("2024-03-06 14:00", 1),  # onset
            ("2024-03-06 20:00", None),  # not gradable: skipped
            ("2024-03-07 08:00", 2),  # first grade >= 2
            ("2024-03-07 20:00", 0),  # back to 0, but not for good
            ("2024-03-08 08:00", 3),  # maximum, last grade >= 1
            ("2024-03-08 20:00", 0),  # resolution
            ("2024-03-09 08:00", 0),
        ],
    )
    episode = crs(episodes_from_grades(graded.sample(frac=1, random_state=3)), "INF-1")
    assert episode["onset_at"] == T("2024-03-06 14:00")
    assert episode["resolved_at"] == T("2024-03-08 20:00")
    assert episode["max_grade"] == 3
    assert episode["duration_h"] == pytest.approx(54.0)
    assert episode["first_grade2_at"] == T("2024-03-07 08:00")
    assert episode["onset_at_time_known"] and episode["resolved_at_time_known"]


def test_unresolved_never_ill_and_day_only():
    graded = pd.concat(
        [
            series(
                "INF-2",
                [("2024-03-06 08:00", 0), ("2024-03-07", 1), ("2024-03-07 20:00", 1)],
                ("2024-03-07",),
            ),
            series("INF-3", [("2024-03-06 08:00", 0), ("2024-03-06 20:00", 0)]),
            series("INF-4", [("2024-03-06", 2), ("2024-03-07 09:30", 0)], ("2024-03-06",)),
        ]
    )
    episodes = episodes_from_grades(graded)
    assert episodes[["infusion_id", "syndrome"]].values.tolist() == [
        [i, s] for i in ("INF-2", "INF-3", "INF-4") for s in ("CRS", "ICANS")
    ]
    unresolved = crs(episodes, "INF-2")
    assert unresolved["onset_at"] == T("2024-03-07") and not unresolved["onset_at_time_known"]
    assert pd.isna(unresolved["resolved_at"]) and pd.isna(unresolved["resolved_at_time_known"])
    assert pd.isna(unresolved["duration_h"]) and pd.isna(unresolved["first_grade2_at"])
    never = crs(episodes, "INF-3")
    assert never["max_grade"] == 0 and pd.isna(never["onset_at"]) and pd.isna(never["resolved_at"])
    day_only = crs(episodes, "INF-4")
    assert (day_only["onset_at"], day_only["first_grade2_at"]) == (T("2024-03-06"), T("2024-03-06"))
    assert not day_only["first_grade2_at_time_known"]
    assert day_only["resolved_at"] == T("2024-03-07 09:30")
    assert pd.isna(day_only["duration_h"])  # no hour-level duration from a day-only onset
    assert episodes.set_index(["infusion_id", "syndrome"])["max_grade"].xs("ICANS", level=1).tolist() == [
        0,
        0,
        0,
    ]


def test_same_time_observations_keep_their_order_and_dtypes():
    graded = series("INF-5", [("2024-03-06 08:00", 1), ("2024-03-06 08:00", 0)])
    episodes = episodes_from_grades(graded)
    assert crs(episodes, "INF-5")["resolved_at"] == T("2024-03-06 08:00")
    assert str(episodes["max_grade"].dtype) == "Int64"
    assert str(episodes["onset_at_time_known"].dtype) == "boolean"


def test_each_infusion_alone_has_the_episodes_it_has_among_the_whole_cohort_in_any_row_order():
    graded = grade_dataset(seed_cohort())
    whole = episodes_from_grades(graded)
    assert len(whole) == 2 * graded["infusion_id"].nunique()
    shuffled = episodes_from_grades(graded.sample(frac=1, random_state=5))
    pd.testing.assert_frame_equal(shuffled, whole, check_exact=True)
    for infusion in whole["infusion_id"].unique()[::40]:
        alone = episodes_from_grades(graded[graded["infusion_id"] == infusion])
        among = whole[whole["infusion_id"] == infusion].reset_index(drop=True)
        pd.testing.assert_frame_equal(alone, among, check_exact=True)
    assert list(whole.dtypes.astype(str)) == [
        "string",
        "string",
        "datetime64[ns]",
        "boolean",
        "datetime64[ns]",
        "boolean",
        "Int64",
        "float64",
        "datetime64[ns]",
        "boolean",
    ]
