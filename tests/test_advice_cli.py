"""Bedside advice from observations, in words (English and French), and `iectox advise`."""

from __future__ import annotations

import json
from datetime import datetime

import pandas as pd
import pytest
from typer.testing import CliRunner

from factories import small_dataset
from iectox.cli.commands import app
from iectox.io import write_dataset
from iectox.management.advice import advise
from iectox.management.advice_items import GIVE, WAIT
from iectox.management.bedside import Bedside, GivenDose, Syndrome, bedside_from_observations
from iectox.render.advice import advice_text, headline, reason_sources, reason_text

HEADER = (
    "infusion_id,observed_at,temperature_c,hypotension,vasopressors,vasopressin,oxygen_device,oxygen_l_min,"
    "ice_score,consciousness,seizure,motor_weakness,cerebral_edema,capd_score,antipyretic_or_anticytokine_given"
)
# A febrile patient (grade 1 at 08:00) who becomes hypotensive at 10:00 (grade 2), still so at 11:00.
FEBRILE_HYPOTENSIVE = f"""{HEADER}
INF-1,2024-01-10 08:00,38.4,no,0,no,none,,10,alert,none,no,none,,no
INF-1,2024-01-10 10:00,38.9,yes,0,no,none,,10,alert,none,no,none,,no
INF-1,2024-01-10 11:00,38.7,yes,0,no,none,,9,alert,none,no,none,,no
"""


def observations() -> pd.DataFrame:
    ts = pd.Timestamp
    return pd.DataFrame(
        {
            "infusion_id": ["INF-1"] * 3,
            "observed_at": [ts("2024-01-10 08:00"), ts("2024-01-10 10:00"), ts("2024-01-10 11:00")],
            "temperature_c": [38.4, 38.9, 38.7],
            "hypotension": pd.array([False, True, True], dtype="boolean"),
            "vasopressors": pd.array([0, 0, 0], dtype="Int64"),
            "ice_score": pd.array([10, 10, 9], dtype="Int64"),
            "consciousness": ["alert"] * 3,
        }
    )


def test_the_bedside_is_graded_by_astct_from_its_observations():
    bedside = bedside_from_observations(observations(), weight_kg=70)
    assert (bedside.at, bedside.crs.grade, bedside.icans.grade) == (datetime(2024, 1, 10, 11), 2, 1)
    assert bedside.crs.reason.startswith("grade 2")
    assert (bedside.crs.onset_at, bedside.crs.first_at(2)) == (
        datetime(2024, 1, 10, 8),
        datetime(2024, 1, 10, 10),
    )
    (item,) = [a for a in advise(bedside).items if a.drug == "tocilizumab"]
    assert (item.action, item.dose_mg, item.due_by) == (GIVE, 560.0, datetime(2024, 1, 10, 12))  # 10:00 + 2 h


def test_the_bedside_at_an_earlier_time_reads_only_what_was_seen_by_then():
    bedside = bedside_from_observations(observations(), at=datetime(2024, 1, 10, 9))
    assert (bedside.crs.grade, dict(bedside.crs.reached)) == (1, {1: datetime(2024, 1, 10, 8)})


def test_observations_of_two_infusions_are_refused():
    two = observations().assign(infusion_id=["INF-1", "INF-2", "INF-1"])
    with pytest.raises(ValueError, match="2 infusions"):
        bedside_from_observations(two)


AT = datetime(2024, 1, 10, 9)


def test_the_headline_in_english_and_french():
    result = advise(Bedside(AT, crs=Syndrome(2, reached={2: datetime(2024, 1, 10, 8)}), weight_kg=70))
    (item,) = result.items
    assert headline(item, AT, "en") == (
        "Grade 2 CRS: tocilizumab 8 mg/kg = 560 mg (vials 1 x 400 mg + 2 x 80 mg); "
        "pathway target: by 10:00 (within 2 h)"
    )
    assert headline(item, AT, "fr") == (
        "CRS de grade 2 : tocilizumab 8 mg/kg = 560 mg (flacons 1 x 400 mg + 2 x 80 mg) ; "
        "objectif du protocole : avant 10:00 (dans les 2 h)"
    )
    assert (
        reason_text(item.reasons[0], "fr")
        == "CRS de grade 2 : le protocole prévoit le tocilizumab dès le grade 2."
    )
    assert reason_sources(item.reasons[0], "fr")[0].startswith("docs/sources.md, Parcours de prise en charge")


def test_the_wait_and_the_steroids_in_french():
    doses = (GivenDose("tocilizumab", datetime(2024, 1, 10, 6), 560.0),)
    bedside = Bedside(AT, crs=Syndrome(3, reached={1: datetime(2024, 1, 10, 5)}), weight_kg=70, doses=doses)
    toci, dexa = advise(bedside).items
    assert toci.action == WAIT
    assert headline(toci, AT, "en") == "Grade 3 CRS: tocilizumab: next dose no sooner than 14:00"
    assert headline(toci, AT, "fr") == "CRS de grade 3 : tocilizumab : prochaine dose pas avant 14:00"
    assert headline(dexa, AT, "fr") == "CRS de grade 3 : dexaméthasone 10 mg toutes les 6 h"
    text = advice_text(advise(bedside), "fr")
    assert "Dernier tocilizumab le 2024-01-10 06:00 ; l'AMM impose au moins 8 h entre deux doses." in text


def run(*args: str):
    return CliRunner().invoke(app, ["advise", *args], terminal_width=240)


def test_cli_with_grades_typed_in():
    result = run(
        "--crs-grade", "2", "--weight-kg", "70", "--crs-since", "2024-01-10 08:00", "--at", "2024-01-10 09:00"
    )
    assert result.exit_code == 0, result.output
    assert (
        "Grade 2 CRS: tocilizumab 8 mg/kg = 560 mg (vials 1 x 400 mg + 2 x 80 mg); pathway target: by 10:00"
        in result.output
    )


def test_cli_with_observations_doses_pathway_and_json_in_french(tmp_path):
    bedside = tmp_path / "bedside.csv"
    bedside.write_text(FEBRILE_HYPOTENSIVE, encoding="utf-8")
    doses = tmp_path / "doses.csv"
    doses.write_text("drug,given_at,dose_mg\ntocilizumab,2024-01-10 10:30,560\n", encoding="utf-8")
    out = tmp_path / "advice.json"
    result = run(
        str(bedside), "--weight-kg", "70,5", "--doses", str(doses), "--json", str(out), "--lang", "fr"
    )
    assert result.exit_code == 0, result.output
    assert "CRS de grade 2 : tocilizumab : prochaine dose pas avant 18:30" in result.output
    saved = json.loads(out.read_text(encoding="utf-8"))
    assert (saved["crs_grade"], saved["advice"][0]["not_before"]) == (2, "2024-01-10T18:30")
    assert saved["advice"][0]["dose_mg"] == 564.0  # 70.5 kg x 8 mg/kg


def test_cli_on_one_infusion_of_a_dataset(tmp_path):
    folder = write_dataset(small_dataset(), tmp_path / "data")
    result = run(str(folder), "--infusion-id", "INF-001")
    assert result.exit_code == 0, result.output
    assert "At 2023-05-20 08:00" in result.output  # the latest of its observation and its tocilizumab dose
    assert "next dose no sooner than 16:00" in result.output  # 71.4 kg, the dose of 08:00 from the dataset
    refused = run(str(folder))
    assert refused.exit_code == 2 and "--infusion-id" in refused.output


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--crs-grade", "7"], "7 is not a bedside ASTCT grade (0 to 4)"),
        (["--crs-grade", "2", "--at", "tomorrow"], "'tomorrow' is not a date and time"),
        (["--crs-grade", "2", "--weight-kg", "700"], "kg is outside the plausible range"),
        (["--crs-grade", "2", "--therapy", "Yescarte"], "'Yescarte' is not a product iectox knows"),
        ([], "give either the grades"),
    ],
)
def test_cli_refuses_bad_options_in_a_sentence(args, said):
    result = run(*args)
    assert result.exit_code == 2
    assert said in " ".join(result.output.split()), result.output
    assert "Traceback" not in result.output


def test_cli_reports_a_bad_doses_file_by_row_and_column(tmp_path):
    doses = tmp_path / "doses.csv"
    doses.write_text("drug,given_at,dose_mg\naspirine,2024-01-10 10:30,560\n", encoding="utf-8")
    result = run("--crs-grade", "2", "--doses", str(doses))
    assert result.exit_code == 1
    assert "row 2, column drug" in result.output and "no advice was given" in result.output
