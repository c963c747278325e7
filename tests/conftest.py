"""Shared fixtures: the hand-made dataset as raw text tables, ready to be spoiled one cell at a time."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from factories import seed_cohort, seed_result, small_dataset
from iectox.dataset import Dataset
from iectox.errors import Issue
from iectox.io.text import table_text
from iectox.management.audit import audit
from iectox.render import ReportFiles, write_report
from iectox.render.audit import AuditFiles, write_audit
from iectox.validate import RawTable, Settings, check_raw

# Fixtures of the real components the tests start themselves: a throwaway PostgreSQL cluster, a headless Chromium;
# and the fuzz suite's counts in the terminal summary, whichever xdist worker ran its cases.
pytest_plugins = ("postgres_support", "browser_support", "fuzz_counts")

SEED_SPEC = Path(__file__).resolve().parents[1] / "examples" / "seed_study" / "study.toml"

# The command line speaks the environment's language (IECTOX_LANG, LANG); the tests expect English unless
# they set it themselves, whatever the developer's locale.
os.environ["IECTOX_LANG"] = "en"


class RawDataset:
    """The small dataset as text cells (as read from CSV files), with helpers to break it."""

    def __init__(self) -> None:
        dataset = small_dataset()
        self.tables: dict[str, pd.DataFrame] = {}
        for table in dataset.schema.tables:
            frame = table_text(dataset[table.name], table).replace("", None)
            self.tables[table.name] = frame.set_axis(frame.index + 2)

    def set(self, table: str, row: int, column: str, value: object) -> RawDataset:
        """Set a cell by the row number a user sees (first data row = 2)."""
        self.tables[table].loc[row, column] = value
        return self

    def issues(self, settings: Settings | None = None) -> list[Issue]:
        raw = {name: RawTable(f"{name}.csv", None, frame) for name, frame in self.tables.items()}
        return check_raw(raw, settings)[1]

    def errors(self, settings: Settings | None = None) -> list[Issue]:
        return [i for i in self.issues(settings) if i.severity == "error"]


@pytest.fixture
def raw() -> RawDataset:
    return RawDataset()


@dataclass(frozen=True)
class FrenchSeed:
    """The seed cohort with its French report and audit, written once for the tests that read French."""

    dataset: Dataset
    folder: Path
    report: ReportFiles
    audit: AuditFiles


@pytest.fixture(scope="session")
def english_seed(tmp_path_factory) -> ReportFiles:
    """The seed study's English report, written once per test process: read it, never change it."""
    return write_report(seed_result(), tmp_path_factory.mktemp("en") / "seed", "en")


@pytest.fixture(scope="session")
def french_seed(tmp_path_factory) -> FrenchSeed:
    dataset = seed_cohort()
    folder = tmp_path_factory.mktemp("fr")
    report = write_report(seed_result(), folder / "seed", "fr")
    return FrenchSeed(dataset, folder, report, write_audit(audit(dataset), folder / "audit", "fr"))
