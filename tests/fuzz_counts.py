"""The fuzz suite's counts at the end of the run, whichever process ran its cases.

Each case of tests/test_fuzz.py records its family and, when it passes, its outcome as properties of its
report (`record_property`). pytest-xdist sends every worker's reports to the process that prints the run
(`make test` runs `-n 2`: what a worker prints, `capsys.disabled()` included, is never shown), where this
plugin counts them and prints the table in the terminal summary. Without xdist it works the same way.
"""

from __future__ import annotations

import collections
from collections.abc import Iterable

import pandas as pd
import pytest

FAMILY = "fuzz_family"
OUTCOME = "fuzz_outcome"
FAILED = "FAILED"
_COUNTS: collections.Counter[tuple[str, str]] = collections.Counter()


def outcome_of(properties: Iterable[tuple[str, object]], passed: bool) -> tuple[str, str] | None:
    """(family, outcome) of one fuzz case's report, FAILED when it did not pass; None for another test."""
    found = dict(properties)
    if FAMILY not in found:
        return None
    return str(found[FAMILY]), str(found.get(OUTCOME, FAILED)) if passed else FAILED


def summary(counts: collections.Counter[tuple[str, str]]) -> str:
    """The counts as the terminal shows them: a total line, then one row per family, one column per outcome."""
    failed = sum(n for (_, outcome), n in counts.items() if outcome == FAILED)
    frame = pd.Series(counts).rename_axis(["family", "outcome"]).unstack(fill_value=0)
    verdict = "0 tracebacks, 0 silent changes" if not failed else f"{failed} FAILED (see above)"
    return f"fuzz: {counts.total()} hostile inputs, {verdict}\n{frame.to_string()}"


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call":
        counted = outcome_of(report.user_properties, report.passed)
        if counted is not None:
            _COUNTS[counted] += 1


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _COUNTS:
        terminalreporter.write_sep("=", "fuzz counts")
        terminalreporter.write_line(summary(_COUNTS))
