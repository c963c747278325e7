"""The study and quality pages under test: a synthetic cohort of two centres in the registry, and the pages'
kept results forgotten around each test (kept per registry state in memory, and study runs in the var folder)."""

from __future__ import annotations

import pytest

from iectox.dataset import Dataset
from iectox.web.quality import runs
from iectox.web.quality.dashboard import DASHBOARDS
from iectox.web.quality.state import forget_counts
from iectox.web.registry.records import store

from .quality_helpers import two_centres


@pytest.fixture(autouse=True)
def forgotten():
    """Each test starts and ends with no kept study run (in memory or stored) or dashboard."""
    runs.clear()
    DASHBOARDS.clear()
    forget_counts()
    yield
    runs.clear()
    DASHBOARDS.clear()


@pytest.fixture
def cohort(db) -> Dataset:
    """The two-centre cohort, stored in the registry."""
    dataset = two_centres()
    store(dataset)
    return dataset


@pytest.fixture
def calls(monkeypatch) -> dict[str, int]:
    """How many times a study was run and a report written (`runs.run_study`, `runs.write_report`)."""
    counted = {"run": 0, "report": 0}

    def counting(name, real):
        def wrapper(*args, **kwargs):
            counted[name] += 1
            return real(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(runs, "run_study", counting("run", runs.run_study))
    monkeypatch.setattr(runs, "write_report", counting("report", runs.write_report))
    return counted
