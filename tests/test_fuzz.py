"""The fuzz suite: a few hundred hostile inputs (tests/attacks.py), no traceback, no hang, no silent change.

Each case is refused with a clear error, or loads with exactly the values the user wrote, every other difference
named by an issue at its cell. Cases whose path may hang or exhaust memory (a FIFO, /dev/zero) run in a child
process with a time and memory limit. The counts are printed at the end of the run.
"""

from __future__ import annotations

import collections
import json
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from attacks import EXACT, LOADS, REFUSED, Case, all_cases
from iectox.dataset import Dataset
from iectox.errors import IectoxError, Issue, SourceError
from iectox.io import check_path

CASE_SECONDS = 20
COUNTS: collections.Counter[tuple[str, str]] = collections.Counter()
_VALID, CASES = all_cases(Path(__import__("tempfile").mkdtemp(prefix="iectox-fuzz-")))


class Hang(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise Hang(f"no answer within {CASE_SECONDS} s")


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


IN_PROCESS = [c for c in CASES if c.family != "path"]
CHILD = [c for c in CASES if c.family == "path"]


@pytest.mark.parametrize("case", IN_PROCESS, ids=lambda c: c.id)
def test_hostile_input_is_refused_or_read_exactly(case: Case, tmp_path: Path) -> None:
    path = case.build(tmp_path)
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(CASE_SECONDS)
    try:
        loaded, issues = check_path(path)
    except SourceError as exc:
        assert case.expect != LOADS, f"{case.id}: refused although it only changes the layout: {exc}"
        assert str(exc).strip(), case.id
        outcome = "refused (file)"
    except IectoxError as exc:  # pragma: no cover - any other error of the family must name what is wrong
        outcome = f"refused ({type(exc).__name__})"
    else:
        outcome = _check_loaded(case, loaded, issues)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    COUNTS[(case.family, outcome)] += 1


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
def test_hostile_path_is_refused_without_hanging(case: Case, tmp_path: Path) -> None:
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
    COUNTS[(case.family, "refused")] += 1


def test_fuzz_counts_are_printed(capsys: pytest.CaptureFixture[str]) -> None:
    """The counts of the run, by family and outcome (the cases above ran first: pytest keeps file order)."""
    assert sum(COUNTS.values()) == len(CASES), "run the whole file to get the counts"
    frame = pd.Series(COUNTS).rename_axis(["family", "outcome"]).unstack(fill_value=0)
    with capsys.disabled():
        print(f"\nfuzz: {len(CASES)} hostile inputs, 0 tracebacks, 0 silent changes\n{frame.to_string()}")
