"""iectox replaces only folders of its own: `--out` on a user's folder or file is refused and left untouched.

Issue 8's cases: `iectox synth --n 5 --out docs` used to delete `docs/thesis.txt`; `--out` naming an existing
file crashed and left it hidden as `.notes.txt.old`; `--out .` crashed and left a temporary folder.
"""

from __future__ import annotations

import os

import pytest
from tests.factories import small_dataset
from typer.testing import CliRunner

from iectox.cli.commands import app
from iectox.errors import OutputRefused
from iectox.io import write_dataset
from iectox.io.atomic import MARKER, atomic_folder


def _synth(out, *extra):
    return CliRunner().invoke(app, ["synth", "--n", "5", "--out", str(out), *extra])


def _listing(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def test_a_folder_of_the_users_files_is_refused_and_kept(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "thesis.txt").write_text("three years of work")
    run = _synth(docs)
    assert run.exit_code == 2
    assert "thesis.txt" in run.output and "nothing was written" in run.output
    assert (docs / "thesis.txt").read_text() == "three years of work"
    assert _listing(tmp_path) == ["docs", "docs/thesis.txt"]  # no temporary folder, no .old


def test_an_existing_file_is_refused_and_kept_in_place(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    run = _synth(notes)
    assert run.exit_code == 2 and "not a folder" in run.output
    assert notes.read_text() == "mine" and _listing(tmp_path) == ["notes.txt"]


def test_the_current_folder_is_refused_without_leaving_a_temporary_folder(tmp_path):
    (tmp_path / "data.csv").write_text("a,b\n")
    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        run = _synth(".")
    finally:
        os.chdir(here)
    assert run.exit_code == 2
    assert _listing(tmp_path) == ["data.csv"]


def test_a_folder_iectox_wrote_is_replaced_and_marked(tmp_path):
    out = tmp_path / "cohort"
    assert _synth(out).exit_code == 0
    assert (out / MARKER).exists()
    (out / "stale.csv").write_text("left by an earlier run\n")  # marked: iectox's folder, replaced whole
    assert _synth(out).exit_code == 0
    assert "stale.csv" not in _listing(out) and (out / "infusions.csv").exists()


def test_an_unmarked_folder_holding_only_table_named_csvs_is_the_users(tmp_path):
    """A registry's own export holds files named as iectox names its tables: without the marker, iectox did
    not write it, and `synth --out` must not replace it (it used to, silently)."""
    export = tmp_path / "registry_export"
    write_dataset(small_dataset(), export)
    (export / MARKER).unlink()
    before = {p.name: p.read_bytes() for p in export.iterdir()}
    run = _synth(export)
    assert run.exit_code == 2 and "nothing was written" in run.output
    assert "did not write (e.g. administrations.csv)" in run.output
    assert {p.name: p.read_bytes() for p in export.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["registry_export"]


def test_the_refusal_in_french(tmp_path):
    (tmp_path / "thesis.txt").write_text("x")
    with pytest.raises(OutputRefused) as refused:
        write_dataset(small_dataset(), tmp_path)
    assert refused.value.text("fr") == (
        f"{tmp_path} : le dossier contient des fichiers qu'iectox n'a pas écrits (par ex. thesis.txt) ; "
        "choisissez un dossier nouveau ou vide ; rien n'a été écrit"
    )


def test_a_failed_write_puts_the_previous_folder_back(tmp_path):
    out = tmp_path / "cohort"
    write_dataset(small_dataset(), out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    with pytest.raises(RuntimeError), atomic_folder(out) as tmp:
        (tmp / "half.csv").write_text("half")
        raise RuntimeError("disk full")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cohort"]


def test_refusal_is_an_iectox_error_naming_the_place(tmp_path):
    (tmp_path / "keep.txt").write_text("x")
    with pytest.raises(OutputRefused, match=r"keep\.txt"):
        write_dataset(small_dataset(), tmp_path)
