"""PostgreSQL for tests: the throwaway cluster of scripts/pg_cluster.py as a pytest fixture.

`postgres` starts one cluster for the whole session (under a second) and deletes it at the end, whatever
DATABASE_URL says, so that tests which need a database of their own (backup and restore) run in every pass of
`make test`. Without PostgreSQL's binaries the tests are skipped, saying how to install them, except on CI
(CI=true), where the project installs them itself (scripts/ensure_postgres.sh) and a skip would hide a failure.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from components import missing

PG_CLUSTER = Path(__file__).resolve().parents[1] / "scripts" / "pg_cluster.py"


def _script() -> Any:
    spec = importlib.util.spec_from_file_location("pg_cluster", PG_CLUSTER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["pg_cluster"] = module
    spec.loader.exec_module(module)
    return module


pg_cluster = _script()


@pytest.fixture(scope="session")
def postgres() -> Iterator[Any]:
    """A running throwaway cluster (`pg_cluster.Cluster`): `.url`, `.create_database(name)`, `.sql(...)`."""
    try:
        pg_cluster.bindir()
    except pg_cluster.ClusterError as error:
        missing(str(error))
    with pg_cluster.Cluster() as cluster:
        yield cluster
