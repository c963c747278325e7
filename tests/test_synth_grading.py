"""The synthetic observation series give back the recorded ASTCT grades, but for a stated few."""

from __future__ import annotations

from factories import seed_cohort
from iectox.grading import agreement, episodes_from_grades, grade_dataset
from iectox.synth.observations import DISCORDANT_SHARE


def test_graded_series_agree_with_recorded_grades_except_the_planted_discordances():
    data = seed_cohort()
    table = agreement(data, episodes_from_grades(grade_dataset(data)))
    assert table["agrees"].value_counts().to_dict() == {"yes": 786, "no": 15}
    assert table["agrees"].isna().sum() == 1
    disagreeing = table[table["agrees"] == "no"]
    assert ((disagreeing["max_grade"] - disagreeing["recorded_max_grade"]).abs() == 1).all()
    episodes = (data["toxicity_episodes"]["syndrome"].isin(["CRS", "ICANS"])).sum()
    assert abs(len(disagreeing) / episodes - DISCORDANT_SHARE) < 0.02
    # the one infusion whose CRS status is unknown is not compared
    unknown = data["infusions"].loc[data["infusions"]["crs_status"] == "unknown", "infusion_id"].tolist()
    assert table.loc[table["agrees"].isna(), "infusion_id"].tolist() == unknown


def test_deaths_from_other_causes_during_crs_keep_their_grade():
    """ASTCT grade 5 is death from CRS; the 5 patients who died of another cause during CRS keep grade <= 3."""
    data = seed_cohort()
    table = agreement(data, episodes_from_grades(grade_dataset(data)))
    assert (table["max_grade"].dropna() <= 4).all()
