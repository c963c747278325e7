"""The web application under test (settings: tests/web_settings.py): the hand-made dataset stored in the
registry (centres CHU-A and CHU-B). Signed-in clients: `web_helpers`."""

from __future__ import annotations

import pytest

from factories import small_dataset
from iectox.web.registry.records import store


@pytest.fixture
def registry(db) -> None:
    """The small dataset in the registry: 3 patients, 2 in CHU-A and 1 in CHU-B."""
    store(small_dataset())
