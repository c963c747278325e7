"""The study spec (TOML) and running it: the seed study's tables from the calibrated synthetic cohort."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from factories import seed_cohort, seed_result
from iectox.cli.commands import app
from iectox.errors import SpecError
from iectox.io import write_dataset
from iectox.study import load_study, run_study

SEED_SPEC = Path(__file__).resolve().parents[1] / "examples" / "seed_study" / "study.toml"


@pytest.fixture(scope="module")
def seed():
    return seed_result()


def test_seed_spec_describes_the_seed_tables():
    spec = load_study(SEED_SPEC)
    assert [t.id for t in spec.tables] == [
        "demographics",
        "indications",
        "products",
        "crs",
        "icans",
        "tocilizumab",
        "outcomes",
        "haematotoxicity",
    ]
    assert spec.order == ("standard_of_care", "clinical_trial") and spec.p_digits == 4
    assert spec.policy.name == "iectox"


def test_demographics_p_values_are_the_published_ones(seed):
    table = dict((t.id, c) for t, c in seed.tables)["demographics"]
    assert [(r.name, r.test.test, round(r.p_value, 4)) for r in table.results] == [
        ("sex", "pearson_chi2", 0.6356),
        ("age", "welch_t", 0.1202),
        ("weight_kg", "welch_t", 0.0481),
    ]


def test_published_versus_reproduced(seed):
    checks = {(c.variable, c.group, c.statistic): c for c in seed.checks}
    assert checks[("sex", "real_life", "Male")].agrees is True
    assert checks[("age", None, "p")].reproduced == "0.1202 (welch_t)"
    assert checks[("indication", "real_life", "R/R B-cell NHL (DLBCL, >= 3rd line)")].agrees is True
    assert checks[("indication", "real_life", "Other")].agrees is None  # pools other levels than ours
    assert checks[("icans_grade", "trial", "No")].agrees is False  # the published 32 contradicts 40 - 16
    counts = [c for c in seed.checks if c.statistic not in ("p", "mean", "sd", "Other")]
    assert sum(c.agrees is True for c in counts) == len(counts) - 1


def test_tocilizumab_rows_are_among_the_treated(seed):
    table = dict((t.id, c) for t, c in seed.tables)["tocilizumab"]
    assert table.result("tocilizumab_dose_mg").n.tolist() == [200, 20, 220]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[[tables]]\nid = "t"\nvariables = [{ name = "weight" }]',
            "'weight' is not a column of the analysis table",
        ),
        ('[[tables]]\nid = "t"\nvariables = [{ name = "age", colour = "red" }]', "unknown key(s) colour"),
        ('[tests]\npreset = "spss"', "'spss' is not one of iectox, gtsummary, r_tableone, py_tableone"),
        ("[study\n", "not valid TOML"),
    ],
)
def test_spec_errors_name_the_file_and_the_entry(tmp_path, text, message):
    path = tmp_path / "study.toml"
    path.write_text(text)
    with pytest.raises(SpecError, match=message.replace("(", r"\(").replace(")", r"\)")) as caught:
        load_study(path)
    assert str(path) in str(caught.value)


def _spec(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "study.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _refused(path: Path) -> SpecError:
    with pytest.raises(SpecError) as caught:
        load_study(path)
    return caught.value


def test_an_unknown_cohort_column_is_named_not_a_key_error(tmp_path):
    path = _spec(tmp_path, '[cohorts]\nby = "cohorts"\n')
    error = _refused(path)
    assert str(error) == (
        f"{path}: [cohorts] by: 'cohorts' is not a column of the analysis table (see docs/analysis_columns.md)"
        "; did you mean 'cohort'?"
    )
    assert (error.file, error.key, error.value) == (str(path), "[cohorts] by", "cohorts")


def test_a_summary_that_does_not_exist_is_refused_with_the_close_one(tmp_path):
    path = _spec(tmp_path, '[[tables]]\nid = "t"\nvariables = [{ name = "age", summary = "median" }]\n')
    error = _refused(path)
    assert str(error) == (
        f"{path}: [[tables]] #1 (t), variable #1 (age) summary: 'median' is not one of mean_sd, median_iqr, "
        "both; did you mean 'median_iqr'?"
    )
    assert error.allowed == ("mean_sd", "median_iqr", "both")


def test_an_unknown_key_is_refused_with_the_close_one(tmp_path):
    error = _refused(_spec(tmp_path, '[cohorts]\nbyy = "cohort"\n'))
    assert (
        "[cohorts]: unknown key(s) byy; did you mean 'by'? (allowed: by, labels, order, therapy_class)"
        in str(error)
    )
    error = _refused(_spec(tmp_path, '[studdy]\ntitle = "x"\n'))
    assert "the study file: unknown key(s) studdy; did you mean 'study'?" in str(error)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[tests]\np_digits = "4"\n', "[tests] p_digits: '4' should be a whole number"),
        ("[tests]\np_digits = true\n", "[tests] p_digits: True should be a whole number"),
        ('[analysis]\nsteroid_window_h = "24"\n', "[analysis] steroid_window_h: '24' should be a number"),
        ('[cohorts]\norder = "clinical_trial"\n', "[cohorts] order: 'clinical_trial' should be a list"),
        ('[tests]\ncontinuous = "welch"\n', "[tests] continuous: 'welch' is not one of welch_t, student_t"),
        ('[cohorts]\norder = ["clinical_trail"]\n', "did you mean 'clinical_trial'?"),
        ('[study]\nlanguage = "de"\n', "[study] language: 'de' is not one of en, fr"),
        (
            '[[tables]]\nid = "t"\nvariables = [{ name = "sex", levels = ["male", "fmale"] }]\n',
            "variable #1 (sex) levels #2: 'fmale' is not one of",
        ),
    ],
)
def test_wrong_types_and_values_name_the_key_and_the_value(tmp_path, text, message):
    path = _spec(tmp_path, text)
    error = _refused(path)
    assert str(error).startswith(f"{path}: ") and message in str(error)


def test_a_steroid_window_may_be_a_whole_number(tmp_path):
    spec = load_study(_spec(tmp_path, "[analysis]\nsteroid_window_h = 48\n"))
    assert spec.analysis.steroid_window_h == 48


MISSPELT_COHORT = '[cohorts]\nby = "therapy_class"\norder = ["CAR-T", "BiTE"]\n'


def test_a_cohort_missing_from_the_data_stops_the_study(tmp_path):
    path = _spec(tmp_path, MISSPELT_COHORT)
    spec = load_study(path)  # therapy_class takes its values from the data: checked when the study runs
    with pytest.raises(SpecError) as caught:
        run_study(seed_cohort(), spec)
    assert str(caught.value) == (
        f"{path}: [cohorts] order: 'BiTE' is not a value of therapy_class in the data (CAR-T)"
    )


def test_cli_report_exits_2_and_writes_nothing_on_a_spec_error(tmp_path):
    folder = write_dataset(seed_cohort(), tmp_path / "dataset")
    for text, shown in (
        (MISSPELT_COHORT, "'BiTE' is not a value of therapy_class"),
        ('[[tables]]\nid = "t"\nvariables = [{ name = "age", summary = "median" }]\n', "'median_iqr'"),
    ):
        out = tmp_path / "report"
        run = CliRunner().invoke(
            app,
            ["report", str(folder), "--study", str(_spec(tmp_path, text)), "--out", str(out)],
            terminal_width=300,
        )
        assert run.exit_code == 2, run.output
        assert shown in " ".join(run.output.split())
        assert not out.exists()


def test_levels_may_be_written_as_labels_of_their_codes(tmp_path):
    spec = load_study(_spec(tmp_path, '[cohorts]\norder = ["Standard of care", "clinical_trial"]\n'))
    assert spec.order == ("standard_of_care", "clinical_trial")
