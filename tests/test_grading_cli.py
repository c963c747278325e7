"""`iectox grade` on a hand-made observations CSV and on a small dataset."""

from __future__ import annotations

import csv

from typer.testing import CliRunner

from factories import small_dataset
from iectox.cli.commands import app
from iectox.io import write_dataset

HEADER = (
    "infusion_id,observed_at,temperature_c,hypotension,vasopressors,vasopressin,oxygen_device,oxygen_l_min,"
    "ice_score,consciousness,seizure,motor_weakness,cerebral_edema,capd_score,antipyretic_or_anticytokine_given,"
    "age_years"
)
OBSERVATIONS = f"""{HEADER}
INF-1,2024-03-06 08:00,37.9,no,0,no,none,,10,alert,none,no,none,,no,
INF-1,2024-03-06 14:00,38.0,no,0,no,nasal_cannula,6,9,alert,none,no,none,,no,
INF-1,2024-03-06 20:00,"38,5",yes,0,no,NC,8,5,alert,none,no,none,,no,
INF-1,2024-03-07,37.0,no,0,no,room air,,10,alert,none,no,none,,yes,
INF-2,2024-03-06 08:00,38.2,no,0,no,none,,,wakes to voice,none,no,none,10,no,8
"""


def run(*args: str):
    return CliRunner().invoke(app, ["grade", *args], terminal_width=200)


def read(path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_reasons_in_the_language_asked(tmp_path):
    source = tmp_path / "bedside.csv"
    source.write_text(OBSERVATIONS, encoding="utf-8")
    result = run(str(source), "--out", str(tmp_path / "out"), "--lang", "fr")
    assert result.exit_code == 0, result.output
    graded = read(tmp_path / "out" / "graded_observations.csv")
    assert graded[1]["crs_reason"] == "grade 2 : lunettes nasales à bas débit 6 L/min"


def test_lone_observations_csv(tmp_path):
    source = tmp_path / "bedside.csv"
    source.write_text(OBSERVATIONS, encoding="utf-8")
    result = run(str(source), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert "5 observation rows graded; 4 episodes (2 CRS, 2 ICANS)" in result.output
    graded = read(tmp_path / "out" / "graded_observations.csv")
    assert list(graded[0])[-5:] == ["age_years", "crs_grade", "crs_reason", "icans_grade", "icans_reason"]
    assert [(r["crs_grade"], r["crs_reason"]) for r in graded[1:3]] == [
        ("2", "grade 2: low-flow nasal cannula 6 L/min"),
        ("3", "grade 3: high-flow nasal cannula 8 L/min"),
    ]
    assert (graded[2]["temperature_c"], graded[2]["oxygen_device"]) == ("38.5", "nasal_cannula")
    assert (graded[4]["icans_grade"], graded[4]["icans_reason"]) == ("3", "grade 3: CAPD 10 (child)")
    episodes = read(tmp_path / "out" / "episodes.csv")
    assert list(episodes[0]) == [
        "infusion_id",
        "syndrome",
        "onset_at",
        "resolved_at",
        "max_grade",
        "recorded_max_grade",
        "recorded_scale",
        "agrees",
    ]
    assert episodes[0] == {
        "infusion_id": "INF-1",
        "syndrome": "CRS",
        "onset_at": "2024-03-06 14:00",
        "resolved_at": "2024-03-07",
        "max_grade": "3",
        "recorded_max_grade": "",
        "recorded_scale": "",
        "agrees": "",
    }


def test_invalid_observations_are_reported_like_validate(tmp_path):
    source = tmp_path / "bedside.csv"
    source.write_text(OBSERVATIONS.replace("38.2", "hot").replace("age_years", "age_yrs"), encoding="utf-8")
    result = run(str(source), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "bedside.csv, row 6, column temperature_c: 'hot' is not a number" in result.output
    assert (
        "column 'age_yrs' is not part of the observations table; did you mean 'age_years'?" in result.output
    )
    assert not (tmp_path / "out").exists()


def test_small_dataset(tmp_path):
    folder = write_dataset(small_dataset(), tmp_path / "registry")
    result = run(str(folder), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert "agreement with recorded ASTCT 2019 grades 1/2 (50.0 %)" in result.output
    episodes = read(tmp_path / "out" / "episodes.csv")
    assert [
        (e["infusion_id"], e["syndrome"], e["max_grade"], e["recorded_max_grade"], e["agrees"])
        for e in episodes
    ] == [
        ("INF-001", "CRS", "2", "2", "yes"),
        ("INF-001", "ICANS", "0", "1", "no"),
        ("INF-003", "CRS", "", "3", "other scale, not compared"),
    ]
    assert len(read(tmp_path / "out" / "graded_observations.csv")) == 1


def test_a_lone_file_is_held_to_the_contract_ranges(tmp_path):
    """25 °C and an age of 130 are refused when the file is read, with the contract's ranges, before grading."""
    source = tmp_path / "bedside.csv"
    source.write_text(OBSERVATIONS.replace("37.9", "25").replace("no,8\n", "no,130\n"), encoding="utf-8")
    result = run(str(source), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    text = " ".join(result.output.split())
    assert "row 2, column temperature_c: temperature_c 25 is outside the plausible range 30-44 °C" in text
    assert "row 6, column age_years: age_years 130 is outside the plausible range 0-110 years" in text
    assert not (tmp_path / "out" / "graded_observations.csv").exists()


def test_a_lone_file_may_say_developmental_delay(tmp_path):
    """A patient of 17 with developmental delay is graded by CAPD (Lee 2019; ASCO 2021 up to 21 years), the
    same row without it by ICE."""
    source = tmp_path / "bedside.csv"
    source.write_text(
        "infusion_id,observed_at,ice_score,capd_score,consciousness,age_years,developmental_delay\n"
        "INF-1,2024-03-06 08:00,9,10,alert,17,yes\n"
        "INF-2,2024-03-06 08:00,9,10,alert,17,no\n",
        encoding="utf-8",
    )
    result = run(str(source), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    graded = read(tmp_path / "out" / "graded_observations.csv")
    assert [(r["icans_grade"], r["icans_reason"]) for r in graded] == [
        (
            "3",
            "grade 3 (lower bound): CAPD 10 (child); not recorded: seizure, motor_weakness, cerebral_edema",
        ),
        ("1", "grade 1 (lower bound): ICE 9/10; not recorded: seizure, motor_weakness, cerebral_edema"),
    ]
