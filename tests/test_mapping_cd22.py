"""Importing through a mapping file: the public CD22 cohort end to end, then the mapping language itself."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
from collections import Counter
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from iectox.cli.commands import app
from iectox.errors import DatasetInvalid, SpecError
from iectox.io import read_dataset
from iectox.io.mapping import (
    Condition,
    import_mapped,
    load_mapping,
    matches,
    parse_mapping,
    read_source,
    render,
)

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "cd22_crs"
MAPPING = EXAMPLE / "mapping.toml"


@pytest.fixture(scope="module")
def cd22():
    return import_mapped(MAPPING)


@pytest.fixture(scope="module")
def source_rows():
    with open(EXAMPLE / "crs_by_patient.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# -- the CD22 cohort ----------------------------------------------------------------------------------------


def _grades(episodes: pd.DataFrame, scale: str) -> dict[str, int]:
    on_scale = episodes[(episodes["syndrome"] == "CRS") & (episodes["grading_scale"] == scale)]
    return dict(zip(on_scale["infusion_id"], on_scale["max_grade"].astype(int), strict=True))


def test_published_counts(cd22):
    episodes = cd22["toxicity_episodes"]
    assert len(cd22["patients"]) == len(cd22["infusions"]) == 59
    assert len(_grades(episodes, "ASTCT2019")) == 52
    assert len(_grades(episodes, "Lee2014")) == 52
    assert (cd22["infusions"]["crs_status"] == "yes").sum() == 52
    hlh = set(episodes.loc[episodes["syndrome"] == "IEC-HS", "infusion_id"])
    assert len(hlh) == 21
    assert hlh <= set(_grades(episodes, "ASTCT2019"))


def test_rows_are_what_the_mapping_says(cd22):
    patient = cd22["patients"].set_index("patient_id").loc["CD2204"]
    assert (patient["sex"], patient["centre"]) == ("unknown", "NIH Clinical Center")
    infusion = cd22["infusions"].set_index("infusion_id").loc["CD2201"]
    assert infusion["therapy"] == "investigational_car_t"
    assert (infusion["setting"], infusion["trial_id"], infusion["indication"]) == (
        "clinical_trial",
        "NCT02315612",
        "b_all",
    )
    assert pd.isna(infusion["infusion_date"])
    assert (infusion["crs_status"], infusion["icans_status"]) == ("no", "unknown")
    episodes = cd22["toxicity_episodes"].set_index("episode_id")
    assert set(episodes.loc[["CD2204-CRS-Lee2014", "CD2204-CRS-ASTCT2019"], "outcome"]) == {"unknown"}
    assert episodes["onset_at"].isna().all()
    hlh = episodes.loc["CD2216-IECHS"]
    assert (hlh["syndrome"], hlh["grading_scale"]) == ("IEC-HS", "ASTCT2023")
    assert pd.isna(hlh["max_grade"])


def test_each_grade_is_kept_on_its_own_scale(cd22):
    episodes = cd22["toxicity_episodes"]
    lee, astct = _grades(episodes, "Lee2014"), _grades(episodes, "ASTCT2019")
    assert (lee["CD2204"], astct["CD2204"]) == (2, 3)
    assert (lee["CD2250"], astct["CD2250"]) == (3, 2)


def test_lee_versus_astct_cross_tabulation_matches_the_csv(cd22, source_rows):
    expected = Counter((int(r["Max Grade CRS_Lee"]), int(r["Max Grade CRS_ASBMT"])) for r in source_rows)
    episodes = cd22["toxicity_episodes"]
    lee, astct = _grades(episodes, "Lee2014"), _grades(episodes, "ASTCT2019")
    found = Counter((lee.get(i, 0), astct.get(i, 0)) for i in cd22["infusions"]["infusion_id"])
    assert found == expected


def test_treatments_follow_the_flags_and_n_a_gives_no_row(cd22, source_rows):
    given = cd22["administrations"]
    toci = set(given.loc[given["drug"] == "tocilizumab", "infusion_id"])
    steroids = set(given.loc[given["drug"] == "corticosteroid", "infusion_id"])
    assert toci == {r["Protocol ID"] for r in source_rows if r["Toci"] == "1"}
    assert steroids == {r["Protocol ID"] for r in source_rows if r["Steroids"] == "1"}
    assert "CD2215" not in toci | steroids  # N/A: unknown, not "not given"
    assert set(given["reason"]) == {"CRS"}
    assert given["given_at"].isna().all() and given["dose_mg"].isna().all()


def test_cli_imports_and_writes_a_valid_dataset(tmp_path, cd22):
    out = tmp_path / "cd22.xlsx"
    result = CliRunner().invoke(app, ["import-mapped", str(MAPPING), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert read_dataset(out).equals(cd22)


# -- the mapping language -----------------------------------------------------------------------------------

PATIENTS = {"patient_id": "{id}", "sex": "unknown", "centre": "X"}


def _write(tmp_path: Path, csv_text: str, toml_text: str) -> Path:
    (tmp_path / "source.csv").write_text(csv_text, encoding="utf-8")
    path = tmp_path / "map.toml"
    path.write_text('[source]\nfile = "source.csv"\nmissing = ["N/A"]\n' + toml_text, encoding="utf-8")
    return path


def _spec(records: list[dict], source: dict | None = None):
    document = {"source": source or {"file": "s.csv"}, "records": records}
    return parse_mapping(document, Path("map.toml"))


SOURCE = pd.DataFrame(
    {"g": ["0", "1", "2", None, "3.5"], "s": ["a", "b", "a", "c", None]}, index=[2, 3, 4, 5, 6]
)


@pytest.mark.parametrize(
    ("test", "rows"),
    [
        ("g == 2", [4]),
        ("g != 2", [2, 3, 6]),
        ("g > 1", [4, 6]),
        ("g >= 1", [3, 4, 6]),
        ("g < 1", [2]),
        ("g <= 2", [2, 3, 4]),
        ("g == 2.0", [4]),
        ("s == a", [2, 4]),
        ("s == 'a'", [2, 4]),
        ('{s} != "a"', [3, 5]),
    ],
)
def test_each_operator_and_missing_cells_never_match(test, rows):
    spec = _spec([{"table": "patients", "when": test, "columns": PATIENTS}])
    assert list(SOURCE.index[matches(spec.records[0].when, SOURCE)]) == rows


def test_all_tests_of_a_list_must_hold():
    spec = _spec([{"table": "patients", "when": ["g >= 1", "s == a"], "columns": PATIENTS}])
    assert list(SOURCE.index[matches(spec.records[0].when, SOURCE)]) == [4]


def test_templates_fill_placeholders_and_blank_when_a_cell_is_missing():
    spec = _spec([{"table": "patients", "columns": {**PATIENTS, "centre": "{s}-{g} {{x}}"}}])
    template = spec.records[0].columns["centre"]
    assert list(render(template, SOURCE)) == ["a-0 {x}", "b-1 {x}", "a-2 {x}", None, None]
    assert spec.records[0].columns["sex"].columns == ()


def test_missing_values_value_maps_and_distinct(tmp_path):
    path = _write(
        tmp_path,
        "id,sex,flag\nP1,F,1\nP2,N/A,0\nP2,N/A,0\nP3,h,\n",
        """
[[records]]
table = "patients"
distinct = true
[records.columns]
patient_id = "{id}"
sex = "{sex}"
centre = "C"
[records.values]
sex = { "F" = "female", "h" = "" }

[[records]]
table = "infusions"
[records.columns]
infusion_id = "I-{id}"
patient_id = "{id}"
therapy = "axi-cel"
setting = "trial"
trial_id = "NCT00000001"
indication = "DLBCL 3L+"
crs_status = "{flag}"
[records.values]
crs_status = { "1" = "yes", "0" = "no" }
""",
    )
    with pytest.raises(DatasetInvalid) as caught:
        import_mapped(path)
    issues = caught.value.issues
    # P2's N/A and P3's "h" (mapped to blank) leave a required column empty; the duplicate P2 row is dropped.
    assert [(i.file, i.row, i.column, i.rule) for i in issues if i.severity == "error"] == [
        (str(tmp_path / "source.csv"), 3, "sex", "required"),
        (str(tmp_path / "source.csv"), 5, "sex", "required"),
        (str(tmp_path / "source.csv"), 4, "infusion_id", "unique"),
    ]
    assert issues[0].message.startswith("[[records]] #1 (patients): ")
    assert "source rows 3, 4" in issues[2].message


def test_a_valid_small_mapping_imports(tmp_path):
    path = _write(
        tmp_path,
        "id;sex;flag\nP1;F;1\nP2;M;0\n",
        """
[[records]]
table = "patients"
[records.columns]
patient_id = "{id}"
sex = "{sex}"
centre = "C"

[[records]]
table = "infusions"
[records.columns]
infusion_id = "I-{id}"
patient_id = "{id}"
therapy = "axi-cel"
setting = "trial"
trial_id = "NCT00000001"
indication = "DLBCL 3L+"
crs_status = "{flag}"
[records.values]
crs_status = { "1" = "yes", "0" = "no" }
""".replace('[source]\nfile = "source.csv"', ""),
    )
    path.write_text(path.read_text().replace('missing = ["N/A"]', 'missing = ["N/A"]\ndelimiter = ";"'))
    dataset = import_mapped(path)
    assert list(dataset["patients"]["sex"]) == ["female", "male"]
    assert list(dataset["infusions"]["therapy"]) == ["axicabtagene_ciloleucel"] * 2
    assert list(dataset["infusions"]["crs_status"]) == ["yes", "no"]


def test_ordering_test_on_text_is_an_error_at_the_source_cell(tmp_path):
    path = _write(
        tmp_path,
        "id,g\nP1,2\nP2,grade 2\n",
        '[[records]]\ntable = "patients"\nwhen = "g > 0"\n[records.columns]\npatient_id = "{id}"\n'
        'sex = "unknown"\ncentre = "C"\n',
    )
    with pytest.raises(DatasetInvalid) as caught:
        import_mapped(path)
    [issue] = caught.value.issues
    assert (issue.row, issue.column, issue.value, issue.rule) == (3, "g", "grade 2", "mapping_condition")


@pytest.mark.parametrize(
    ("records", "message"),
    [
        (
            [{"table": "patient", "columns": PATIENTS}],
            "[[records]] #1: table 'patient' is not a table of the dataset; did you mean 'patients'?",
        ),
        (
            [{"table": "patients", "columns": {**PATIENTS, "centr": "x"}}],
            "'centr' is not a column of patients; did you mean 'centre'?",
        ),
        (
            [{"table": "patients", "columns": {"patient_id": "{id}"}}],
            "required column(s) of patients not mapped: sex, centre",
        ),
        (
            [{"table": "patients", "when": "g => 1", "columns": PATIENTS}],
            "is not '<source column> <op> <value>'",
        ),
        ([{"table": "patients", "when": "g > high", "columns": PATIENTS}], "> compares numbers"),
        ([{"table": "patients", "columns": {**PATIENTS, "centre": "{id"}}], "unmatched or empty brace"),
        (
            [{"table": "patients", "columns": PATIENTS, "colums": {}}],
            "unknown key 'colums'; did you mean 'columns'?",
        ),
        (
            [{"table": "patients", "columns": PATIENTS, "values": {"birth_year": {"a": "b"}}}],
            "value map for 'birth_year', which [records.columns] does not map",
        ),
        ([{"table": "patients", "columns": PATIENTS, "values": {"sex": {"F": 1}}}], "must map text to text"),
        ([], "at least one [[records]] entry is required"),
    ],
)
def test_malformed_mappings_name_the_file_and_the_entry(records, message):
    with pytest.raises(SpecError) as caught:
        _spec(records)
    assert str(caught.value).startswith("map.toml: ")
    assert message in str(caught.value)


def test_malformed_source_section_and_toml(tmp_path):
    with pytest.raises(SpecError, match="delimiter must be one character"):
        _spec([{"table": "patients", "columns": PATIENTS}], {"file": "s.csv", "delimiter": ";;"})
    with pytest.raises(SpecError, match=r"\[source\]: unknown key 'missng'"):
        _spec([{"table": "patients", "columns": PATIENTS}], {"file": "s.csv", "missng": ["NA"]})
    broken = tmp_path / "broken.toml"
    broken.write_text("[source\nfile = 'x'\n")
    with pytest.raises(SpecError, match=r"broken\.toml: not valid TOML"):
        load_mapping(broken)


def test_unknown_source_column_is_a_spec_error_with_a_hint(tmp_path):
    path = _write(
        tmp_path,
        "id,grade\nP1,2\n",
        '[[records]]\ntable = "patients"\nname = "pts"\nwhen = "grde > 0"\n[records.columns]\n'
        'patient_id = "{id}"\nsex = "unknown"\ncentre = "C"\n',
    )
    with pytest.raises(SpecError) as caught:
        import_mapped(path)
    assert str(caught.value) == (
        f"{path}: [[records]] #1 'pts' (patients): source column 'grde' is not in source.csv; "
        "did you mean 'grade'?"
    )


def test_condition_numbers():
    assert Condition("g", ">", "1.5").number() == 1.5
    assert Condition("g", "==", "abc").number() is None


def test_workbook_source_keeps_row_numbers_and_never_invents_an_hour(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Data"
    sheet.append(["id", "when", "grade"])
    sheet.append(["A1", dt.datetime(2023, 5, 17), 1])
    sheet.append([None, None, None])
    sheet.append(["A2", dt.datetime(2023, 5, 18, 14, 30), "N/A"])
    book.save(tmp_path / "source.xlsx")
    spec = _spec(
        [{"table": "patients", "columns": PATIENTS}],
        {"file": "source.xlsx", "sheet": "Data", "missing": ["N/A"]},
    )
    spec = dataclasses.replace(spec, source=tmp_path / "source.xlsx")
    frame = read_source(spec)
    assert list(frame.index) == [2, 4]
    assert list(frame["when"]) == ["2023-05-17", "2023-05-18 14:30"]
    assert list(frame["grade"]) == ["1", None]
