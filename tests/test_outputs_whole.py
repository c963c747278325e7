"""A report, an audit or a dataset folder is published whole: kill -9 at any instant leaves the previous set.

Issue 8: a report killed while writing left truncated figures under their real names and a mixture of the
old and the new files. Now everything, figures included, is written into a new folder beside the target,
swapped in at the end in one step (renameat2 RENAME_EXCHANGE on Linux, two renames elsewhere); what a
killed run left is cleaned, or put back, by the next one. Each writer below runs in another process that
stops at every stage (`Writer`): the disk is checked there, and the process is killed with SIGKILL at some.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.factories import small_dataset
from tests.outputs_helpers import Writer, beside, check_complete_report, snapshot
from typer.testing import CliRunner

import iectox.io.exchange
from factories import seed_cohort
from iectox.cli.commands import app
from iectox.errors import OutputRefused
from iectox.io import write_dataset
from iectox.io.atomic import MARKER, atomic_folder, check_output_folder
from iectox.management.audit import audit
from iectox.render import write_report
from iectox.render.audit import write_audit
from iectox.study import load_study, run_study

SPEC = Path(__file__).resolve().parents[1] / "examples" / "seed_study" / "study.toml"
REPORT_STAGES = ("figures", "analysis table", "HTML", "XLSX", "DOCX", "JSON")


@pytest.fixture(scope="module")
def seed():
    return seed_cohort()


@pytest.fixture(scope="module")
def result(seed):
    return run_study(seed, load_study(SPEC))


def _figure(stage: str) -> bool:
    return stage.startswith("saved ")


def _report(result, out: Path, lang: str) -> Writer:
    return Writer(lambda stage: write_report(result, out, lang, progress=stage))


def test_a_report_killed_at_any_instant_leaves_the_previous_one_whole(result, tmp_path):
    out = tmp_path / "report"
    first = _report(result, out, "en")
    first.until(_figure)  # the first figure is saved: under the new folder, not under `out`
    first.kill()
    assert not out.exists()  # a first run killed leaves no report, not half of one

    write_report(result, out, "en")
    assert beside(out) == ["report"]  # the killed run's folder and its lock are gone
    assert check_complete_report(out) == "en"
    previous = snapshot(out)

    second = _report(result, out, "fr")
    seen = []
    while second.next() != "exchange":  # every stage, every figure, up to the swap itself
        seen.append(second.stage)
        assert snapshot(out) == previous, second.stage
    assert [s for s in seen if not _figure(s)] == list(REPORT_STAGES)
    assert sum(map(_figure, seen)) >= 10
    (written,) = [p for p in out.parent.iterdir() if p.name.startswith(".report.iectox-new-")]
    new = snapshot(written)
    assert second.next() == "discard"  # swapped: the new report whole, the previous one beside it
    assert snapshot(out) == new and check_complete_report(out) == "fr"
    second.kill()
    assert snapshot(out) == new and len(beside(out)) == 3  # the previous report and the lock file remain

    files = write_report(result, out, "en")  # first deletes what the killed run left
    assert beside(out) == ["report"] and check_complete_report(out) == "en"
    assert files.folder == out and files.html == out / "report.html" and all(p.exists() for p in files)


def test_an_audit_is_published_whole(tmp_path):
    out = tmp_path / "audit"
    result = audit(small_dataset())
    write_audit(result, out, "en")
    previous = snapshot(out)
    writer = Writer(lambda stage: write_audit(result, out, "fr"))
    while writer.next() != "exchange":
        assert snapshot(out) == previous, writer.stage
    writer.kill()
    assert snapshot(out) == previous
    files = write_audit(result, out, "fr")
    assert beside(out) == ["audit"] and snapshot(out) != previous
    assert sorted(p.relative_to(out).as_posix() for p in files) == sorted(set(snapshot(out)) - {MARKER})


def test_a_dataset_folder_is_published_whole(tmp_path):
    out = tmp_path / "cohort"
    write_dataset(small_dataset(), out)
    previous = snapshot(out)
    writer = Writer(lambda stage: write_dataset(small_dataset(), out))
    assert writer.until("exchange") == "exchange"
    assert snapshot(out) == previous
    writer.kill()
    write_dataset(small_dataset(), out)
    assert beside(out) == ["cohort"] and snapshot(out) == previous


def _tiny(out: Path, text: str, swap: bool = True):
    """A writer of one file into `out`, through the two renames when `swap` is False."""

    def run(stage):
        if not swap:
            iectox.io.exchange._renameat2 = lambda: None  # as on a system without RENAME_EXCHANGE
        with atomic_folder(out) as folder:
            (folder / "a.txt").write_text(text)

    return run


def test_killed_between_the_two_renames_the_previous_folder_is_put_back(tmp_path):
    """Where folders cannot be swapped, the target is missing for an instant: the next run restores it."""
    out = tmp_path / "out"
    with atomic_folder(out) as folder:
        (folder / "a.txt").write_text("previous")
    previous = snapshot(out)
    writer = Writer(_tiny(out, "new", swap=False))
    writer.until("rename")  # the previous folder goes aside
    writer.until("rename")  # the new one is about to take its place
    writer.kill()
    assert not out.exists() and snapshot(tmp_path / ".out.iectox-old") == previous  # aside, not lost
    with pytest.raises(RuntimeError), atomic_folder(out):
        raise RuntimeError("this run fails too")
    assert snapshot(out) == previous and beside(out) == ["out"]


def test_without_the_swap_a_write_still_lands_whole(tmp_path):
    out = tmp_path / "out"
    Writer(_tiny(out, "first", swap=False)).finish()
    Writer(_tiny(out, "second", swap=False)).finish()
    assert (out / "a.txt").read_text() == "second" and beside(out) == ["out"]


def test_a_put_aside_folder_of_an_earlier_iectox_is_put_back(tmp_path):
    """iectox 0.x put the previous folder aside as `.NAME.old`: a run killed there had lost the target."""
    aside = tmp_path / ".out.old"
    aside.mkdir()
    (aside / MARKER).write_text("")
    (aside / "a.txt").write_text("kept")
    with pytest.raises(RuntimeError), atomic_folder(tmp_path / "out"):
        raise RuntimeError
    assert (tmp_path / "out" / "a.txt").read_text() == "kept" and beside(tmp_path / "out") == ["out"]


def test_only_what_iectox_left_is_cleaned(tmp_path):
    out = tmp_path / "out"
    mine = [tmp_path / ".out.iectox-new-0123abcd", tmp_path / ".out.old"]
    for folder in mine:
        folder.mkdir()
        (folder / "notes.txt").write_text("the user's, unmarked")
    (tmp_path / ".out.iectox-new-linked").symlink_to(mine[0], target_is_directory=True)
    ours = tmp_path / ".out.iectox-new-deadbeef"
    ours.mkdir()
    (ours / MARKER).write_text("")
    (ours / "half.csv").write_text("a,b\n1")
    with atomic_folder(out) as folder:
        (folder / "a.txt").write_text("x")
    assert beside(out) == sorted([".out.iectox-new-0123abcd", ".out.iectox-new-linked", ".out.old", "out"])
    assert all((folder / "notes.txt").read_text() == "the user's, unmarked" for folder in mine)


def test_the_published_folder_has_the_users_usual_permissions(tmp_path):
    with atomic_folder(tmp_path / "out") as folder:
        (folder / "a.txt").write_text("x")
    plain = tmp_path / "plain"
    plain.mkdir()
    assert (tmp_path / "out").stat().st_mode == plain.stat().st_mode  # not mkdtemp's 0700


def test_a_report_is_not_written_into_a_folder_of_the_users(result, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "thesis.txt").write_text("three years of work")
    with pytest.raises(OutputRefused, match=r"thesis\.txt"):
        write_report(result, docs, "en")
    with pytest.raises(OutputRefused, match=r"thesis\.txt"):
        write_audit(audit(small_dataset()), docs, "en")
    assert snapshot(docs) == {"thesis.txt": b"three years of work"} and beside(docs) == ["docs"]


def test_the_cli_refuses_a_folder_of_the_users(tmp_path):
    data = tmp_path / "cohort"
    write_dataset(small_dataset(), data)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "thesis.txt").write_text("mine")
    for command in (
        ["report", str(data), "--study", str(SPEC), "--out", str(docs)],
        ["audit", str(data), "--out", str(docs)],
    ):
        run = CliRunner().invoke(app, command)
        assert run.exit_code == 2, run.output
        assert "thesis.txt" in run.output and "nothing was written" in run.output
    assert snapshot(docs) == {"thesis.txt": b"mine"}


def test_a_folder_without_the_marker_is_the_users_whatever_its_files_are_named(tmp_path):
    """A folder holding only files named as a report's (report.html, figures/crs.png) is not recognised as
    iectox's: only the marker says iectox wrote a folder."""
    (tmp_path / "figures").mkdir()
    for name in ("report.html", "analysis_table.csv", "figures/crs.png", "figures/crs.svg"):
        (tmp_path / name).write_text("x")
    with pytest.raises(OutputRefused, match=r"analysis_table\.csv"):
        check_output_folder(tmp_path)
    (tmp_path / MARKER).write_text("")
    assert check_output_folder(tmp_path) == tmp_path.resolve()
