"""Every command that writes replaces only what iectox wrote itself; anything else is refused and kept.

Reviewer's findings (issue 8, "Data loss"): `synth --n 3 --out notes.xlsx` and `import-mapped ... --out
thesis.xlsx` replaced any existing file, even a plain-text one, exit status 0; `grade --out DIR` overwrote a
user's `episodes.csv` in DIR; `redcap records --out rec.csv` overwrote any file. Now a file iectox publishes
outside a folder of its own gets a sidecar (`.NAME.iectox-output`, its size and modification time as
written), a folder the marker `.iectox-output`; an existing file or folder without them is the user's.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pytest
from typer.testing import CliRunner

from factories import small_dataset
from iectox.cli.commands import app
from iectox.errors import OutputRefused
from iectox.io import write_dataset
from iectox.io.atomic import MARKER, atomic_file
from iectox.io.owned import sidecar
from iectox.io.redcap import write_dictionary, write_records

ROOT = Path(__file__).resolve().parents[1]
SEED_TABLE = resources.files("iectox").joinpath("data", "seed", "published_tables.json")
STUDY = ROOT / "examples" / "seed_study" / "study.toml"
MINE = "three years of work\n"


@dataclass(frozen=True)
class Writer:
    """A command, with `{out}` where it writes and `{...}` for the inputs of `inputs`; `folder` when it
    writes a folder (`inside` it, for a command whose --out holds its folders); `said` the words of its
    refusal."""

    args: tuple[str, ...]
    folder: bool = False
    said: str = "nothing was written"
    inside: str = ""


COMMANDS = {
    "synth --out FILE.xlsx": Writer(("synth", "--n", "3", "--out", "{out}.xlsx")),
    "synth --out FOLDER": Writer(("synth", "--n", "3", "--out", "{out}"), folder=True),
    "import-mapped --out FILE.xlsx": Writer(("import-mapped", "{mapping}", "--out", "{out}.xlsx")),
    "import-mapped --errors-json": Writer(
        ("import-mapped", "{mapping}", "--out", "{fresh}", "--errors-json", "{out}.json")
    ),
    "import-redcap --out FILE.zip": Writer(
        ("import-redcap", "{records}", "-d", "{dictionary}", "--out", "{out}.zip")
    ),
    "redcap records --out": Writer(("redcap", "records", "{data}", "--out", "{out}.csv")),
    "redcap dictionary": Writer(("redcap", "dictionary", "{out}.csv")),
    "deidentify --out": Writer(
        ("deidentify", "{data}", "--key-file", "{key}", "--create-key", "--out", "{out}.xlsx")
    ),
    "grade --out DIR": Writer(("grade", "{data}", "--out", "{out}"), folder=True),
    "validate --errors-json": Writer(("validate", "{data}", "--errors-json", "{out}.json")),
    "diff --json": Writer(("diff", "{data}", "{data}", "--json", "{out}.json")),
    "recheck --json": Writer(("recheck", str(SEED_TABLE), "--json", "{out}.json")),
    "advise --json": Writer(("advise", "--crs-grade", "2", "--weight-kg", "70", "--json", "{out}.json")),
    "vials --out": Writer(("vials", "--plan", "{plan}", "--out", "{out}.csv")),
    "packet --out": Writer(("packet", str(STUDY), "{data}", "--out", "{out}.json")),
    "omop --out": Writer(("omop", "{data}", "--out", "{out}.duckdb"), said="iectox omop did not write it"),
    "dictionary --out": Writer(("dictionary", "--out", "{out}.md", "--rules-out", "{fresh}/r.md")),
    "template": Writer(("template", "{out}.xlsx"), said="use --force to overwrite it"),
    "init --out": Writer(
        ("init", "{data}", "--out", "{out}.toml", "--yes"), said="use --force to replace it"
    ),
    "backup": Writer(("backup", "{out}.snapshot"), said="a backup never replaces a file"),
    "report --out": Writer(("report", "{data}", "--study", str(STUDY), "--out", "{out}"), folder=True),
    "audit --out": Writer(("audit", "{data}", "--out", "{out}"), folder=True),
    "pool --out": Writer(("pool", "{data}", "{data}", "--out", "{out}"), folder=True),
    "fhir --out": Writer(("fhir", "{data}", "--out", "{out}"), folder=True),
    "sdtm --out": Writer(("sdtm", "{data}", "--study-id", "S1", "--out", "{out}"), folder=True),
    "crosswalk --out": Writer(("crosswalk", "{data}", "--out", "{out}"), folder=True),
    "demo --out": Writer(("demo", "--out", "{out}"), folder=True, inside="report"),
}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    here = tmp_path_factory.mktemp("inputs")
    dataset = small_dataset()
    for table in dataset.schema.tables:  # to the minute, as REDCap's hours are
        for column in table.columns:
            if column.kind.name == "DATETIME":
                dataset[table.name][column.name] = dataset[table.name][column.name].dt.floor("min")
    plan = here / "plan.csv"
    plan.write_text("infusion_id,weight_kg\nINF-001,70\n", encoding="utf-8")
    dictionary, _ = write_dictionary(here / "dictionary.csv")
    return {
        "data": str(write_dataset(dataset, here / "data")),
        "mapping": str(ROOT / "examples" / "cd22_crs" / "mapping.toml"),
        "records": str(write_records(dataset, here / "records.csv")),
        "dictionary": str(dictionary),
        "plan": str(plan),
    }


def _run(args: tuple[str, ...], values: dict[str, str], tmp_path: Path):
    env = {"IECTOX_LANG": "en", "DATABASE_URL": "", "IECTOX_VAR": str(tmp_path / "var")}
    return CliRunner().invoke(app, [a.format(**values) for a in args], terminal_width=400, env=env)


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_refuses_to_replace_what_iectox_did_not_write(name, inputs, tmp_path):
    command = COMMANDS[name]
    base = tmp_path / "mine"
    values = {**inputs, "out": str(base), "fresh": str(tmp_path / "fresh"), "key": str(tmp_path / "k.key")}
    target = Path(next(a for a in command.args if "{out}" in a).format(**values)) / command.inside
    if command.folder:  # a folder of the user's; for grade, their own episodes.csv
        target.mkdir(parents=True)
        (target / ("episodes.csv" if name.startswith("grade") else "thesis.txt")).write_text(MINE)
    else:  # a plain-text file of the user's under the name given, whatever its extension
        target.write_text(MINE)
    before = _tree(tmp_path)
    run = _run(command.args, values, tmp_path)
    assert run.exit_code == 2, run.output
    flat = re.sub(r"[\s│]", "", run.output)  # as said, whether or not a panel wrapped it
    assert "Traceback" not in run.output and re.sub(r"\s", "", command.said) in flat, run.output
    assert target.name in flat
    assert _tree(tmp_path) == before  # nothing replaced, nothing written beside it


SECOND_RUNS = ("synth --out FILE.xlsx", "redcap records --out", "grade --out DIR", "validate --errors-json")


@pytest.mark.parametrize("name", SECOND_RUNS)
def test_what_iectox_wrote_is_replaced_and_once_edited_is_the_users(name, inputs, tmp_path):
    command = COMMANDS[name]
    values = {**inputs, "out": str(tmp_path / "out")}
    first = _run(command.args, values, tmp_path)
    assert first.exit_code == 0, first.output
    assert _run(command.args, values, tmp_path).exit_code == 0  # its own earlier output: replaced
    written = next(p for p in tmp_path.iterdir() if p.name.startswith("out"))
    edited = written / "episodes.csv" if written.is_dir() else written
    edited.write_text(MINE)  # the user works in it (saved from Excel, say)
    if written.is_dir():
        assert (written / MARKER).is_file()  # a folder iectox wrote is its own, whatever is in it
        return
    refused = _run(command.args, values, tmp_path)
    assert refused.exit_code == 2 and "has changed since iectox wrote it" in refused.output
    assert edited.read_text() == MINE


def test_a_file_is_replaced_when_iectox_wrote_it_with_force_or_in_a_folder_of_its_own(tmp_path):
    path = tmp_path / "plan.csv"
    with atomic_file(path) as tmp:
        tmp.write_text("first\n")
    assert sidecar(path).is_file() and sidecar(path).name == ".plan.csv.iectox-output"
    with atomic_file(path) as tmp:
        tmp.write_text("second\n")
    assert path.read_text() == "second\n"
    os.utime(path, ns=(0, 0))  # the same bytes, but not as iectox left them
    with pytest.raises(OutputRefused, match="has changed since iectox wrote it"), atomic_file(path) as tmp:
        tmp.write_text("third\n")
    with atomic_file(path, force=True) as tmp:
        tmp.write_text("forced\n")
    assert path.read_text() == "forced\n"
    ours = tmp_path / "report"
    ours.mkdir()
    (ours / MARKER).write_text("")
    (ours / "notes.txt").write_text(MINE)
    with atomic_file(ours / "notes.txt") as tmp:
        tmp.write_text("iectox's\n")
    assert sorted(p.name for p in ours.iterdir()) == [MARKER, "notes.txt"]  # no sidecar in its own folder


def test_a_user_file_put_in_place_while_iectox_works_is_kept(tmp_path):
    path = tmp_path / "cohort.xlsx"
    with pytest.raises(OutputRefused, match="iectox did not write this file"), atomic_file(path) as tmp:
        tmp.write_text("iectox's")
        path.write_text(MINE)  # the user saves a file under that name meanwhile
    assert path.read_text() == MINE and sorted(p.name for p in tmp_path.iterdir()) == ["cohort.xlsx"]


def test_the_refusal_of_a_file_in_french(tmp_path):
    notes = tmp_path / "notes.xlsx"
    notes.write_text(MINE)
    with pytest.raises(OutputRefused) as refused:
        write_dataset(small_dataset(), notes)
    assert refused.value.text("fr") == (
        f"{notes} : iectox n'a pas écrit ce fichier ; choisissez un autre nom de fichier, ou déplacez-le "
        "d'abord ; rien n'a été écrit"
    )


def test_force_replaces_a_users_file_where_a_command_offers_it(tmp_path):
    target = tmp_path / "entry.xlsx"
    target.write_text(MINE)
    run = _run(("template", str(target), "--force"), {}, tmp_path)
    assert run.exit_code == 0, run.output
    assert target.read_bytes()[:2] == b"PK" and sidecar(target).is_file()  # a workbook now, and iectox's
