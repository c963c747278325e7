"""The throwaway PostgreSQL cluster (scripts/pg_cluster.py): loopback only, password only, gone after use,
also after an interruption or a run killed outright."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from postgres_support import PG_CLUSTER, pg_cluster

ROOT = PG_CLUSTER.parents[1]


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _psql(url: str, statement: str) -> subprocess.CompletedProcess[str]:
    psql = pg_cluster.bindir() / "psql"
    return subprocess.run(
        [str(psql), "-X", "-A", "-t", "-d", url, "-c", statement], capture_output=True, text=True, check=False
    )


def test_the_cluster_listens_on_loopback_only_with_no_unix_socket(postgres):
    assert postgres.sql("SHOW listen_addresses", "SHOW unix_socket_directories").split("\n")[:2] == [
        "127.0.0.1",
        "",
    ]
    assert list(postgres.folder.rglob(".s.PGSQL.*")) == []
    assert not Path(f"/var/run/postgresql/.s.PGSQL.{postgres.port}").exists()


def test_the_application_role_needs_its_password_and_may_create_databases_but_is_no_superuser(postgres):
    assert _psql(postgres.url, "SELECT current_user, current_database()").stdout.strip() == "iectox|iectox"
    assert (
        _psql(
            postgres.url, "SELECT rolsuper, rolcreatedb FROM pg_roles WHERE rolname = current_user"
        ).stdout.strip()
        == "f|t"
    )
    wrong = re.sub(r":[0-9a-f]{32}@", ":wrong@", postgres.url)
    refused = _psql(wrong, "SELECT 1")
    assert refused.returncode != 0 and "password authentication failed" in refused.stderr
    url = postgres.create_database("created_by_test")
    assert _psql(url, "SELECT current_database()").stdout.strip() == "created_by_test"


def test_a_cluster_is_stopped_and_deleted_on_exit(postgres):
    with pg_cluster.Cluster() as other:
        folder, port = other.folder, other.port
        assert port != postgres.port and _listening(port) and folder.is_dir()
    assert not folder.exists() and not _listening(port)


def test_the_script_runs_the_command_with_database_url_and_returns_its_status():
    done = subprocess.run(
        [str(ROOT / "scripts" / "with_postgres.sh"), "sh", "-c", 'echo "$DATABASE_URL"; exit 7'],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 7, done.stderr
    assert re.fullmatch(r"postgresql://iectox:[0-9a-f]{32}@127\.0\.0\.1:\d+/iectox\n", done.stdout)
    folder = re.search(r"\((/\S+iectox-pg-\S+)\)", done.stderr)
    assert folder and not Path(folder[1]).exists()


def test_an_interrupted_run_stops_and_deletes_its_cluster():
    run = subprocess.Popen(
        [sys.executable, str(PG_CLUSTER), "--", "sleep", "60"],
        stderr=subprocess.PIPE,
        text=True,
    )
    started = run.stderr.readline()
    folder, port = re.search(r"on 127\.0\.0\.1:(\d+) \((\S+)\)", started).group(2, 1)
    assert Path(folder).is_dir() and _listening(int(port))
    run.send_signal(signal.SIGTERM)
    assert run.wait(timeout=60) == 128 + signal.SIGTERM
    run.stderr.close()
    assert not Path(folder).exists() and not _listening(int(port))


@pytest.fixture
def parent():
    """A folder for clusters that the server's user can reach (pytest's own temporary folders are private)."""
    folder = Path(tempfile.mkdtemp(prefix="iectox-sweep-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder)


def test_a_cluster_left_by_a_killed_run_is_swept_by_the_next_run_and_a_live_one_is_not(parent):
    with pg_cluster.Cluster(parent) as killed, pg_cluster.Cluster(parent) as live:
        ended = subprocess.Popen(["true"])
        ended.wait()
        (killed.folder / pg_cluster.OWNER_FILE).write_text(str(ended.pid), encoding="ascii")
        assert pg_cluster.sweep(parent) == [killed.folder]
        assert not killed.folder.exists() and not _listening(killed.port)
        assert live.folder.is_dir() and _listening(live.port)
        assert os.listdir(parent) == [live.folder.name]
