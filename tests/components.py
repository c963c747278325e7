"""What a test does when a real component it needs (PostgreSQL, Chromium) is missing."""

from __future__ import annotations

import os

import pytest


def missing(reason: str) -> None:
    """Skip, saying why; fail on CI (CI=true), where the project's scripts install every component and a skip
    would hide that they did not."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: the project's scripts should have installed it)")
    pytest.skip(reason)
