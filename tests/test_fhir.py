"""FHIR R4 Bundles per patient, validated with `fhir.resources` (its R4B models: FHIR 4.3, whose Patient,
MedicationAdministration, Observation and AdverseEvent are those of R4 4.0.1)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pydantic
import pytest
from fhir.resources.R4B.bundle import Bundle
from typer.testing import CliRunner

from factories import seed_cohort, small_dataset
from iectox.cli.main import app
from iectox.errors import DatasetInvalid
from iectox.io import write_dataset
from iectox.io.fhir import GRADE_EXTENSION, patient_bundles, write_bundles
from iectox.io.fhir.bundle import DATA_ABSENT


@pytest.fixture(scope="module")
def demo():
    return seed_cohort()


@pytest.fixture(scope="module")
def bundles(demo):
    return dict(patient_bundles(demo, "Europe/Paris"))


def _resources(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_one_bundle_per_patient_with_every_row(demo, bundles):
    assert list(bundles) == list(demo["patients"]["patient_id"])
    kinds = Counter(e["resource"]["resourceType"] for b in bundles.values() for e in b["entry"])
    observations = demo["observations"]
    findings = [
        c.name
        for c in demo.schema.table("observations").columns
        if c.name not in ("infusion_id", "observed_at")
    ]
    measured = sum(int(observations[c].notna().sum()) for c in findings)
    assert len(findings) == 16
    assert kinds == {
        "Patient": 401,
        "MedicationAdministration": 401 + len(demo["administrations"]),
        "AdverseEvent": len(demo["toxicity_episodes"]) == 391 and 391,
        "Observation": measured,
    }


def test_bundles_validate_with_fhir_resources(bundles):
    for bundle in list(bundles.values())[:60]:  # every resource kind, each shape of time; all 401 take 12 s
        Bundle.model_validate(bundle)


def test_the_validator_refuses_a_broken_bundle(bundles):
    bundle = json.loads(json.dumps(next(iter(bundles.values()))))
    del _resources(bundle, "AdverseEvent")[0]["subject"]  # required in R4
    with pytest.raises(pydantic.ValidationError, match="subject"):
        Bundle.model_validate(bundle)


def test_patient_episode_grade_and_scale(demo, bundles):
    episode = demo["toxicity_episodes"].iloc[0]
    infusion = demo["infusions"].set_index("infusion_id").loc[episode["infusion_id"]]
    bundle = bundles[infusion["patient_id"]]
    [patient] = _resources(bundle, "Patient")
    assert patient["identifier"][0]["value"] == infusion["patient_id"]
    assert "name" not in patient
    event = next(
        e for e in _resources(bundle, "AdverseEvent") if e["identifier"]["value"] == episode["episode_id"]
    )
    grade = {
        x["url"]: next(v for k, v in x.items() if k.startswith("value"))
        for x in event["extension"][0]["extension"]
    }
    assert event["extension"][0]["url"] == GRADE_EXTENSION
    assert (grade["grade"], grade["scale"]) == (int(episode["max_grade"]), episode["grading_scale"])
    assert event["event"]["coding"][0]["code"] == episode["syndrome"]
    suspect = event["suspectEntity"][0]["instance"]["reference"]
    therapy = next(e for e in bundle["entry"] if e["fullUrl"] == suspect)["resource"]
    assert therapy["medicationCodeableConcept"]["coding"][0]["code"] == infusion["therapy"]


def test_grading_inputs_are_observations(demo, bundles):
    row = demo["observations"].iloc[0]
    patient = demo["infusions"].set_index("infusion_id").loc[row["infusion_id"], "patient_id"]
    codes = {
        o["code"]["coding"][0]["code"]: o
        for o in _resources(bundles[patient], "Observation")
        if o["effectiveDateTime"] == row["observed_at"].strftime("%Y-%m-%dT%H:%M:00") + "+01:00"
        or o["effectiveDateTime"] == row["observed_at"].strftime("%Y-%m-%dT%H:%M:00") + "+02:00"
    }
    assert codes["hypotension"]["valueBoolean"] is bool(row["hypotension"])
    assert codes["vasopressors"]["valueInteger"] == int(row["vasopressors"])
    assert codes["8310-5"]["valueQuantity"] == {
        "value": float(row["temperature_c"]),
        "unit": "°C",
        "system": "http://unitsofmeasure.org",
        "code": "Cel",
    }


def test_times_keep_the_day_alone_and_the_wards_offset(tmp_path: Path):
    bundles = dict(patient_bundles(small_dataset(), "Europe/Paris"))
    doses = {
        d["identifier"][0]["value"]: d
        for b in bundles.values()
        for d in _resources(b, "MedicationAdministration")
    }
    given = {key: dose.get("effectiveDateTime") for key, dose in doses.items() if key.startswith("ADM")}
    assert given["ADM-001"] == "2023-05-20T08:00:00+02:00"  # summer time in Paris
    assert given["ADM-003"] == "2024-11-10"  # the hour was not recorded: the day alone
    assert given["ADM-002"] is None
    assert doses["ADM-002"]["effectivePeriod"]["extension"][0] == {
        "url": DATA_ABSENT,
        "valueCode": "unknown",
    }
    for bundle in bundles.values():
        Bundle.model_validate(bundle)


def test_command_writes_one_file_per_patient(tmp_path: Path):
    data = write_dataset(small_dataset(), tmp_path / "data")
    runner = CliRunner()
    done = runner.invoke(
        app, ["fhir", str(data), "--out", str(tmp_path / "fhir"), "--timezone", "Europe/Paris"]
    )
    assert done.exit_code == 0, done.output
    files = sorted(p.name for p in (tmp_path / "fhir").glob("*.json"))
    assert files == [f"{p}.json" for p in sorted(small_dataset()["patients"]["patient_id"])]
    Bundle.model_validate(json.loads((tmp_path / "fhir" / files[0]).read_text(encoding="utf-8")))
    done = runner.invoke(
        app, ["fhir", str(data), "--out", str(tmp_path / "x"), "--timezone", "Mars/Olympus", "--lang", "fr"]
    )
    assert done.exit_code == 2 and not (tmp_path / "x").exists()
    assert "n'est pas un fuseau horaire" in done.output


def test_an_invalid_dataset_is_not_written(tmp_path: Path):
    dataset = small_dataset()
    dataset["toxicity_episodes"].loc[0, "infusion_id"] = "INF-404"
    with pytest.raises(DatasetInvalid):
        write_bundles(dataset, tmp_path / "fhir")
    assert not (tmp_path / "fhir").exists()
