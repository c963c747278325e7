"""Every key of a study file, given a value of each wrong type or out of its range, is refused with a `SpecError`
naming the file, the key, the value and what is allowed (exit 2 from `iectox report`, nothing written); so is a
study file, published table or pathway that cannot be read. Never a traceback."""

from __future__ import annotations

import copy
import dataclasses
import math
import re
import tomllib
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hostile_files import unreadable_files
from iectox.analysis import AnalysisSettings
from iectox.cli.commands import app
from iectox.errors import SpecError
from iectox.stats.policy import MethodPolicy
from iectox.study import load_study
from iectox.study.adverse_events import KEYS as ADVERSE_EVENT_KEYS
from iectox.study.spec import COHORT_KEYS, STUDY_KEYS, TABLE_KEYS, TEST_KEYS
from iectox.study.variables import VARIABLE_KEYS
from iectox.study.writing import toml_document

SEED_SPEC = Path(__file__).resolve().parents[1] / "examples" / "seed_study" / "study.toml"

Path_ = tuple[str | int, ...]


def full_study() -> dict:
    """The seed study with every key of the spec set somewhere, so that walking it visits them all."""
    doc = tomllib.loads(SEED_SPEC.read_text(encoding="utf-8"))
    doc["tests"].update(
        digits=1,
        categorical="pearson_chi2",
        fisher_below=5.0,
        continuous="welch_t",
        rank_test="mann_whitney",
        summary="mean_sd",
        ordinal="chi2",
        fisher_2x2_only=False,
        fisher_counts_unused=False,
        quantile_type=7,
        categorical_below=10,
        empty_group="drop",
        adjustment="holm",
        rounding="format",
        missing_as_level=False,
        ranks_always=False,
        stratified="mantel_haenszel",
    )
    doc["analysis"]["include_prophylaxis"] = False
    doc["tables"].append(
        {
            "id": "every_key",
            "title": "Every key",
            "strata": "centre",
            "variables": [
                {
                    "name": "crs_grade",
                    "label": "CRS",
                    "kind": "toxicity",
                    "test": "pearson_chi2",
                    "levels": [0, 1, 2, 3, 4],
                    "level_labels": {"3": "Grade 3"},
                    "among": "tocilizumab",
                    "top": 3,
                    "severe_from": 3,
                    "reference": "crs_grade",
                },
                {"name": "age", "summary": "median_iqr", "test": "mann_whitney"},
            ],
        }
    )
    return doc


def key_paths(node: object, prefix: Path_ = ()) -> Iterator[Path_]:
    """Every key of the document, sections and list items included, depth first."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        if isinstance(node, dict):
            yield (*prefix, key)
        if isinstance(value, dict | list) and not (isinstance(value, list) and not _holds_tables(value)):
            yield from key_paths(value, (*prefix, key))


def _holds_tables(value: list) -> bool:
    return bool(value) and all(isinstance(v, dict) for v in value)


def get(doc: dict, path: Path_) -> object:
    for key in path:
        doc = doc[key]  # type: ignore[index]
    return doc


def put(doc: dict, path: Path_, value: object) -> dict:
    changed = copy.deepcopy(doc)
    get(changed, path[:-1])[path[-1]] = value  # type: ignore[index]
    return changed


FLOATS = {"steroid_window_h", "fisher_below"}  # a whole number is a number too
OUT_OF_RANGE = {
    "digits": [-1, 7, 10**30],
    "p_digits": [0, -1, 7],
    "top": [0, -1, 1001],
    "severe_from": [0, 6, -3],
    "steroid_window_h": [-1.0, math.nan, math.inf, 721],
    "fisher_below": [-0.5, math.nan, -math.inf, 101],
    "period": [["2020-01-01"], ["2021-01-01", "2020-01-01"], ["2020-13-01", "2021-01-01"]],
}


def wrong_values(path: Path_, good: object) -> list[object]:
    """Values of every TOML type but the key's, a list mixing types, text with a terminal code, and numbers
    out of range."""
    leaf = str(path[-1])
    if isinstance(good, bool):
        wrong = ["yes", 1, [True], {"a": True}]
    elif isinstance(good, int) and leaf not in FLOATS:
        wrong = ["3", 1.5, True, [good], {"a": good}, date(2020, 1, 1)]
    elif isinstance(good, int | float):
        wrong = ["24", True, [good], {"a": good}, date(2020, 1, 1)]
    elif isinstance(good, str):
        wrong = [5, 1.5, True, [good], {"a": good}, date(2020, 1, 1), f"{good}\x1b[2J"]
    elif isinstance(good, list):
        wrong = ["x", 5, {"a": 1}, [*good[:1], 12.5 if isinstance(good[0], str) else "x"]]
    else:
        wrong = ["x", 5, [1, 2], True]
    return wrong + OUT_OF_RANGE.get(leaf, [])


def cases() -> list[tuple[Path_, object]]:
    doc = full_study()
    return [(path, value) for path in key_paths(doc) for value in wrong_values(path, get(doc, path))]


def _same(shown: object, given: object) -> bool:
    if isinstance(shown, float) and isinstance(given, float) and math.isnan(shown) and math.isnan(given):
        return True
    if shown == given:
        return True
    if isinstance(given, dict):
        return shown in given or shown in given.values()
    return isinstance(given, list) and any(_same(shown, item) for item in given)


def test_the_walk_visits_every_key_of_the_spec():
    leaves = {str(p[-1]) for p in key_paths(full_study())}
    policy = {f.name for f in dataclasses.fields(MethodPolicy)} - {"name"}
    analysis = {f.name for f in dataclasses.fields(AnalysisSettings)}
    keys = {*STUDY_KEYS, *COHORT_KEYS, *TEST_KEYS, *policy, *analysis, *TABLE_KEYS, *VARIABLE_KEYS, "pathway"}
    keys |= {*ADVERSE_EVENT_KEYS}
    assert keys - leaves == set()
    assert len(cases()) > 400


def test_the_full_study_is_valid(tmp_path):
    path = tmp_path / "study.toml"
    path.write_text(toml_document(full_study()), encoding="utf-8")
    spec = load_study(path)
    assert [t.id for t in spec.tables][-1] == "every_key"


def key_cases() -> dict[Path_, list[object]]:
    grouped: dict[Path_, list[object]] = {}
    for path, value in cases():
        grouped.setdefault(path, []).append(value)
    return grouped


@pytest.mark.parametrize(("path", "values"), key_cases().items(), ids=lambda v: repr(v)[:60])
def test_every_wrong_value_is_a_spec_error_naming_it(tmp_path, path, values):
    study = tmp_path / "study.toml"
    for value in values:
        study.write_text(toml_document(put(full_study(), path, value)), encoding="utf-8")
        with pytest.raises(SpecError) as caught:
            load_study(study)
        error = caught.value
        assert error.file == str(study)
        assert error.key is not None and str(path[-1]).rstrip("s") in error.key, (error.key, path, value)
        assert _same(error.value, value), (error.value, path, value)
        assert error.allowed and all(error.allowed), (error, path, value)
        assert str(error).startswith(f"{study}: ") and error.key.split(" ")[0] in str(error)


def _report(study: Path, out: Path):
    return CliRunner().invoke(
        app, ["report", str(study.parent), "--study", str(study), "--out", str(out)], terminal_width=300
    )


def test_the_command_line_refuses_each_with_exit_2_and_writes_nothing(tmp_path):
    first = {}
    for path, value in cases():
        first.setdefault(path, value)  # one wrong value per key keeps it quick; the library test has them all
    for path, value in first.items():
        study = tmp_path / "study.toml"
        study.write_text(toml_document(put(full_study(), path, value)), encoding="utf-8")
        run = _report(study, tmp_path / "out")
        assert run.exit_code == 2, (path, value, run.output)
        assert ("Traceback" not in run.output and run.exception is None) or isinstance(
            run.exception, SystemExit
        )
        assert str(study) in " ".join(run.output.split()).replace(" ", "") or study.name in run.output
        assert not (tmp_path / "out").exists()


def _unreadable(tmp_path: Path) -> dict[str, Path]:
    return unreadable_files(tmp_path, ".toml")


EXPECTED = {
    "missing": "there is no such study file",
    "folder": "it is a folder, not a study file",
    "fifo": "it is a device, a pipe or a socket",
    "dev-zero": "it is a device, a pipe or a socket",
    "huge": "a study file is at most",
    "not utf-8": "is not UTF-8 text (byte 18 is 0xc9)",
    "syntax": "not valid TOML: Expected ']' at the end of a table declaration (at line 1, column 7)",
    "dangling": "there is no such study file",
    "loop": "there is no such study file",
    "empty": "holds no settings (it is empty, or comments alone); a study file says what it sets",
}


def test_a_study_file_that_cannot_be_read_is_a_spec_error(tmp_path):
    for name, path in _unreadable(tmp_path).items():
        with pytest.raises(SpecError) as caught:
            load_study(path)
        assert caught.value.file == str(path), name
        assert EXPECTED[name] in str(caught.value), (name, str(caught.value))
        run = _report(path, tmp_path / "out")
        assert run.exit_code == 2, (name, run.output)
        assert not (tmp_path / "out").exists()


def test_a_byte_order_mark_is_not_an_error(tmp_path):
    path = tmp_path / "study.toml"
    path.write_bytes("\ufeff".encode() + SEED_SPEC.read_bytes())
    assert load_study(path).title.startswith("CRS and ICANS")


@pytest.mark.parametrize("key", ["reference", "pathway"])
def test_a_published_table_or_pathway_that_cannot_be_read_stops_the_study_file(tmp_path, key):
    files = _unreadable(tmp_path)
    section = "study" if key == "reference" else "management"
    for name, target in files.items():
        doc = full_study()
        doc[section][key] = target.name
        study = tmp_path / "study.toml"
        study.write_text(toml_document(doc), encoding="utf-8")
        with pytest.raises(SpecError) as caught:
            load_study(study)
        assert caught.value.file == str(study)
        assert caught.value.key == f"[{section}] {key}"
        assert caught.value.value == str(target)
        assert target.name in str(caught.value), name


def test_an_unknown_iectox_reference_is_refused_with_the_known_one(tmp_path):
    doc = put(full_study(), ("study", "reference"), "iectox:seeds")
    study = tmp_path / "study.toml"
    study.write_text(toml_document(doc), encoding="utf-8")
    with pytest.raises(SpecError, match="did you mean 'iectox:seed'"):
        load_study(study)


@pytest.mark.parametrize(
    ("where", "value", "message"),
    [
        (("tables", 0, "id"), "indications", "table id 'indications' is given twice"),
        (("tables", 0, "variables", 1, "name"), "sex", "variable 'sex' is given twice"),
        (("tables", 0, "variables"), [], "an empty list; give at least one variable"),
        (("tables", 0, "variables", 0, "levels"), [], "an empty list; give at least one level"),
        (("cohorts", "order"), [], "an empty list; give at least one level"),
        (("tables", 0, "variables", 1, "test"), "pearson_chi2", "'pearson_chi2' is not one of welch_t"),
        (("tables", 0, "variables", 0, "test"), "welch_t", "'welch_t' is not one of pearson_chi2"),
        (("analysis", "grading_scale"), "ASTCT2091", "did you mean 'ASTCT2019'?"),
        (
            ("tables", 0, "variables", 0, "kind"),
            "continuous",
            "(sex) kind: 'continuous' is not one of categorical",
        ),
        (("tables", 0, "variables", 0, "summary"), "median_iqr", "is not a setting of continuous variables"),
        (("tables", 0, "strata"), "age", "strata: 'age' is not a categorical column other than the cohorts"),
        (("tables", 0, "strata"), "cohort", "'cohort' is not a categorical column other than the cohorts"),
        (("tables", 0, "variables", 0, "test"), "mantel_haenszel", "'mantel_haenszel' is not one of"),
        (("tests", "stratified"), "cmh_generalized", "'cmh_generalized'"),
    ],
)
def test_values_of_the_right_type_that_cannot_work_are_refused(tmp_path, where, value, message):
    study = tmp_path / "study.toml"
    study.write_text(toml_document(put(full_study(), where, value)), encoding="utf-8")
    with pytest.raises(SpecError, match=re.escape(message)):
        load_study(study)


def test_audit_refuses_a_pathway_file_that_cannot_be_read(tmp_path):
    for name, pathway in _unreadable(tmp_path).items():
        out = tmp_path / "audit"
        run = CliRunner().invoke(
            app,
            ["audit", str(tmp_path / "data.xlsx"), "--pathway", str(pathway), "--out", str(out)],
            terminal_width=300,
        )
        assert run.exit_code == 2, (name, run.output)
        assert run.exception is None or isinstance(run.exception, SystemExit), (name, run.exception)
        assert pathway.name in run.output, name
        assert not out.exists()
