"""The study and quality pages under test: a synthetic cohort of two centres in the registry, and the pages'
kept results forgotten around each test (they are kept per registry state in the process's memory)."""

from __future__ import annotations

import pytest

from iectox.dataset import Dataset
from iectox.web.quality.dashboard import DASHBOARDS
from iectox.web.quality.runs import RUNS
from iectox.web.quality.state import forget_counts
from iectox.web.registry.records import store

from .quality_helpers import two_centres


@pytest.fixture(autouse=True)
def forgotten():
    """Each test starts and ends with no kept study run or dashboard."""
    RUNS.clear()
    DASHBOARDS.clear()
    forget_counts()
    yield
    RUNS.clear()
    DASHBOARDS.clear()


@pytest.fixture
def cohort(db) -> Dataset:
    """The two-centre cohort, stored in the registry."""
    dataset = two_centres()
    store(dataset)
    return dataset
