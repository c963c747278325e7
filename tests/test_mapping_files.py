"""Every key of a mapping file, given a value of a wrong type, is a `SpecError` naming the file, the key, the value
and what is allowed (exit 2 from `iectox import-mapped`, nothing written); a mapping file or source that cannot
be read is refused cleanly; and a mapping reads only a source in its own folder unless told otherwise."""

from __future__ import annotations

import copy
import math
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from hostile_files import unreadable_files
from iectox.cli.commands import app
from iectox.errors import SourceError, SpecError
from iectox.io.mapping import import_mapped, load_mapping
from iectox.study.writing import toml_document

SOURCE = "id;sex;flag;g\nP1;F;1;2\nP2;M;0;3\n"
PATIENTS = {"patient_id": "{id}", "sex": "{sex}", "centre": "C"}

Path_ = tuple[str | int, ...]


def full_mapping() -> dict:
    """A valid mapping of a CSV source with every key set somewhere."""
    return {
        "format": "iectox-mapping/1",
        "source": {
            "file": "source.csv",
            "delimiter": ";",
            "missing": ["N/A"],
            "encoding": "utf-8",
            "date_order": "dmy",
        },
        "records": [
            {
                "table": "patients",
                "name": "patient",
                "when": "g >= 1",
                "distinct": True,
                "columns": PATIENTS,
                "values": {"sex": {"F": "female", "M": "male"}},
            },
            {
                "table": "infusions",
                "when": ["g > 0", "id != x"],
                "columns": {
                    "infusion_id": "I-{id}",
                    "patient_id": "{id}",
                    "therapy": "axi-cel",
                    "setting": "trial",
                    "trial_id": "NCT00000001",
                    "indication": "DLBCL 3L+",
                    "crs_status": "{flag}",
                    "weight_kg": 70,
                },
                "values": {"crs_status": {"1": "yes", "0": "no"}},
            },
        ],
    }


def write(folder: Path, mapping: dict, name: str = "mapping.toml") -> Path:
    (folder / "source.csv").write_text(SOURCE, encoding="utf-8")
    path = folder / name
    path.write_text(toml_document(mapping), encoding="utf-8")
    return path


def key_paths(node: object, prefix: Path_ = ()) -> Iterator[Path_]:
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        if isinstance(node, dict):
            yield (*prefix, key)
        if isinstance(value, dict) or (isinstance(value, list) and value and isinstance(value[0], dict)):
            yield from key_paths(value, (*prefix, key))


def get(doc: dict, path: Path_) -> object:
    for key in path:
        doc = doc[key]
    return doc


def put(doc: dict, path: Path_, value: object) -> dict:
    changed = copy.deepcopy(doc)
    get(changed, path[:-1])[path[-1]] = value
    return changed


SPECIAL: dict[str, list[object]] = {
    "format": ["iectox-mapping/2"],
    "file": ["", "../outside.csv", "/etc/passwd", "sub/../../outside.csv", "a\x01b.csv"],
    "delimiter": [";;", "", '"', "\n", "a"],
    "encoding": ["bogus", "rot13", "undefined"],
    "date_order": ["ymd"],
    "table": ["patient"],
    "when": ["g => 1", "g > high", ["g > 1", 5]],
    "missing": [["NA", 5]],
    "name": ["a\x1bb"],
}


def wrong_values(path: Path_, good: object) -> list[object]:
    """Values of every TOML type but the key's, and values of its type that cannot work."""
    leaf = str(path[-1])
    if isinstance(good, bool):
        wrong = ["yes", 1, [True]]
    elif isinstance(good, int):  # a constant of a column: text or a number, never a table, list or date
        wrong = [True, [good], {"a": good}, date(2020, 1, 1), math.nan, math.inf]
    elif isinstance(good, str) and path[-2:-1] == ("columns",):
        wrong = [True, [good], {"a": good}, date(2020, 1, 1), math.nan, "{id", "{}"]
    elif isinstance(good, str) and path[-3:-2] == ("values",):
        wrong = [5, True, [good], {"a": good}]
    elif isinstance(good, str):
        wrong = [5, 1.5, True, [good] if leaf not in ("when",) else [5], {"a": good}, date(2020, 1, 1)]
    elif isinstance(good, list) and good and isinstance(good[0], dict):
        wrong = ["x", 5, [], [*good[:1], "x"]]
    elif isinstance(good, list):
        wrong = ["x" if leaf != "missing" else 5, {"a": 1}, [*good[:1], 12.5]]
    else:
        wrong = ["x", 5, [1, 2], True]
    return wrong + SPECIAL.get(leaf, [])


def cases() -> dict[Path_, list[object]]:
    doc = full_mapping()
    return {path: wrong_values(path, get(doc, path)) for path in key_paths(doc)}


def _same(shown: object, given: object) -> bool:
    """The error's value is the value given, or the list or table that holds it, or an item of it."""
    if isinstance(given, float) and math.isnan(given):
        return isinstance(shown, float) and math.isnan(shown)
    if shown == given:
        return True
    inside = (
        [*shown, *shown.values()] if isinstance(shown, dict) else shown if isinstance(shown, list) else []
    )
    if any(item == given for item in inside):
        return True
    parts = [*given, *given.values()] if isinstance(given, dict) else given if isinstance(given, list) else []
    return any(_same(shown, item) for item in parts)


def test_the_full_mapping_imports(tmp_path):
    dataset = import_mapped(write(tmp_path, full_mapping()))
    assert list(dataset["patients"]["sex"]) == ["female", "male"]
    assert list(dataset["infusions"]["weight_kg"]) == [70.0, 70.0]


def test_the_walk_visits_every_key_of_the_format():
    leaves = {str(p[-1]) for p in key_paths(full_mapping())}
    keys = {"format", "source", "file", "delimiter", "missing", "encoding", "date_order", "records"}
    assert keys | {"table", "name", "when", "distinct", "columns", "values"} <= leaves


@pytest.mark.parametrize(("path", "values"), cases().items(), ids=lambda v: repr(v)[:60])
def test_every_wrong_value_is_a_spec_error_naming_it(tmp_path, path, values):
    for value in values:
        mapping = write(tmp_path, put(full_mapping(), path, value))
        with pytest.raises(SpecError) as caught:
            import_mapped(mapping)
        error = caught.value
        assert error.file == str(mapping), (path, value)
        named = [str(p).rstrip("s") for p in path[-2:] if isinstance(p, str)]
        assert error.key is not None and any(n in error.key for n in named), (error.key, path, value)
        assert _same(error.value, value), (error.value, path, value)
        assert error.allowed and all(error.allowed), (error, path, value)
        assert str(error).startswith(f"{mapping}: ")


def _import(mapping: Path, out: Path, *options: str):
    return CliRunner().invoke(
        app, ["import-mapped", str(mapping), "--out", str(out), *options], terminal_width=300
    )


def test_the_command_line_refuses_each_with_exit_2_and_writes_nothing(tmp_path):
    for path, values in cases().items():
        mapping = write(tmp_path, put(full_mapping(), path, values[0]))
        run = _import(mapping, tmp_path / "out")
        assert run.exit_code == 2, (path, values[0], run.output)
        assert run.exception is None or isinstance(run.exception, SystemExit), (path, run.exception)
        assert not (tmp_path / "out").exists()


EXPECTED = {
    "missing": "there is no such mapping file",
    "folder": "it is a folder, not a mapping file",
    "fifo": "it is a device, a pipe or a socket",
    "dev-zero": "it is a device, a pipe or a socket",
    "huge": "a mapping file is at most",
    "not utf-8": "is not UTF-8 text",
    "syntax": "not valid TOML",
    "dangling": "there is no such mapping file",
    "loop": "there is no such mapping file",
    "empty": "holds no settings (it is empty, or comments alone)",
}


def test_a_mapping_file_that_cannot_be_read_is_refused(tmp_path):
    for name, path in unreadable_files(tmp_path, ".toml").items():
        with pytest.raises(SpecError) as caught:
            load_mapping(path)
        assert caught.value.file == str(path)
        assert EXPECTED[name] in str(caught.value), (name, str(caught.value))
        run = _import(path, tmp_path / "out")
        assert run.exit_code == 2, (name, run.output)
        assert not (tmp_path / "out").exists()


def test_a_source_that_cannot_be_read_is_refused(tmp_path):
    (tmp_path / "data").mkdir()
    hostile = unreadable_files(tmp_path / "data", ".csv")
    for name, source in hostile.items():
        if name in ("dev-zero", "dangling", "loop"):
            continue  # links: refused as leading out, or as missing, below
        mapping = write(tmp_path, put(full_mapping(), ("source", "file"), f"data/{source.name}"))
        with pytest.raises((SourceError, SpecError)) as caught:
            import_mapped(mapping)
        assert source.name in str(caught.value), name
        run = _import(mapping, tmp_path / "out")
        assert run.exit_code == 2, (name, run.output)
        assert not (tmp_path / "out").exists()


def test_a_source_outside_the_mapping_folder_is_refused_unless_allowed(tmp_path):
    outside = tmp_path / "outside.csv"
    outside.write_text(SOURCE, encoding="utf-8")
    folder = tmp_path / "mapping"
    folder.mkdir()
    (folder / "link.csv").symlink_to(outside)
    (folder / "zero.csv").symlink_to("/dev/zero")
    for given in ("../outside.csv", str(outside), "link.csv", "zero.csv", "../../../../etc/passwd"):
        mapping = write(folder, put(full_mapping(), ("source", "file"), given))
        with pytest.raises(SpecError) as caught:
            load_mapping(mapping)
        assert caught.value.key == "[source] file"
        assert "leads outside the mapping's folder" in str(caught.value)
        assert "--allow-outside" in str(caught.value)
        run = _import(mapping, tmp_path / "out")
        assert run.exit_code == 2 and "leads outside" in " ".join(run.output.split()), run.output
        assert not (tmp_path / "out").exists()
    for given in ("../outside.csv", str(outside), "link.csv"):
        mapping = write(folder, put(full_mapping(), ("source", "file"), given))
        assert len(import_mapped(mapping, allow_outside=True)["patients"]) == 2
        run = _import(mapping, tmp_path / "out.xlsx", "--allow-outside")
        assert run.exit_code == 0, run.output
        os.remove(tmp_path / "out.xlsx")
    mapping = write(folder, put(full_mapping(), ("source", "file"), "zero.csv"))
    with pytest.raises(SourceError, match="is a device, not a file"):
        import_mapped(mapping, allow_outside=True)


def test_a_source_in_a_subfolder_is_inside(tmp_path):
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "source.csv").write_text(SOURCE, encoding="utf-8")
    mapping = write(tmp_path, put(full_mapping(), ("source", "file"), "exports/source.csv"))
    assert len(import_mapped(mapping)["infusions"]) == 2


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ({"file": "book.xlsx", "delimiter": ";"}, "[source] delimiter is for CSV sources only"),
        ({"file": "book.xlsx", "encoding": "cp1252"}, "[source] encoding is for CSV sources only"),
        ({"file": "source.csv", "sheet": "Sheet1"}, "[source] sheet is for workbook sources only"),
        ({"file": "book.xlsx", "sheet": 2}, "[source] sheet must be the name of a sheet, not 2"),
    ],
)
def test_keys_for_the_other_kind_of_source_are_refused(tmp_path, source, message):
    mapping = write(tmp_path, put(full_mapping(), ("source",), source))
    with pytest.raises(SpecError) as caught:
        load_mapping(mapping)
    assert message in str(caught.value)


def test_a_damaged_workbook_source_is_a_source_error(tmp_path):
    (tmp_path / "book.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    mapping = write(tmp_path, put(full_mapping(), ("source",), {"file": "book.xlsx"}))
    with pytest.raises(SourceError, match="is not an XLSX workbook"):
        import_mapped(mapping)


def _workbook_source(folder: Path, fill) -> Path:
    """A mapping whose source is book.xlsx, sheet Data, holding SOURCE's cells and what `fill` changes."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Data"
    for line in SOURCE.strip().split("\n"):
        sheet.append(line.split(";"))
    fill(sheet)
    book.save(folder / "book.xlsx")
    return write(folder, put(full_mapping(), ("source",), {"file": "book.xlsx", "sheet": "Data"}))


def test_a_workbook_source_reads_as_the_csv_source(tmp_path):
    from_csv = import_mapped(write(tmp_path, full_mapping()))
    from_book = import_mapped(_workbook_source(tmp_path, lambda sheet: None))
    for table in ("patients", "infusions"):
        assert from_book[table].equals(from_csv[table])


@pytest.mark.parametrize(
    ("fill", "told"),
    [
        # openpyxl writes a formula without its cached value: pandas.read_excel read it blank
        (
            lambda sheet: sheet.__setitem__("B2", "=CHAR(70)"),
            "row 2, column sex: cell B2 holds the formula =CHAR(70)",
        ),
        # an Excel error value: read as the text "#N/A" before
        (lambda sheet: sheet.__setitem__("B3", "#N/A"), "row 3, column sex"),
        # a merged range: every cell but the first read blank before
        (lambda sheet: sheet.merge_cells("B2:B3"), "B2:B3"),
    ],
)
def test_a_workbook_source_refuses_what_it_cannot_read_faithfully(tmp_path, fill, told):
    mapping = _workbook_source(tmp_path, fill)
    with pytest.raises(SourceError) as caught:
        import_mapped(mapping)
    assert told in str(caught.value)
    assert "sheet Data" in str(caught.value)


def test_a_missing_sheet_is_named_with_the_sheets_there(tmp_path):
    mapping = _workbook_source(tmp_path, lambda sheet: None)
    mapping.write_text(mapping.read_text().replace('sheet = "Data"', 'sheet = "Données"'), encoding="utf-8")
    with pytest.raises(SourceError, match="has no sheet named Données; its sheets: Data"):
        import_mapped(mapping)
