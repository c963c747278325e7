"""CRS per step-up dose of a bispecific antibody in the analysis table: which dose a CRS followed, how soon."""

from __future__ import annotations

import pandas as pd

from iectox.analysis import infusion_table
from iectox.dataset import Dataset
from management_factories import dataset, infusion
from test_management_bsab import DAY1, LABEL, WEIGHT


def _with_crs(onsets: list[tuple[str, bool]]) -> Dataset:
    course = infusion(therapy="teclistamab", weight_kg=WEIGHT, day=str(DAY1.date()))
    course["indication"] = "multiple_myeloma"
    data = dataset(infusions=[course, infusion("INF-2")])
    episodes = pd.DataFrame(
        [
            {
                "episode_id": f"EP-{i}",
                "infusion_id": "INF-1",
                "syndrome": "CRS",
                "onset_at": pd.Timestamp(onset),
                "onset_at_time_known": known,
                "max_grade": 1,
                "grading_scale": "ASTCT2019",
                "outcome": "resolved",
            }
            for i, (onset, known) in enumerate(onsets)
        ]
    )
    frames = {name: data[name] for name in data.schema.table_names}
    return Dataset.from_frames(
        {**frames, "administrations": pd.DataFrame(LABEL), "toxicity_episodes": episodes}
    )


def test_crs_is_placed_after_the_dose_it_followed():
    # doses at 10:00: step_up_1 on 4 March (day 1), step_up_2 on 7 March (day 4), treatment on 10 March (day 7)
    table = infusion_table(_with_crs([("2024-03-05 02:00", True), ("2024-03-07 14:00", True)]))
    teclistamab, car_t = table.iloc[0], table.iloc[1]
    assert teclistamab["crs_bsab_step"] == "step_up_1"
    assert teclistamab["crs_bsab_cycle"] == 1
    assert teclistamab["crs_bsab_hours_after_dose"] == 16.0
    assert [teclistamab[f"crs_after_{s}"] for s in ("step_up_1", "step_up_2", "treatment")] == [
        True,
        True,
        False,
    ]
    assert pd.isna(teclistamab["crs_after_step_up_3"])  # teclistamab has no step-up dose 3
    assert all(
        pd.isna(car_t[c]) for c in ("crs_bsab_step", "crs_after_step_up_1", "crs_bsab_hours_after_dose")
    )


def test_an_onset_known_to_the_day_follows_the_dose_of_that_day_without_an_hour():
    table = infusion_table(_with_crs([("2024-03-07", False)]))
    assert table.iloc[0]["crs_bsab_step"] == "step_up_2"  # 7 March, hour unknown: after that day's 10:00 dose
    assert pd.isna(table.iloc[0]["crs_bsab_hours_after_dose"])
