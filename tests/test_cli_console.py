"""The console shows untrusted text literally (no markup read in a file name, no terminal code from a cell
reaches the terminal), a file option naming a folder is refused cleanly, and numbers may be typed with a
decimal comma."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pytest
from typer.testing import CliRunner

from factories import small_dataset
from iectox.cli.commands import app
from iectox.cli.console import literal, visible
from iectox.io import write_dataset

RAW_CONTROLS = "\x1b\x07\x00\x9b\u202e"
SEED_TABLE = resources.files("iectox").joinpath("data", "seed", "published_tables.json")


def _run(*args: str, lang: str = "en"):
    return CliRunner().invoke(app, list(args), terminal_width=200, env={"IECTOX_LANG": lang})


def _no_traceback(result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output


def _no_raw_controls(text: str) -> None:
    assert not any(c in text for c in RAW_CONTROLS), repr(text)


def test_literal_writes_controls_out_and_escapes_markup():
    assert literal("a\x1b[2J\x07b[/bold]c") == "a\\x1b[2J\\x07b\\[/bold]c"
    assert visible("x\ny\t\x00\x9b\u202ez") == "x\\ny\\t\\x00\\x9b\\u202ez"
    assert visible("Hôpital Besançon, 72,5 kg") == "Hôpital Besançon, 72,5 kg"


def test_a_file_name_with_rich_markup_is_printed_as_it_is(tmp_path):
    folder = tmp_path / "x["
    folder.mkdir()
    path = write_dataset(small_dataset(), folder / "bold]y.xlsx")
    result = _run("validate", str(path))
    _no_traceback(result)
    assert result.exit_code == 0
    assert f"{path}: valid" in result.output


def test_a_missing_file_with_markup_and_controls_in_its_name_is_refused_readably(tmp_path):
    path = tmp_path / "[bold]a\x1b[2Jb.xlsx"
    result = _run("validate", str(path))
    _no_traceback(result)
    assert result.exit_code == 2
    _no_raw_controls(result.output)
    assert "[bold]a\\x1b[2Jb.xlsx" in result.output


def test_terminal_codes_in_data_are_shown_not_sent(tmp_path):
    folder = write_dataset(small_dataset(), tmp_path / "data")
    patients = folder / "patients.csv"
    lines = patients.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("female", "f\x1b[2J\x07[/red]\x9b\u202e")
    patients.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = _run("validate", str(folder))
    _no_traceback(result)
    assert result.exit_code == 1
    _no_raw_controls(result.output)
    # the validation names the control characters itself (U+...), the console shows the markup literally
    assert "<U+001B>[2J<U+0007>[/red]<U+009B><U+202E>" in result.output
    assert "patients.csv, row 2, column sex" in result.output


def test_a_folder_name_with_controls_is_shown_written_out(tmp_path):
    folder = write_dataset(small_dataset(), tmp_path / "da\x1b]0;pwned\x07ta")
    result = _run("validate", str(folder))
    _no_traceback(result)
    assert result.exit_code == 0
    _no_raw_controls(result.output)
    assert "da\\x1b]0;pwned\\x07ta: valid" in result.output


@pytest.mark.parametrize(
    "command",
    [
        ["validate", "{data}", "--errors-json", "{target}"],
        ["recheck", str(SEED_TABLE), "--json", "{target}"],
        ["import-mapped", "{mapping}", "--out", "{out}", "--errors-json", "{target}"],
    ],
    ids=["validate", "recheck", "import-mapped"],
)
@pytest.mark.parametrize("target", ["folder", "under_a_file"])
def test_a_json_output_that_cannot_be_written_is_refused(tmp_path, command, target):
    data = write_dataset(small_dataset(), tmp_path / "data.xlsx")
    mapping = Path(__file__).resolve().parents[1] / "examples" / "cd22_crs"
    shutil.copytree(mapping, tmp_path / "cd22")
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "kept.txt").write_text("mine\n", encoding="utf-8")
    (tmp_path / "a_file").write_text("mine\n", encoding="utf-8")
    places = {"folder": tmp_path / "folder", "under_a_file": tmp_path / "a_file" / "problems.json"}
    values = {
        "data": str(data),
        "target": str(places[target]),
        "mapping": str(tmp_path / "cd22" / "mapping.toml"),
        "out": str(tmp_path / "out"),
    }
    result = _run(*(part.format(**values) for part in command))
    _no_traceback(result)
    assert result.exit_code == 2, result.output
    assert "nothing was written" in result.output
    assert (tmp_path / "folder" / "kept.txt").read_text(encoding="utf-8") == "mine\n"
    assert (tmp_path / "a_file").read_text(encoding="utf-8") == "mine\n"
    assert sorted(p.name for p in (tmp_path / "folder").iterdir()) == ["kept.txt"]


def test_errors_json_is_written_as_utf8(tmp_path):
    folder = write_dataset(small_dataset(), tmp_path / "data")
    patients = folder / "patients.csv"
    patients.write_text(patients.read_text(encoding="utf-8").replace("female", "Zoé"), encoding="utf-8")
    report = tmp_path / "problems.json"
    result = _run("validate", str(folder), "--errors-json", str(report))
    assert result.exit_code == 1
    assert "'Zoé'" in report.read_text(encoding="utf-8")


@pytest.mark.parametrize(("lang", "shown"), [("en", "72.5 kg: 580 mg"), ("fr", "72,5 kg : 580 mg")])
def test_vials_takes_a_decimal_comma(lang, shown):
    result = _run("vials", "--weight-kg", "72,5", "--lang", lang)
    assert result.exit_code == 0, result.output
    assert shown in result.output


def test_a_weight_that_is_not_a_number_is_a_bad_option():
    for text in ("abc", "nan", "inf", "1,2,3", "7,2.5"):
        result = _run("vials", "--weight-kg", text)
        _no_traceback(result)
        assert result.exit_code == 2
        assert "is not a number" in result.output


def test_grade_takes_a_decimal_comma_capd_age(tmp_path):
    data = write_dataset(small_dataset(), tmp_path / "data.xlsx")
    result = _run("grade", str(data), "--out", str(tmp_path / "graded"), "--capd-age", "12,5")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "graded" / "episodes.csv").exists()


@pytest.mark.parametrize(
    ("command", "option"),
    [
        (["template", "{tmp}/t.xlsx", "--rows", "2,5"], "--rows"),
        (["synth", "--n", "2,5", "--out", "{tmp}/s"], "--n"),
        (["synth", "--n", "2", "--seed", "1,5", "--out", "{tmp}/s"], "--seed"),
        (["demo", "--seed", "1,5", "--out", "{tmp}/d"], "--seed"),
        (["vials", "--weight-kg", "70", "--doses-on-site", "1,5"], "--doses-on-site"),
    ],
    ids=["template-rows", "synth-n", "synth-seed", "demo-seed", "vials-doses"],
)
def test_a_whole_number_option_refuses_a_decimal_cleanly(tmp_path, command, option):
    result = _run(*(part.format(tmp=tmp_path) for part in command))
    _no_traceback(result)
    assert result.exit_code == 2
    assert f"Invalid value for '{option}'" in result.output
    assert list(tmp_path.iterdir()) == []


def test_the_refusal_is_in_the_users_language(tmp_path):
    data = write_dataset(small_dataset(), tmp_path / "data.xlsx")
    (tmp_path / "folder").mkdir()
    result = _run("validate", str(data), "--errors-json", str(tmp_path / "folder"), lang="fr")
    assert result.exit_code == 2
    assert "c'est un dossier ; donnez un nom de fichier" in result.output
    assert "rien n'a été écrit" in result.output


@pytest.mark.parametrize(
    "command",
    [
        ["template", "{tmp}/t.xlsx"],
        ["validate", "{tmp}/x.xlsx"],
        ["import-mapped", "{tmp}/m.toml", "--out", "{tmp}/o"],
        ["grade", "{tmp}/x.xlsx", "--out", "{tmp}/o"],
        ["audit", "{tmp}/x.xlsx", "--out", "{tmp}/o"],
        ["vials", "--weight-kg", "70"],
        [
            "report",
            "{tmp}/x.xlsx",
            "--study",
            str(Path(__file__).parents[1] / "examples/seed_study/study.toml"),
        ],
        ["demo", "--out", "{tmp}/d"],
        ["init", "{tmp}/x.xlsx", "--out", "{tmp}/s.toml"],
    ],
    ids=lambda c: c[0],
)
def test_a_language_iectox_does_not_speak_is_a_bad_option_not_a_crash(tmp_path, command):
    """`say(message, lang=...)` read a {lang} placeholder as the language to translate into, and crashed."""
    args = [part.format(tmp=tmp_path) for part in command]
    if command[0] == "report":
        args += ["--out", str(tmp_path / "o")]
    result = _run(*args, "--lang", "de")
    _no_traceback(result)
    assert result.exit_code == 2
    assert "'de' is not one of en, fr" in result.output
    assert list(tmp_path.iterdir()) == []


def test_one_helper_escapes_for_the_console():
    """Every command escapes through `iectox.cli.console.literal`, which also writes control characters out;
    Rich's bare `escape` would let a terminal code through."""
    package = Path(__file__).resolve().parents[1] / "src" / "iectox" / "cli"
    users = sorted(
        p.name for p in package.glob("*.py") if "rich.markup import escape" in p.read_text("utf-8")
    )
    assert users == ["console.py"]


def test_a_file_that_cannot_be_read_is_refused_in_the_users_language(tmp_path):
    """A SourceError's sentence is data (an English template): the command line prints its French."""
    notes = tmp_path / "notes.txt"
    notes.write_text("not a dataset", encoding="utf-8")
    result = _run("validate", str(notes), "--lang", "fr", lang="fr")
    _no_traceback(result)
    assert result.exit_code == 2
    assert "n'est ni un classeur XLSX ni un dossier de fichiers CSV" in result.output
