"""The fuzz suite: a few hundred hostile inputs (tests/attacks.py), no traceback, no hang, no silent change.

Each case is refused with a clear error, or loads with exactly the values the user wrote, every other difference
named by an issue at its cell. Cases whose path may hang or exhaust memory (a FIFO, /dev/zero) run in a child
process with a time and memory limit. Each case records its family and outcome on its report; the counts are
printed at the end of the run, by the process that prints it, even when xdist workers ran the cases
(tests/fuzz_counts.py).
"""

from __future__ import annotations

import atexit
import collections
import contextlib
import json
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from attacks import EXACT, LOADS, REFUSED, SETTLED, Case, all_cases
from fuzz_counts import FAILED, FAMILY, OUTCOME, outcome_of, summary
from iectox.dataset import Dataset
from iectox.errors import IectoxError, Issue, SourceError, SpecError
from iectox.io import check_path
from iectox.io.mapping import import_mapped
from iectox.management.pathway import load_pathway
from iectox.published.summary_table import read_summary_table
from iectox.study import load_study
from iectox.study.spec import load_management_pathway, load_reference

CASE_SECONDS = 20
_WHERE = Path(tempfile.mkdtemp(prefix="iectox-fuzz-"))
atexit.register(shutil.rmtree, _WHERE, ignore_errors=True)
_VALID, CASES = all_cases(_WHERE)


CASE_MEMORY = (
    3 * 1024**3
)  # bytes of address space a case may add: a reader that swallows /dev/zero fails here


class Hang(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise Hang(f"no answer within {CASE_SECONDS} s")


@contextlib.contextmanager
def bounded() -> Iterator[None]:
    """Run a case within `CASE_SECONDS` and `CASE_MEMORY` more address space, so that a hang or a runaway
    allocation fails the case (Hang, MemoryError) instead of the machine."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    used = int(Path("/proc/self/statm").read_text().split()[0]) * resource.getpagesize()
    resource.setrlimit(resource.RLIMIT_AS, (used + CASE_MEMORY, hard))
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(CASE_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _located(issue: Issue, case: Case, table: str) -> tuple[str, int | None, str | None]:
    return (issue.sheet or Path(issue.file).stem, issue.row, issue.column)


def _differences(loaded: Dataset, expected: Dataset) -> list[tuple[str, int, str]]:
    """Cells (table, row as the user sees it, column) whose loaded value differs from the expected one."""
    cells = []
    for name in expected.tables:
        got, want = loaded[name], expected[name]
        assert list(got.columns) == list(want.columns), name
        if len(got) != len(want):
            cells.append((name, 0, "<rows>"))
            continue
        for column in want.columns:
            a, b = got[column].astype(object), want[column].astype(object)
            same = (a.isna() & b.isna()) | (a == b).fillna(False).astype(bool)
            cells += [(name, int(i) + 2, column) for i in same.index[~same.to_numpy(dtype=bool)]]
    return cells


def _check_loaded(case: Case, loaded: Dataset | None, issues: list[Issue]) -> str:
    errors = [i for i in issues if i.severity == "error"]
    if case.expect == REFUSED:
        assert loaded is None, f"{case.id}: loaded although it must be refused"
        if case.table is not None and case.row is not None:
            at = {(_located(i, case, case.table)[0], i.row) for i in errors}
            assert (case.table, case.row) in at, (
                f"{case.id}: no error at row {case.row} of {case.table}: {errors}"
            )
        return "refused"
    if loaded is None:
        assert case.expect == EXACT, f"{case.id}: refused although it only changes the layout: {errors[:3]}"
        return "refused"
    assert case.expected is not None
    named = {_located(i, case, "") for i in issues}
    silent = [d for d in _differences(loaded, case.expected) if d not in named]
    assert not silent, f"{case.id}: values changed without an issue at {silent[:5]}"
    return "loaded, flagged" if issues else "loaded"


IN_PROCESS = [c for c in CASES if c.family != "path" and c.expect != SETTLED]
CHILD = [c for c in CASES if c.family == "path"]
SETTINGS = [c for c in CASES if c.expect == SETTLED]


@pytest.mark.parametrize("case", IN_PROCESS, ids=lambda c: c.id)
def test_hostile_input_is_refused_or_read_exactly(case: Case, tmp_path: Path, record_property) -> None:
    record_property(FAMILY, case.family)
    path = case.build(tmp_path)
    try:
        with bounded():
            loaded, issues = check_path(path)
    except SourceError as exc:
        assert case.expect != LOADS, f"{case.id}: refused although it only changes the layout: {exc}"
        assert str(exc).strip(), case.id
        outcome = "refused (file)"
    else:
        outcome = _check_loaded(case, loaded, issues)
    record_property(OUTCOME, outcome)


def _load_settings(kind: str, path: Path) -> None:
    """Load a settings file the way the command that takes it does (a study also loads what it names)."""
    if kind == "study":
        spec = load_study(path)
        load_reference(spec)
        load_management_pathway(spec)
    elif kind == "mapping":
        import_mapped(path)
    elif kind == "pathway":
        load_pathway(path)
    else:
        read_summary_table(path)


@pytest.mark.parametrize("case", SETTINGS, ids=lambda c: c.id)
def test_settings_of_the_wrong_type_are_refused_by_name(case: Case, tmp_path: Path, record_property) -> None:
    record_property(FAMILY, case.family)
    path = case.build(tmp_path)
    try:
        with bounded():
            _load_settings(case.family, path)
    except SpecError as exc:
        assert path.name in str(exc) or exc.file, f"{case.id}: the error does not name the file: {exc}"
        outcome = "refused"
    except IectoxError as exc:
        assert str(exc).strip(), case.id
        outcome = "refused"
    else:
        outcome = "loaded"
    record_property(OUTCOME, outcome)


CHILD_SCRIPT = textwrap.dedent(
    """
    import json, resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))
    from iectox.errors import IectoxError
    from iectox.io import check_path
    try:
        dataset, issues = check_path(sys.argv[1])
    except IectoxError as exc:
        print(json.dumps({"refused": str(exc)}))
    else:
        errors = [i.message for i in issues if i.severity == "error"]
        print(json.dumps({"loaded": dataset is not None, "errors": errors}))
    """
)


@pytest.mark.parametrize("case", CHILD, ids=lambda c: c.id)
def test_hostile_path_is_refused_without_hanging(case: Case, tmp_path: Path, record_property) -> None:
    record_property(FAMILY, case.family)
    path = case.build(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", CHILD_SCRIPT, str(path)],
        capture_output=True,
        text=True,
        timeout=CASE_SECONDS * 3,
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr, f"{case.id}: {done.stderr[-2000:]}"
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert "refused" in answer or (answer["loaded"] is False and answer["errors"]), f"{case.id}: {answer}"
    record_property(OUTCOME, "refused")


def test_the_counts_come_from_every_cases_report() -> None:
    """The summary counts the reports the cases leave (xdist brings the workers' to the printing process):
    an outcome per passed case, FAILED for a case that did not pass, nothing for the other tests."""
    reports = [
        ([(FAMILY, "csv"), (OUTCOME, "refused")], True),
        ([(FAMILY, "csv"), (OUTCOME, "loaded")], True),
        ([(FAMILY, "csv"), (OUTCOME, "refused")], True),
        ([(FAMILY, "xlsx")], False),
        ([], True),
    ]
    counted = [outcome_of(properties, passed) for properties, passed in reports]
    assert counted == [("csv", "refused"), ("csv", "loaded"), ("csv", "refused"), ("xlsx", FAILED), None]
    text = summary(collections.Counter(c for c in counted if c is not None))
    assert text.splitlines()[0] == "fuzz: 4 hostile inputs, 1 FAILED (see above)"
    assert [line.split() for line in text.splitlines()[1:]] == [
        ["outcome", FAILED, "loaded", "refused"],
        ["family"],
        ["csv", "0", "1", "2"],
        ["xlsx", "1", "0", "0"],
    ]
