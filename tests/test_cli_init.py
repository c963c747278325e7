"""`iectox init`: a study file drafted from a dataset loads with the study reader and runs `iectox report`;
options, questions at a terminal, and refusals (an existing file, a column or level not in the data)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from factories import seed_cohort
from iectox.cli import init as init_command
from iectox.cli.commands import app
from iectox.io import write_dataset
from iectox.study import load_study
from iectox.synth import calibrate


@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    return write_dataset(seed_cohort(), tmp_path_factory.mktemp("seed") / "dataset")


def _init(*args: str, lang: str = "en", input: str | None = None):
    env = {"IECTOX_LANG": lang, "COLUMNS": "200"}
    return CliRunner().invoke(app, ["init", *args], terminal_width=200, env=env, input=input)


def _text(output: str) -> str:
    """The output as one line, the borders of Rich's panels taken out."""
    return " ".join(output.replace("│", " ").split())


def test_init_then_report_on_the_seed_dataset(seed, tmp_path):
    study = tmp_path / "study.toml"
    run = _init(str(seed), "--out", str(study))
    assert run.exit_code == 0, run.output
    assert "cohorts by cohort (clinical_trial, standard_of_care), 1 table(s)" in run.output
    spec = load_study(study)
    assert (spec.by, spec.order, spec.reference, spec.language) == (
        "cohort",
        ("clinical_trial", "standard_of_care"),
        None,
        "en",
    )
    assert [t.id for t in spec.tables] == ["main"]
    assert [v.name for v in spec.tables[0].variables] == [
        "sex",
        "age",
        "weight_kg",
        "indication",
        "therapy",
        "crs_grade",
        "icans_grade",
        "tocilizumab",
        "corticosteroids",
        "status",
    ]
    assert study.read_text(encoding="utf-8").startswith("# Study file drafted by `iectox init`")
    out = tmp_path / "report"
    report = CliRunner().invoke(app, ["report", str(seed), "--study", str(study), "--out", str(out)])
    assert report.exit_code == 0, report.output
    assert (out / "report.html").exists() and (out / "report.xlsx").exists()
    assert "Main characteristics and toxicities" in (out / "report.html").read_text(encoding="utf-8")


def test_options_say_the_cohorts_tables_language_and_preset(seed, tmp_path):
    study = tmp_path / "study.toml"
    run = _init(
        str(seed),
        "--out",
        str(study),
        "--cohort-column",
        "sex",
        "--levels",
        "female,male",
        "--table",
        "demographics:age,weight_kg",
        "--table",
        "toxicity:crs_grade,icans_grade,tocilizumab",
        "--preset",
        "gtsummary",
        "--lang",
        "fr",
    )
    assert run.exit_code == 0, run.output
    spec = load_study(study)
    assert (spec.by, spec.order, spec.language, spec.policy.name) == (
        "sex",
        ("female", "male"),
        "fr",
        "gtsummary",
    )
    assert dict(spec.labels) == {"female": "Femme", "male": "Homme"}
    assert [(t.id, [v.name for v in t.variables]) for t in spec.tables] == [
        ("demographics", ["age", "weight_kg"]),
        ("toxicity", ["crs_grade", "icans_grade", "tocilizumab"]),
    ]
    assert spec.title == "Comparaison par Sexe"
    assert "Fichier d'étude écrit dans" in run.output


def test_an_existing_file_is_replaced_only_with_force(seed, tmp_path):
    study = tmp_path / "study.toml"
    study.write_text("# mine\n", encoding="utf-8")
    run = _init(str(seed), "--out", str(study))
    assert run.exit_code == 2
    assert "it exists; use --force to replace it; nothing was written" in _text(run.output)
    assert study.read_text(encoding="utf-8") == "# mine\n"
    run = _init(str(seed), "--out", str(study), "--force")
    assert run.exit_code == 0, run.output
    assert load_study(study).by == "cohort"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--cohort-column", "therapy_class"], "'therapy_class' is not a column that splits these infusions"),
        (["--cohort-column", "cohorts"], "did you mean 'cohort'?"),
        (["--levels", "clinical_trial,trial"], "'trial' is not a value of cohort in the data"),
        (["--levels", "clinical_trial"], "give two groups or more"),
        (["--table", "main:agee"], "'agee' is not a variable of the analysis table"),
        (["--table", "main:infusion_date"], "'infusion_date' is not a variable of the analysis table"),
        (["--table", "1st:age"], "'1st' is not a table id"),
        (["--table", "a:age", "--table", "a:sex"], "table 'a' is given twice"),
        (["--preset", "spss"], "'spss' is not one of iectox, gtsummary, r_tableone, py_tableone"),
        (["--lang", "de"], "'de' is not one of en, fr"),
    ],
)
def test_a_wrong_option_is_refused_and_nothing_written(seed, tmp_path, options, message):
    study = tmp_path / "study.toml"
    run = _init(str(seed), "--out", str(study), *options)
    assert run.exit_code == 2, run.output
    assert message in _text(run.output)
    assert "Traceback" not in run.output
    assert not study.exists()


def test_an_invalid_or_missing_dataset_writes_nothing(tmp_path):
    study = tmp_path / "study.toml"
    assert _init(str(tmp_path / "nothing"), "--out", str(study)).exit_code == 2
    broken = write_dataset(calibrate(seed=3).dataset, tmp_path / "broken")
    patients = broken / "patients.csv"
    patients.write_text(
        patients.read_text(encoding="utf-8").replace(",female,", ",femal,", 1), encoding="utf-8"
    )
    run = _init(str(broken), "--out", str(study))
    assert run.exit_code == 1, run.output
    assert "no study file was written" in run.output
    assert not study.exists()


def test_at_a_terminal_it_asks_with_the_data_as_defaults(seed, tmp_path, monkeypatch):
    monkeypatch.setattr(init_command, "interactive", lambda: True)
    study = tmp_path / "study.toml"
    answers = "\n".join(
        [
            "cohrt",  # a mistake: said, and asked again
            "1",  # the first column listed: cohort
            "standard_of_care, clinical_trial",
            "age, sex, crs_grade",
            "tox: icans_grade, tocilizumab",
            "",  # no more tables
            "fr",
            "",  # the default preset
        ]
    )
    run = _init(str(seed), "--out", str(study), input=answers + "\n")
    assert run.exit_code == 0, run.output
    assert "1. cohort - Cohort: clinical_trial (40), standard_of_care (361)" in run.output
    assert "'cohrt' is not a column that splits these infusions into groups" in run.output
    spec = load_study(study)
    assert (spec.by, spec.order, spec.language, spec.policy.name) == (
        "cohort",
        ("standard_of_care", "clinical_trial"),
        "fr",
        "iectox",
    )
    assert [(t.id, [v.name for v in t.variables]) for t in spec.tables] == [
        ("main", ["age", "sex", "crs_grade"]),
        ("tox", ["icans_grade", "tocilizumab"]),
    ]


def test_yes_asks_nothing_even_at_a_terminal(seed, tmp_path, monkeypatch):
    monkeypatch.setattr(init_command, "interactive", lambda: True)
    run = _init(str(seed), "--out", str(tmp_path / "study.toml"), "--yes", input="")
    assert run.exit_code == 0, run.output
    assert "Cohort column" not in run.output
