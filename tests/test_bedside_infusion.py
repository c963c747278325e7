"""The bedside of one infusion of a dataset (what the ward page advises on): its observations graded, its timed
doses, its weight and product, at the latest thing known (`iectox.management.bedside`)."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest
from typer.testing import CliRunner

from factories import small_dataset
from iectox.cli.commands import app
from iectox.dataset import Dataset
from iectox.io import write_dataset
from iectox.management.advice import advise
from iectox.management.advice_items import WAIT
from iectox.management.bedside import GivenDose, Untimed, bedside_at, given_doses, infusion_bedside


def test_the_infusion_of_a_dataset_is_advised_at_its_latest_observation_or_dose():
    """INF-001: fever with 4 L/min nasal oxygen at 2023-05-19 14:00 (grade 2), tocilizumab 571.2 mg the next
    day at 08:00; the dexamethasone without a time starts no clock."""
    bedside = infusion_bedside(small_dataset(), "INF-001")
    assert bedside.at == datetime(2023, 5, 20, 8, 0)
    assert (bedside.weight_kg, bedside.therapy) == (71.4, "axicabtagene_ciloleucel")
    assert (bedside.crs.grade, bedside.crs.reason) == (2, "grade 2: low-flow nasal cannula 4 L/min")
    assert bedside.crs.first_at(2) == datetime(2023, 5, 19, 14, 0)
    assert (bedside.icans.grade, bedside.icans.reason) == (0, "grade 0: ICE 10/10, no other domain affected")
    assert bedside.doses == (GivenDose("tocilizumab", datetime(2023, 5, 20, 8, 0), 571.2),)
    (toci,) = advise(bedside).items
    assert (toci.action, toci.not_before) == (WAIT, datetime(2023, 5, 20, 16, 0))


def test_a_child_is_graded_with_capd_from_the_infusions_age():
    tables = dict(small_dataset().tables)
    tables["infusions"] = tables["infusions"].assign(age_at_infusion=[8.0, 58.25, 34.0])
    observations = tables["observations"].astype({"ice_score": "Int64", "capd_score": "Int64"})
    tables["observations"] = observations.assign(ice_score=pd.array([None], "Int64"), capd_score=[12])
    icans = infusion_bedside(Dataset.from_frames(tables), "INF-001").icans
    assert (icans.grade, icans.reason) == (3, "grade 3: CAPD 12 (child)")


def test_an_infusion_without_observation_or_dose_needs_a_time_and_an_unknown_one_is_refused():
    with pytest.raises(Untimed):
        infusion_bedside(small_dataset(), "INF-002")
    bedside = infusion_bedside(small_dataset(), "INF-002", at=datetime(2024, 1, 10, 12))
    assert (bedside.crs.grade, bedside.icans.grade, bedside.doses) == (None, None, ())
    with pytest.raises(KeyError, match="INF-404"):
        infusion_bedside(small_dataset(), "INF-404")


def test_doses_after_the_time_asked_are_not_yet_given():
    dataset = small_dataset()
    bedside = infusion_bedside(dataset, "INF-001", at=datetime(2023, 5, 20, 7, 0))
    assert bedside.doses == ()
    observations = dataset["observations"]
    doses = given_doses(dataset["administrations"])
    assert bedside_at(observations, doses[:1]).at == datetime(2023, 5, 20, 8, 0)


def test_given_doses_keep_a_day_alone_and_leave_out_a_dose_without_time():
    doses = given_doses(small_dataset()["administrations"])
    assert doses == [
        GivenDose("tocilizumab", datetime(2023, 5, 20, 8, 0), 571.2, True),
        GivenDose("tocilizumab", datetime(2024, 11, 10), 640.0, False),
    ]
    assert doses[1].latest == datetime(2024, 11, 11)  # counted at the end of its day


def test_the_grades_reasons_are_in_the_language_asked_also_by_iectox_advise(tmp_path):
    bedside = infusion_bedside(small_dataset(), "INF-001", lang="fr")
    assert bedside.crs.reason == "grade 2 : lunettes nasales à bas débit 4 L/min"
    assert bedside.icans.reason == "grade 0 : ICE 10/10, aucun autre domaine atteint"
    folder = write_dataset(small_dataset(), tmp_path / "data")
    result = CliRunner().invoke(
        app, ["advise", str(folder), "--infusion-id", "INF-001", "--lang", "fr"], terminal_width=240
    )
    assert result.exit_code == 0, result.output
    assert "CRS : grade 2 (grade 2 : lunettes nasales à bas débit 4 L/min)" in result.output
