"""Every field of a published summary table (`summary-table/1`, named by a study's `reference`, read by `recheck`
and `synth --calibrate`), given a value of a wrong type, is a `SpecError` naming the file, the field, the value
and what is allowed; so is a file that cannot be read. Never a traceback."""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hostile_files import unreadable_files
from iectox.cli.commands import app
from iectox.errors import SpecError
from iectox.published import read_summary_table

Path_ = tuple[str | int, ...]


def full_table() -> dict:
    """The seed's published tables with every optional field set somewhere."""
    text = resources.files("iectox").joinpath("data", "seed", "published_tables.json").read_text("utf-8")
    doc = json.loads(text)
    sex = doc["variables"][0]
    sex["stated_test"] = "pearson_chi2"
    sex["note"] = "as printed"
    sex["percentages"] = {"real_life": {"Male": 63.7}}
    doc["variables"][1]["summary"]["trial"].update(n=40, median=58.0, q1=50.0, q3=66.5, values=[50.0, 66.5])
    return doc


def key_paths(node: object, prefix: Path_ = ()) -> Iterator[Path_]:
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        if isinstance(node, dict):
            yield (*prefix, key)
        if isinstance(value, dict) or (isinstance(value, list) and value and isinstance(value[0], dict)):
            yield from key_paths(value, (*prefix, key))


def put(doc: dict, path: Path_, value: object) -> dict:
    changed = copy.deepcopy(doc)
    node = changed
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return changed


def get(doc: dict, path: Path_) -> object:
    for key in path:
        doc = doc[key]
    return doc


def wrong_values(good: object) -> list[object]:
    if isinstance(good, bool):
        return ["yes", 1]
    if isinstance(good, int):
        return ["3", 1.5, True, -1, [good], {"a": good}]
    if isinstance(good, float):
        return ["62.7", True, [good], {"a": good}, math.nan, math.inf, 1e300]
    if isinstance(good, str):
        return [5, 1.5, True, [good], {"a": good}]
    if isinstance(good, list):
        return ["x", 5, {"a": 1}, [*good[:1], "x"]]
    if good is None:  # an optional text left empty (reported_p: null)
        return [5, 1.5, True, [1, 2], {"a": 1}]
    return ["x", 5, [1, 2], True]


def cases() -> dict[Path_, list[object]]:
    doc = full_table()
    return {path: wrong_values(get(doc, path)) for path in key_paths(doc) if path[-1] != "values"}


def _same(shown: object, given: object) -> bool:
    if (isinstance(given, float) and not math.isfinite(given)) or given == 1e300:
        return str(shown).lower() in ("nan", "infinity", "-infinity", "1e+300", "1e300", "1e+300")
    if shown == given or str(shown) == str(given):
        return True
    if isinstance(given, dict):
        return shown in given or shown in given.values()
    return isinstance(given, list) and any(_same(shown, item) for item in given)


def test_the_walk_visits_every_field_of_the_format():
    leaves = {str(p[-1]) for p in key_paths(full_table())}
    assert {
        "format",
        "study",
        "groups",
        "label",
        "n",
        "variables",
        "name",
        "type",
        "counts",
        "summary",
    } <= leaves
    assert {"percentages", "reported_p", "stated_test", "note", "mean", "sd", "median", "q1", "q3"} <= leaves


@pytest.mark.parametrize(("path", "values"), cases().items(), ids=lambda v: repr(v)[:60])
def test_every_wrong_value_is_a_spec_error_naming_it(tmp_path, path, values):
    file = tmp_path / "table.json"
    for value in values:
        file.write_text(json.dumps(put(full_table(), path, value)), encoding="utf-8")
        with pytest.raises(SpecError) as caught:
            read_summary_table(file)
        error = caught.value
        assert error.file == str(file)
        named = [str(p) for p in path[-2:] if isinstance(p, str)]
        assert error.key is not None and any(n in error.key for n in named), (error.key, path, value)
        assert _same(error.value, value) or error.key.endswith(("type", "name")), (error.value, path, value)
        assert error.allowed and all(error.allowed), (error, path, value)
        assert str(error).startswith("table.json: ")


def test_an_unknown_field_is_refused_rather_than_lost(tmp_path):
    file = tmp_path / "table.json"
    doc = full_table()
    doc["variables"][0]["reported_P"] = "0.5"
    file.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(SpecError, match=r"unknown field\(s\) reported_P; allowed: name, label, type"):
        read_summary_table(file)


EXPECTED = {
    "missing": "there is no such summary-table/1 file",
    "folder": "it is a folder",
    "fifo": "it is a device, a pipe or a socket",
    "dev-zero": "it is a device, a pipe or a socket",
    "huge": "a summary-table/1 file is at most",
    "not utf-8": "is not UTF-8 text",
    "syntax": "not valid JSON: Expecting value (line 1, column 2)",
    "dangling": "there is no such summary-table/1 file",
    "loop": "there is no such summary-table/1 file",
    "empty": "not valid JSON: Expecting value (line 1, column 1)",
}


def test_a_table_that_cannot_be_read_is_refused_by_recheck_and_synth(tmp_path):
    for name, path in unreadable_files(tmp_path, ".json").items():
        with pytest.raises(SpecError) as caught:
            read_summary_table(path)
        assert EXPECTED[name] in str(caught.value), (name, str(caught.value))
        for command in (
            ["recheck", str(path)],
            ["synth", "--calibrate", str(path), "--out", str(tmp_path / "o")],
        ):
            run = CliRunner().invoke(app, command, terminal_width=300)
            assert run.exit_code == 2, (name, command, run.output)
            assert run.exception is None or isinstance(run.exception, SystemExit), (name, run.exception)
            assert not (tmp_path / "o").exists()


def test_an_empty_file_and_a_top_level_list_are_refused(tmp_path):
    for text, message in (("", "not valid JSON"), ("[]", "document: must be an object, got a list")):
        file = tmp_path / "table.json"
        file.write_text(text, encoding="utf-8")
        with pytest.raises(SpecError, match=message):
            read_summary_table(Path(file))
