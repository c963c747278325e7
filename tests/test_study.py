"""The study spec (TOML) and running it: the seed study's tables from the calibrated synthetic cohort."""

from __future__ import annotations

from pathlib import Path

import pytest

from iectox.errors import SpecError
from iectox.study import load_study, run_study
from iectox.synth import calibrate

SEED_SPEC = Path(__file__).resolve().parents[1] / "examples" / "seed_study" / "study.toml"


@pytest.fixture(scope="module")
def seed():
    return run_study(calibrate().dataset, load_study(SEED_SPEC))


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
        ("[study\n", "cannot be read as TOML"),
    ],
)
def test_spec_errors_name_the_file_and_the_entry(tmp_path, text, message):
    path = tmp_path / "study.toml"
    path.write_text(text)
    with pytest.raises(SpecError, match=message.replace("(", r"\(").replace(")", r"\)")) as caught:
        load_study(path)
    assert str(path) in str(caught.value)
