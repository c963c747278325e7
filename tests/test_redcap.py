"""REDCap both ways: the data dictionary from the contract, a dataset as REDCap records, an export read back.

REDCap's data dictionary columns are those its "Data Dictionary" page downloads (18 columns, from
"Variable / Field Name" to "Field Annotation"); a flat export has `redcap_repeat_instrument` and
`redcap_repeat_instance` after the record id, and `redcap_event_name` in a longitudinal project.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from factories import seed_cohort, small_dataset
from iectox.cli.main import app
from iectox.dataset import Dataset
from iectox.errors import DatasetInvalid, OutputRefused, SourceError
from iectox.io import read_dataset, write_dataset
from iectox.io.redcap import dictionary_frame, import_redcap, record_rows, write_dictionary, write_records
from iectox.io.redcap.fields import FIELDS_BY_NAME, HEADER, form_label
from iectox.schema import CONTRACT

REDCAP_HEADER = (
    '"Variable / Field Name","Form Name","Section Header","Field Type","Field Label",'
    '"Choices, Calculations, OR Slider Labels","Field Note","Text Validation Type OR Show Slider Number",'
    '"Text Validation Min","Text Validation Max","Identifier?","Branching Logic (Show field only if...)",'
    '"Required Field?","Custom Alignment","Question Number (surveys only)","Matrix Group Name",'
    '"Matrix Ranking?","Field Annotation"'
)


@pytest.fixture(scope="module")
def demo():
    return seed_cohort()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_dictionary(tmp_path / "dictionary.csv", "en")[0]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _small():
    """The hand-made dataset to the minute: a REDCap hour is HH:MM (its seconds are refused, tested below)."""
    dataset = small_dataset()
    for table in dataset.schema.tables:
        for column in table.columns:
            if column.kind.name == "DATETIME":
                dataset[table.name][column.name] = dataset[table.name][column.name].dt.floor("min")
    return dataset


def _write(frame: pd.DataFrame, path: Path) -> Path:
    frame.to_csv(path, index=False)
    return path


def _same(a, b) -> None:
    for name in a.schema.table_names:
        pd.testing.assert_frame_equal(a[name], b[name], obj=name)


# -- the dictionary ---------------------------------------------------------------------------------------


def test_dictionary_has_redcaps_columns_and_the_record_id_first(project: Path):
    assert next(csv.reader([REDCAP_HEADER])) == list(HEADER)
    rows = _rows(project)
    assert list(rows[0]) == list(HEADER)
    assert (rows[0]["Variable / Field Name"], rows[0]["Form Name"], rows[0]["Required Field?"]) == (
        "patient_id",
        "patient",
        "y",
    )
    forms = list(dict.fromkeys(row["Form Name"] for row in rows))
    assert forms == [
        "patient",
        "infusion",
        "toxicity_episode",
        "administration",
        "observation",
        "outcome",
        "lab",
    ]


@pytest.mark.parametrize(
    ("field", "kind", "validation", "low", "high", "required"),
    [
        ("max_grade", "text", "integer", "0", "5", ""),
        ("temperature_c", "text", "number", "30", "44", ""),
        ("dose_mg", "text", "number", "", "", ""),  # above 0: REDCap's minimum would let 0 through
        ("infusion_date", "text", "date_ymd", "", "", ""),
        ("onset_at_date", "text", "date_ymd", "", "", ""),
        ("onset_at_time", "text", "time", "", "", ""),
        ("observed_at_date", "text", "date_ymd", "", "", "y"),
        ("observed_at_time", "text", "time", "", "", ""),
        ("hypotension", "yesno", "", "", "", ""),
        ("syndrome", "radio", "", "", "", "y"),
        ("therapy", "dropdown", "", "", "", "y"),
        ("toxicity_episode_infusion_id", "text", "", "", "", "y"),
    ],
)
def test_dictionary_field_types_validations_and_required_flags(
    project, field, kind, validation, low, high, required
):
    row = next(row for row in _rows(project) if row["Variable / Field Name"] == field)
    assert (
        row["Field Type"],
        row["Text Validation Type OR Show Slider Number"],
        row["Text Validation Min"],
        row["Text Validation Max"],
        row["Required Field?"],
    ) == (kind, validation, low, high, required)


def test_dictionary_choices_in_the_chosen_language(tmp_path: Path):
    english = dictionary_frame("en").set_index("Variable / Field Name")
    french = dictionary_frame("fr").set_index("Variable / Field Name")
    choices = "Choices, Calculations, OR Slider Labels"
    assert english.loc["syndrome", choices] == (
        "CRS, Cytokine release syndrome | ICANS, Immune effector cell-associated neurotoxicity syndrome"
        " | IEC_HS, IEC-associated HLH-like syndrome"
    )
    assert english.loc["sex", choices] == "male, Male | female, Female | other, Other | unknown, Unknown"
    assert french.loc["sex", choices] == "male, Homme | female, Femme | other, Autre | unknown, Inconnu"
    assert french.loc["sex", "Field Note"] == "Sexe tel qu'enregistré."
    assert english.loc["onset_at_time", "Field Label"] == "onset_at: hour (HH:MM), blank when not recorded"
    assert french.loc["weight_kg", "Field Label"] == "weight_kg (kg)"
    sections = english["Section Header"]
    assert list(sections[sections != ""].index) == [
        "patient_id",
        "infusion_id",
        "episode_id",
        "administration_id",
        "observation_infusion_id",
        "outcome_infusion_id",
        "lab_infusion_id",
    ]
    assert sections["administration_id"] == CONTRACT.table("administrations").description


def test_repeating_instruments_are_declared_beside_the_dictionary(tmp_path: Path):
    _, repeating = write_dictionary(tmp_path / "project.csv", "fr")
    assert repeating.name == "project_repeating_instruments.csv"
    assert [row["form_name"] for row in _rows(repeating)] == [
        "infusion",
        "toxicity_episode",
        "administration",
        "observation",
        "outcome",
        "lab",
    ]


# -- round trips ------------------------------------------------------------------------------------------


def test_demo_cohort_round_trip_gives_the_same_dataset(demo, project, tmp_path: Path):
    records = write_records(demo, tmp_path / "records.csv")
    back = import_redcap(records, project)
    _same(demo, back)
    assert back.counts()["observations"] == len(demo["observations"]) > 10_000


def test_records_are_one_patient_row_then_numbered_instances(tmp_path: Path):
    dataset = _small()
    rows = record_rows(dataset)
    first = dataset["patients"]["patient_id"].iloc[0]
    mine = rows[rows["patient_id"] == first]
    assert mine["redcap_repeat_instrument"].iloc[0] == ""
    infusions = mine[mine["redcap_repeat_instrument"] == "infusion"]
    assert list(infusions["redcap_repeat_instance"]) == [str(n) for n in range(1, len(infusions) + 1)]
    assert set(rows["hypotension"]) <= {"", "1", "0"}


def test_a_cohort_without_observations_round_trips(project, tmp_path: Path):
    """A registry that records no observations (iectox synth without them): the records are written and read
    back whole (a date and hour field of an empty table raised KeyError)."""
    dataset = _small()
    dataset = Dataset.from_frames({**dataset.tables, "observations": dataset["observations"].iloc[0:0]})
    back = import_redcap(write_records(dataset, tmp_path / "records.csv"), project)
    _same(dataset, back)
    assert back.counts()["observations"] == 0


def test_label_export_in_french_reads_back(demo, tmp_path: Path):
    french = write_dictionary(tmp_path / "dictionnaire.csv", "fr")[0]
    rows = record_rows(demo)
    labels = {
        row["Variable / Field Name"]: dict(
            part.strip().split(", ", 1) for part in row["Choices, Calculations, OR Slider Labels"].split("|")
        )
        for row in _rows(french)
        if row["Choices, Calculations, OR Slider Labels"]
    }
    for name, choices in labels.items():
        rows[name] = rows[name].map(lambda v, c=choices: c.get(v, v))
    for name in (
        "hypotension",
        "vasopressin",
        "motor_weakness",
        "sedated",
        "antipyretic_or_anticytokine_given",
    ):
        rows[name] = rows[name].map({"1": "Yes", "0": "No", "": ""})
    rows["redcap_repeat_instrument"] = rows["redcap_repeat_instrument"].map(
        lambda f: form_label(f) if f else ""
    )
    assert "Homme" in set(rows["sex"]) and "Toxicity Episode" in set(rows["redcap_repeat_instrument"])
    _same(demo, import_redcap(_write(rows, tmp_path / "labels.csv"), french))


def test_longitudinal_export_with_events_and_status_columns(tmp_path: Path, project: Path):
    dataset = _small()
    rows = record_rows(dataset)
    rows.insert(1, "redcap_event_name", "baseline_arm_1")
    rows["patient_complete"] = "2"
    blank = rows[rows["redcap_repeat_instrument"] == ""].copy()
    blank.loc[:, ["sex", "birth_year", "centre"]] = ""
    blank["redcap_event_name"] = "follow_up_arm_1"  # another event: the patient instrument empty there
    rows = pd.concat([rows, blank], ignore_index=True)
    _same(dataset, import_redcap(_write(rows, tmp_path / "events.csv"), project))


def test_formula_like_text_is_neutralised_and_read_back(tmp_path: Path, project: Path):
    dataset = _small()
    dataset["patients"].loc[0, "centre"] = "=HYPERLINK(1)"
    records = write_records(dataset, tmp_path / "records.csv")
    assert "'=HYPERLINK(1)" in records.read_text(encoding="utf-8")
    assert import_redcap(records, project)["patients"].loc[0, "centre"] == "=HYPERLINK(1)"


def test_seconds_are_refused_rather_than_lost(tmp_path: Path):
    with pytest.raises(OutputRefused, match="'2024-11-09 08:15:30' has seconds"):
        write_records(small_dataset(), tmp_path / "records.csv")
    assert not (tmp_path / "records.csv").exists()


# -- bad input: one clear error, nothing imported -------------------------------------------------------------


def _records(tmp_path: Path) -> pd.DataFrame:
    return record_rows(_small())


def _problems(tmp_path: Path, project: Path, rows: pd.DataFrame) -> list:
    with pytest.raises(DatasetInvalid) as caught:
        import_redcap(_write(rows, tmp_path / "export.csv"), project)
    return [issue for issue in caught.value.issues if issue.severity == "error"]


def test_unknown_instrument_names_record_instance_and_row(tmp_path: Path, project: Path):
    rows = _records(tmp_path)
    at = rows.index[rows["redcap_repeat_instrument"] == "administration"][0]
    rows.loc[at, "redcap_repeat_instrument"] = "labs"
    [issue] = _problems(tmp_path, project, rows)
    assert (issue.rule, issue.row, issue.column, issue.value) == (
        "redcap_instrument",
        at + 2,
        "redcap_repeat_instrument",
        "labs",
    )
    record, instance = rows.loc[at, "patient_id"], rows.loc[at, "redcap_repeat_instance"]
    assert issue.text("en").startswith(f"record {record}, instrument labs, instance {instance}, field ")
    assert "n'est pas un instrument répétable" in issue.text("fr")


def test_choice_code_not_in_the_dictionary(tmp_path: Path, project: Path):
    rows = _records(tmp_path)
    at = rows.index[rows["redcap_repeat_instrument"] == "toxicity_episode"][1]
    rows.loc[at, "syndrome"] = "CRS2"
    [issue] = _problems(tmp_path, project, rows)
    assert (issue.rule, issue.row, issue.column, issue.value) == ("redcap_choice", at + 2, "syndrome", "CRS2")
    assert "instrument toxicity_episode, instance" in issue.text("en")
    assert "(CRS, ICANS, IEC_HS)" in issue.text("en")


def test_contract_validation_is_said_at_the_redcap_field(tmp_path: Path, project: Path):
    rows = _records(tmp_path)
    at = rows.index[rows["redcap_repeat_instrument"] == "observation"][0]
    rows.loc[at, "temperature_c"] = "50"
    rows.loc[at, "observed_at_date"] = ""
    problems = _problems(tmp_path, project, rows)
    by_field = {issue.column: issue for issue in problems}
    assert set(by_field) == {"temperature_c", "observed_at_date"}
    assert {issue.row for issue in problems} == {at + 2}
    record, instance = rows.loc[at, "patient_id"], rows.loc[at, "redcap_repeat_instance"]
    assert (
        by_field["temperature_c"]
        .text("en")
        .startswith(f"record {record}, instrument observation, instance {instance}, field temperature_c: ")
    )
    assert by_field["temperature_c"].rule == "range"
    assert by_field["temperature_c"].text("fr").startswith(f"dossier {record}, instrument observation")


def test_a_column_not_in_the_dictionary(tmp_path: Path, project: Path):
    rows = _records(tmp_path)
    rows["ferritin"] = ""
    [issue] = _problems(tmp_path, project, rows)
    assert (issue.rule, issue.row, issue.column) == ("redcap_columns", 1, "ferritin")


def test_a_dictionary_that_does_not_match(tmp_path: Path, project: Path):
    records = write_records(_small(), tmp_path / "records.csv")
    frame = pd.read_csv(project, dtype=str, keep_default_na=False)
    frame.loc[frame["Variable / Field Name"] == "max_grade", "Text Validation Type OR Show Slider Number"] = (
        "number"
    )
    changed = _write(frame, tmp_path / "changed.csv")
    with pytest.raises(SourceError) as caught:
        import_redcap(records, changed)
    assert "field max_grade, validation: 'number' where the contract gives 'integer'" in caught.value.text(
        "en"
    )
    assert "champ max_grade" in caught.value.text("fr")
    frame = pd.read_csv(project, dtype=str, keep_default_na=False)
    removed = _write(frame[frame["Variable / Field Name"] != "seizure"], tmp_path / "removed.csv")
    with pytest.raises(SourceError, match="field seizure is missing"):
        import_redcap(records, removed)
    assert FIELDS_BY_NAME["seizure"].form == "observation"


# -- the commands -----------------------------------------------------------------------------------------


def test_commands_write_dictionary_records_and_import(tmp_path: Path):
    runner = CliRunner()
    data = write_dataset(_small(), tmp_path / "data")
    dictionary = tmp_path / "dictionnaire.csv"
    done = runner.invoke(app, ["redcap", "dictionary", str(dictionary), "--lang", "fr"])
    assert done.exit_code == 0, done.output
    assert (tmp_path / "dictionnaire_repeating_instruments.csv").exists()
    records = tmp_path / "records.csv"
    done = runner.invoke(app, ["redcap", "records", str(data), "--out", str(records)])
    assert done.exit_code == 0, done.output
    done = runner.invoke(
        app, ["import-redcap", str(records), "-d", str(dictionary), "--out", str(tmp_path / "back")]
    )
    assert done.exit_code == 0, done.output
    _same(read_dataset(data), read_dataset(tmp_path / "back"))


def test_import_command_refuses_and_writes_nothing(tmp_path: Path, project: Path):
    rows = _records(tmp_path)
    rows.loc[rows["redcap_repeat_instrument"] == "infusion", "therapy"] = "yescarta"
    export = _write(rows, tmp_path / "export.csv")
    errors = tmp_path / "problems.json"
    out = tmp_path / "out"
    done = CliRunner().invoke(
        app,
        [
            "import-redcap",
            str(export),
            "-d",
            str(project),
            "--out",
            str(out),
            "--errors-json",
            str(errors),
            "--lang",
            "fr",
        ],
    )
    assert done.exit_code == 1
    assert not out.exists()
    problems = json.loads(errors.read_text(encoding="utf-8"))
    assert {p["rule"] for p in problems} == {"redcap_choice"}
    assert len(problems) == (rows["redcap_repeat_instrument"] == "infusion").sum()
    assert "n'est pas un choix de ce champ" in done.output


def test_rows_that_repeat_or_misplace_data(tmp_path: Path, project: Path):
    rows = _records(tmp_path)
    patient_rows = rows.index[rows["redcap_repeat_instrument"] == ""]
    twice = rows.loc[[patient_rows[0]]]  # the patient instrument again for the same record
    dose = rows.index[rows["redcap_repeat_instrument"] == "administration"][0]
    copy = rows.loc[[dose]]  # the same instance of a repeating instrument again
    rows.loc[patient_rows[1], "therapy"] = "tisagenlecleucel"  # an infusion field in the patient row
    rows = pd.concat([rows, twice, copy], ignore_index=True)
    problems = _problems(tmp_path, project, rows)
    found = {(issue.rule, issue.row, issue.column) for issue in problems}
    assert found == {
        ("redcap_instrument", patient_rows[1] + 2, "therapy"),
        ("redcap_patient_twice", len(rows), "patient_id"),
        ("redcap_instance", len(rows) + 1, "redcap_repeat_instance"),
    }
    misplaced = next(issue for issue in problems if issue.rule == "redcap_instrument")
    assert misplaced.text("en").endswith(
        "field therapy: the field belongs to instrument infusion, and this row is of instrument patient"
    )


@pytest.mark.parametrize("instance", ["0", "two", ""])
def test_a_repeat_instance_that_is_not_a_count(tmp_path: Path, project: Path, instance: str):
    rows = _records(tmp_path)
    at = rows.index[rows["redcap_repeat_instrument"] == "outcome"][0]
    rows.loc[at, "redcap_repeat_instance"] = instance
    [issue] = _problems(tmp_path, project, rows)
    assert (issue.rule, issue.row, issue.value) == ("redcap_instance", at + 2, instance)


def test_label_headers_and_values_in_french_read_back(demo, tmp_path: Path):
    """REDCap's "CSV (labels)": field labels as headers (`infusion_id` in five instruments), `Repeat
    Instrument`, `Repeat Instance`, `Complete?` after each instrument, and labels as values."""
    french = write_dictionary(tmp_path / "dictionnaire.csv", "fr")[0]
    dictionary = _rows(french)
    rows = record_rows(demo)
    for row in dictionary:
        choices = row["Choices, Calculations, OR Slider Labels"]
        if choices:
            labels = dict(part.strip().split(", ", 1) for part in choices.split("|"))
            rows[row["Variable / Field Name"]] = rows[row["Variable / Field Name"]].map(
                lambda v, c=labels: c.get(v, v)
            )
    rows["redcap_repeat_instrument"] = rows["redcap_repeat_instrument"].map(
        lambda f: form_label(f) if f else ""
    )
    label = {row["Variable / Field Name"]: row["Field Label"] for row in dictionary}
    headers, previous = [], "patient"
    columns = list(rows.columns)
    for name in columns:
        form = FIELDS_BY_NAME[name].form if name in FIELDS_BY_NAME else previous
        if form != previous:
            headers.append("Complete?")
            previous = form
        headers.append(
            {
                "redcap_repeat_instrument": "Repeat Instrument",
                "redcap_repeat_instance": "Repeat Instance",
            }.get(name, label.get(name))
        )
    headers.append("Complete?")
    text = pd.DataFrame(
        {position: rows[name] if name else "2" for position, name in enumerate(_with_status(columns))}
    )
    text.columns = headers
    assert headers.count("infusion_id") == 6 and headers.count("Complete?") == 7
    assert "onset_at : date" in headers
    _same(demo, import_redcap(_write(text, tmp_path / "labels.csv"), french))


def _with_status(columns: list[str]) -> list[str | None]:
    """The columns with a status column (None) after each instrument's fields, as REDCap exports them."""
    out: list[str | None] = []
    previous = "patient"
    for name in columns:
        form = FIELDS_BY_NAME[name].form if name in FIELDS_BY_NAME else previous
        if form != previous:
            out.append(None)
            previous = form
        out.append(name)
    return [*out, None]


def test_an_invalid_dataset_is_not_written_as_records(tmp_path: Path):
    dataset = _small()
    dataset["administrations"].loc[0, "infusion_id"] = "INF-404"
    with pytest.raises(DatasetInvalid) as caught:
        write_records(dataset, tmp_path / "records.csv")
    assert {issue.rule for issue in caught.value.issues} == {"reference"}
    assert not (tmp_path / "records.csv").exists()
