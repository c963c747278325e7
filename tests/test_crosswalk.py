"""Registry crosswalks (issue 12, item 2): CIBMTR 4100 and EBMT day-100 answers per infusion, read from data files,
and the reconciliation of what the forms get with the recorded data and the grades computed from observations.

The expected answers are checked by hand against tests/factories.py: INF-001 had CRS grade 2 (ASTCT, onset
2023-05-19 14:30, resolved 2023-05-24, tocilizumab for CRS) and ICANS grade 1 (ASTCT, onset day only, ongoing,
dexamethasone for ICANS; its one observation, ICE 10, gives ICANS grade 0); INF-002 had neither (crs_status no,
icans_status blank, no episode); INF-003 had CRS grade 3 on Lee 2014 (onset 2024-11-09 08:15, resolved
2024-11-12 00:00, tocilizumab) and an unknown ICANS status.
"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from factories import seed_cohort, small_dataset
from iectox.cli.main import app
from iectox.crosswalk import UNCONFIRMED, crosswalk, load_form, registry_forms, shipped_form
from iectox.crosswalk.mapping import CROSSWALKS
from iectox.crosswalk.write import write_crosswalks
from iectox.dataset import Dataset
from iectox.errors import DatasetInvalid, SpecError
from iectox.grading import DISAGREES, agreement, episodes_from_grades, grade_dataset
from iectox.io import write_dataset
from iectox.schema import CONTRACT
from iectox.validate import validate_dataset


def _answers(form_id: str, dataset: Dataset | None = None) -> dict[str, dict[str, object]]:
    answers = crosswalk(dataset or small_dataset(), shipped_form(form_id)).answers
    answers = answers.astype(object).where(answers.notna(), None)
    return {row["infusion_id"]: row for row in answers.to_dict("records")}


def test_ebmt_answers_are_the_hand_checked_ones():
    answers = _answers("ebmt-ct-day100")
    assert answers["INF-001"] == {
        "patient_id": "P-001",
        "infusion_id": "INF-001",
        "crs": "Yes",
        "crs_onset_date": "2023-05-19",
        "crs_max_grade_astct": 2,
        "crs_resolved": "Yes",
        "crs_resolution_date": "2023-05-24",
        "crs_tocilizumab": "Yes",
        "crs_corticosteroids": "No",  # the dexamethasone was given for ICANS
        "crs_other_treatment": "No",
        "icans": "Yes",
        "icans_onset_date": "2023-05-21",
        "icans_max_grade_astct": 1,
        "icans_resolved": "No",  # ongoing
        "icans_resolution_date": None,
        "icans_corticosteroids": "Yes",
        "icans_other_treatment": "No",
    }
    skipped = {k: v for k, v in answers["INF-002"].items() if k not in ("patient_id", "infusion_id")}
    assert skipped == {k: ("No" if k in ("crs", "icans") else None) for k in skipped}
    third = answers["INF-003"]
    assert (third["crs"], third["crs_onset_date"], third["crs_max_grade_astct"]) == (
        "Yes",
        "2024-11-09",
        None,
    )
    assert (third["crs_resolution_date"], third["crs_tocilizumab"], third["icans"]) == (
        "2024-11-12",
        "Yes",
        "Unknown",
    )
    assert third["icans_onset_date"] is None and third["icans_max_grade_astct"] is None


def test_cibmtr_answers_carry_the_scale_the_grade_was_given_on():
    answers = _answers("cibmtr-4100")
    first, second, third = answers["INF-001"], answers["INF-002"], answers["INF-003"]
    assert (first["crs_occurred"], first["crs_diagnosis_date"], first["crs_max_grade"]) == (
        "Yes",
        "2023-05-19",
        2,
    )
    assert (
        first["crs_grading_system"],
        first["crs_therapy_tocilizumab"],
        first["crs_therapy_corticosteroids"],
    ) == (
        "ASTCT",
        "checked",
        "",
    )
    assert (first["neurotoxicity_max_grade"], first["neurotoxicity_therapy_corticosteroids"]) == (
        1,
        "checked",
    )
    assert (second["crs_occurred"], second["crs_max_grade"], second["neurotoxicity_occurred"]) == (
        "No",
        None,
        "No",
    )
    assert (third["crs_max_grade"], third["crs_grading_system"]) == (3, "Lee 2014")
    assert third["neurotoxicity_occurred"] == "Unknown"


@pytest.fixture(scope="module")
def planted() -> Dataset:
    """The small dataset with one of each problem planted: a second CRS episode and a recorded grade the
    observations contradict (INF-001), an onset left blank (INF-003)."""
    frames = {name: small_dataset()[name].copy() for name in small_dataset()}
    episodes = frames["toxicity_episodes"]
    episodes.loc[0, "max_grade"] = (
        3  # CRS of INF-001: the observation (38.4 °C, cannula 4 L/min) gives grade 2
    )
    episodes.loc[2, ["onset_at", "onset_at_time_known"]] = [pd.NaT, pd.NA]  # CRS of INF-003: onset unknown
    second = episodes.iloc[[0]].assign(
        episode_id="EP-004",
        onset_at=pd.Timestamp("2023-05-26"),
        onset_at_time_known=False,
        resolved_at=pd.Timestamp("2023-05-27"),
        resolved_at_time_known=False,
        max_grade=1,
    )
    frames["toxicity_episodes"] = pd.concat([episodes, second], ignore_index=True)
    dataset = Dataset.from_frames(frames)
    assert [i for i in validate_dataset(dataset) if i.severity == "error"] == []
    return dataset


@pytest.fixture(scope="module")
def notes(planted) -> pd.DataFrame:
    found = crosswalk(planted, shipped_form("ebmt-ct-day100")).notes
    return found.assign(reason=found["reason"].astype(str))


def _rows(notes: pd.DataFrame, infusion: str, field: str) -> list[tuple[str, str, str, str]]:
    mine = notes[(notes["infusion_id"] == infusion) & (notes["field"] == field)]
    return list(mine[["kind", "iectox_value", "form_value", "reason"]].itertuples(index=False, name=None))


def test_reconciliation_finds_the_planted_disagreement(notes):
    rows = _rows(notes, "INF-001", "crs_max_grade_astct")
    assert (
        "grade_disagrees",
        "2",
        "3",
        "the recorded grade 3 (ASTCT 2019) disagrees with grade 2 computed from the observations",
    ) in rows
    assert _rows(notes, "INF-001", "icans_max_grade_astct") == [
        (
            "grade_disagrees",
            "0",
            "1",
            "the recorded grade 1 (ASTCT 2019) disagrees with grade 0 computed from the observations",
        )
    ]


def test_reconciliation_finds_the_missing_date_and_the_information_lost(notes):
    assert _rows(notes, "INF-003", "crs_onset_date") == [
        ("date_missing", "", "", "CRS occurred but its onset date is not recorded; the form needs it")
    ]
    assert _rows(notes, "INF-003", "crs_max_grade_astct") == [
        (
            "information_lost",
            "3 (Lee2014)",
            "",
            "the form cannot carry a grade on Lee2014 (grade 3); it takes ASTCT2019",
        )
    ]
    assert (
        "information_lost",
        "3, 1",
        "3",
        "2 CRS episodes collapsed into one maximum (grades 3, 1)",
    ) in _rows(notes, "INF-001", "crs_max_grade_astct")
    assert _rows(notes, "INF-001", "crs_onset_date") == [
        (
            "information_lost",
            "2023-05-19 14:30",
            "2023-05-19",
            "the form takes a date: the time of day 14:30 is dropped",
        )
    ]
    assert set(notes["patient_id"]) <= {"P-001", "P-003"} and set(notes["form"]) == {"ebmt-ct-day100"}


def test_a_value_without_a_code_on_the_form_is_blank_and_listed():
    notes = crosswalk(small_dataset(), shipped_form("cibmtr-4100")).notes
    assert "unknown" not in shipped_form("cibmtr-4100").fields[0].codes
    dataset = small_dataset()
    dataset["infusions"].loc[2, "crs_status"] = "unknown"
    found = crosswalk(dataset, shipped_form("cibmtr-4100"))
    assert found.answers.loc[2, "crs_occurred"] is None
    rows = found.notes[found.notes["field"] == "crs_occurred"]
    assert [(r.infusion_id, r.iectox_value, str(r.reason)) for r in rows.itertuples()] == [
        ("INF-003", "unknown", "'unknown' has no code on the form; the answer is left blank")
    ]
    assert notes[notes["field"] == "crs_occurred"].empty


@pytest.fixture(scope="module")
def hostile_form(tmp_path_factory) -> Path:
    """A crosswalk of the user's own, whose codes and texts look like formulas."""
    folder = tmp_path_factory.mktemp("forms")
    path = folder / "local-registry.toml"
    path.write_text(
        """[form]
id = "local-registry"
name = "=HYPERLINK(\\"http://x\\",\\"y\\")"
registry = "@SUM(A1)"
version = "1"
source = "-2+3"
consulted = "2026-12-06"

[[fields]]
id = "crs"
question = "Q1"
label = "+CRS"
syndrome = "CRS"
rule = "occurred"
source = "infusions.crs_status"
codes = { yes = "=1+1", no = "-1" }

[[fields]]
id = "crs_treated"
question = "Q80"
label = "Was therapy given? (for CRS)"
syndrome = "CRS"
rule = "therapy_given"
source = "administrations.reason"
codes = { yes = "Yes", no = "No" }
""",
        encoding="utf-8",
    )
    return path


def test_a_registry_is_a_file_and_its_formula_like_text_is_neutralised(hostile_form, tmp_path):
    form = load_form(hostile_form)
    write_crosswalks(small_dataset(), [form], tmp_path / "out")
    with (tmp_path / "out" / "local-registry.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["crs"] for r in rows] == ["'=1+1", "'-1", "'=1+1"]
    assert [r["crs_treated"] for r in rows] == ["Yes", "", "Yes"]  # tocilizumab for CRS; INF-002 had no CRS
    book = openpyxl.load_workbook(tmp_path / "out" / "local-registry.xlsx")
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c for c in cells if c.data_type == "f"]
    quoted = {c.value for c in cells if c.quotePrefix}
    assert {"=1+1", "-1", '=HYPERLINK("http://x","y")', "@SUM(A1)", "-2+3", "+CRS"} <= quoted


def test_french_output(tmp_path):
    write_crosswalks(small_dataset(), [shipped_form("ebmt-ct-day100")], tmp_path / "fr", lang="fr")
    summary = (tmp_path / "fr" / "reconciliation.md").read_text(encoding="utf-8")
    assert summary.startswith("# Correspondance avec les registres : rapprochement")
    assert "- Version : non confirmé" in summary and "- Source : non confirmé" in summary
    assert "| `crs_onset_date` | non confirmé | 0 | 0 | 0 | 2 |" in summary
    assert "| Champ | Question | grade enregistré différent du grade calculé" in summary
    notes = pd.read_csv(tmp_path / "fr" / "reconciliation.csv")
    assert set(notes["question"]) == {"non confirmé"}
    reasons = notes["reason"].tolist()
    assert (
        "le grade enregistré 1 (ASTCT 2019) diffère du grade 0 calculé à partir des observations" in reasons
    )
    assert not [r for r in reasons if r.startswith("the ")]


def test_every_shipped_file_cites_its_version_and_reads_only_contract_columns():
    assert registry_forms() == ("cibmtr-4100", "ebmt-ct-day100")
    for name in registry_forms():
        form = load_form(CROSSWALKS / f"{name}.toml")
        assert form.version and form.source and form.consulted == "2026-12-06"
        for field in form.fields:
            table, column = field.source.split(".")
            assert column in CONTRACT.table(table).column_names, (name, field.id)
            assert field.question == UNCONFIRMED or field.question.startswith("Q"), (name, field.id)
    cibmtr = {f.id: f.question for f in shipped_form("cibmtr-4100").fields}
    assert (cibmtr["crs_occurred"], cibmtr["crs_diagnosis_date"], cibmtr["crs_max_grade"]) == (
        "Q89",
        "Q91",
        UNCONFIRMED,
    )


def _spoiled(tmp_path: Path, old: str, new: str) -> Path:
    text = (CROSSWALKS / "ebmt-ct-day100.toml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "ebmt-ct-day100.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "key", "words"),
    [
        (
            'source = "infusions.crs_status"',
            'source = "infusions.crs_stat"',
            "fields[0].source",
            "crs_status",
        ),
        (
            'source = "infusions.crs_status"',
            'source = "infusions.icans_status"',
            "fields[0].source",
            "crs_status",
        ),
        ('rule = "occurred"', 'rule = "occured"', "fields[0].rule", "did you mean 'occurred'"),
        ('codes = { yes = "Yes"', 'codes = { maybe = "Yes"', "fields[0].codes.maybe", "yes, no, unknown"),
        ('scales = ["ASTCT2019"]', 'scales = ["ASTCT2020"]', "fields[2].scales", "ASTCT2019"),
        ('drugs = ["tocilizumab"]', 'drugs = ["toci"]', "fields[5].drugs", "tocilizumab"),
        ('syndrome = "CRS"', 'syndrome = "IEC-HS"', "fields[0].syndrome", "CRS, ICANS"),
        (
            'label = "CRS: date of onset"',
            'label = "CRS: date of onset"\ncolour = "red"',
            "fields[1].colour",
            "unknown key",
        ),
        (
            'rule = "first_date"',
            'rule = "first_date"\ncodes = { yes = "Y" }',
            "fields[1].codes",
            "takes no codes",
        ),
    ],
)
def test_a_wrong_crosswalk_file_names_its_file_and_key(tmp_path, old, new, key, words):
    path = _spoiled(tmp_path, old, new)
    with pytest.raises(SpecError) as caught:
        load_form(path)
    assert caught.value.file == str(path) and caught.value.key == key
    assert str(path) in str(caught.value) and words in str(caught.value)


def test_an_unknown_registry_is_refused_with_the_known_ones():
    with pytest.raises(SpecError) as caught:
        shipped_form("ebmt-day100")
    assert caught.value.key == "registry" and caught.value.allowed == ("cibmtr-4100", "ebmt-ct-day100")
    assert "did you mean 'ebmt-ct-day100'?" in str(caught.value)


def test_command_writes_every_form_and_refuses_what_it_cannot_use(tmp_path):
    data = write_dataset(small_dataset(), tmp_path / "data")
    runner = CliRunner()
    done = runner.invoke(app, ["crosswalk", str(data), "--out", str(tmp_path / "out")])
    assert done.exit_code == 0, done.output
    names = sorted(p.name for p in (tmp_path / "out").iterdir() if not p.name.startswith("."))
    assert names == [
        "cibmtr-4100.csv",
        "cibmtr-4100.xlsx",
        "ebmt-ct-day100.csv",
        "ebmt-ct-day100.xlsx",
        "reconciliation.csv",
        "reconciliation.md",
        "reconciliation.xlsx",
    ]
    done = runner.invoke(app, ["crosswalk", str(data), "-r", "cibmtr-4000", "--out", str(tmp_path / "x")])
    assert done.exit_code == 2 and "cibmtr-4100" in done.output and not (tmp_path / "x").exists()
    mapping = CROSSWALKS / "cibmtr-4100.toml"  # the shipped form again, by its file: written once or refused
    done = runner.invoke(
        app,
        [
            "crosswalk",
            str(data),
            "-r",
            "cibmtr-4100",
            "--mapping",
            str(mapping),
            "--out",
            str(tmp_path / "x"),
        ],
    )
    assert done.exit_code == 2 and "asked twice" in done.output and not (tmp_path / "x").exists()


def test_an_invalid_dataset_writes_nothing(tmp_path):
    dataset = small_dataset()
    dataset["toxicity_episodes"].loc[0, "infusion_id"] = "INF-404"
    with pytest.raises(DatasetInvalid):
        write_crosswalks(dataset, [shipped_form("cibmtr-4100")], tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_missing_grade_and_an_absence_the_observations_contradict():
    frames = {name: small_dataset()[name].copy() for name in small_dataset()}
    episodes = frames["toxicity_episodes"]
    lee = episodes.iloc[[0]].assign(episode_id="EP-005", grading_scale="Lee2014", max_grade=3)
    episodes.loc[0, "max_grade"] = None  # CRS of INF-001 recorded without its ASTCT grade...
    frames["toxicity_episodes"] = pd.concat([episodes, lee], ignore_index=True)  # ...and with a Lee 2014 one
    observations = frames["observations"]  # INF-002, recorded without CRS, has a fever on room air
    observations.loc[1] = observations.loc[0]
    observations.loc[1, ["infusion_id", "observed_at", "oxygen_device", "oxygen_l_min"]] = [
        "INF-002",
        pd.Timestamp("2024-01-10 09:00"),
        "none",
        None,
    ]
    dataset = Dataset.from_frames(frames)
    assert [i for i in validate_dataset(dataset) if i.severity == "error"] == []
    ebmt = crosswalk(dataset, shipped_form("ebmt-ct-day100")).notes
    rows = ebmt[ebmt["field"] == "crs_max_grade_astct"]
    assert [
        (r.infusion_id, r.kind, r.iectox_value, r.form_value, str(r.reason)) for r in rows.itertuples()
    ] == [
        (
            "INF-001",
            "information_lost",
            "3 (Lee2014)",
            "",
            "the form cannot carry a grade on Lee2014 (grade 3); it takes ASTCT2019",
        ),
        (
            "INF-002",
            "grade_disagrees",
            "1",
            "",
            "the record says no CRS; the observations give grade 1 (ASTCT 2019)",
        ),
        (
            "INF-003",
            "information_lost",
            "3 (Lee2014)",
            "",
            "the form cannot carry a grade on Lee2014 (grade 3); it takes ASTCT2019",
        ),
    ]
    cibmtr = crosswalk(dataset, shipped_form("cibmtr-4100"))
    assert (cibmtr.answers.loc[0, "crs_max_grade"], cibmtr.answers.loc[0, "crs_grading_system"]) == (
        3,
        "Lee 2014",
    )
    frames["toxicity_episodes"] = frames["toxicity_episodes"].iloc[[0, 1, 2]]  # INF-001: no grade at all
    notes = crosswalk(Dataset.from_frames(frames), shipped_form("ebmt-ct-day100")).notes
    missing = notes[notes["kind"] == "grade_missing"]
    assert [(r.infusion_id, r.iectox_value, str(r.reason)) for r in missing.itertuples()] == [
        ("INF-001", "2", "CRS occurred but no grade is recorded; the observations give grade 2 (ASTCT 2019)")
    ]


def test_a_second_scale_is_left_out_when_the_form_takes_one_grade():
    frames = {name: small_dataset()[name].copy() for name in small_dataset()}
    lee = (
        frames["toxicity_episodes"]
        .iloc[[0]]
        .assign(episode_id="EP-005", grading_scale="Lee2014", max_grade=3)
    )
    frames["toxicity_episodes"] = pd.concat([frames["toxicity_episodes"], lee], ignore_index=True)
    result = crosswalk(Dataset.from_frames(frames), shipped_form("cibmtr-4100"))
    assert (result.answers.loc[0, "crs_max_grade"], result.answers.loc[0, "crs_grading_system"]) == (
        2,
        "ASTCT",
    )
    rows = result.notes[
        (result.notes["infusion_id"] == "INF-001") & (result.notes["field"] == "crs_max_grade")
    ]
    assert [(r.iectox_value, r.form_value, str(r.reason)) for r in rows.itertuples()] == [
        ("3 (Lee2014)", "2", "grade 3 on Lee2014 is left out: the form takes one grade, here on ASTCT2019")
    ]


def test_without_observations_the_recorded_grades_fill_the_form_and_nothing_is_compared():
    frames = {name: small_dataset()[name].copy() for name in small_dataset()}
    frames["observations"] = frames["observations"].iloc[0:0]
    result = crosswalk(Dataset.from_frames(frames), shipped_form("ebmt-ct-day100"))
    assert result.answers["crs_max_grade_astct"].tolist()[0] == 2
    assert result.notes["kind"].isin(["grade_disagrees"]).sum() == 0
    frames["toxicity_episodes"].loc[0, "max_grade"] = None  # INF-001: CRS recorded without its grade
    notes = crosswalk(Dataset.from_frames(frames), shipped_form("ebmt-ct-day100")).notes
    missing = notes[notes["kind"] == "grade_missing"]
    assert [(r.infusion_id, r.iectox_value, str(r.reason)) for r in missing.itertuples()] == [
        ("INF-001", "", "CRS occurred but no grade is recorded")
    ]


def test_grade_disagreements_are_the_rows_iectox_grade_marks_as_disagreeing():
    """The reconciliation does not judge agreement itself: its grade_disagrees notes are, for each form taking
    ASTCT 2019 grades, exactly `iectox.grading.agreement`'s rows marked "no" (15 on the seed cohort)."""
    dataset = seed_cohort()
    table = agreement(dataset, episodes_from_grades(grade_dataset(dataset)))
    expected = set(
        table.loc[(table["agrees"] == DISAGREES).fillna(False), ["infusion_id", "syndrome"]].itertuples(
            index=False, name=None
        )
    )
    assert len(expected) == 15
    for form in registry_forms():
        notes = crosswalk(dataset, shipped_form(form)).notes
        found = notes.loc[notes["kind"] == "grade_disagrees", ["infusion_id", "syndrome"]]
        assert set(found.itertuples(index=False, name=None)) == expected
