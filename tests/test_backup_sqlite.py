"""`iectox backup` / `restore` of a SQLite database: a snapshot taken while another connection keeps writing is
the database at one instant (no transaction cut in two), restores into an empty database equal row by row in
every table, and a damaged snapshot, a non-empty target or an existing output is refused, in French too."""

from __future__ import annotations

import json
import sqlite3
import threading
from contextlib import closing
from pathlib import Path

import pytest
from typer.testing import CliRunner

from backup_support import CUT_TRANSACTIONS, LINES, ORDERS, seed_tables, sqlite_rows, sqlite_schema
from iectox.cli.commands import app
from iectox.errors import OutputRefused, SourceError
from iectox.web.backup import backup, manifest_path, restore
from iectox.web.backup.manifest import sha256
from iectox.web.database import Database

PADDING_ROWS = 2_000  # 8 MB of blobs: the copy takes long enough for the writer to try to write during it


class Writer(threading.Thread):
    """Keeps adding balanced orders, one transaction each, on its own connection, until told to stop."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path, self.commits, self.halt, self.error = path, 0, threading.Event(), None

    def run(self) -> None:
        try:
            with closing(sqlite3.connect(self.path, timeout=60)) as connection:
                connection.execute("PRAGMA synchronous = OFF")  # no fsync per commit: the locks stay the same
                while not self.halt.is_set():
                    with connection:
                        order = connection.execute("INSERT INTO orders (placed_at) VALUES (datetime('now'))")
                        connection.executemany(
                            "INSERT INTO order_lines (order_id, amount) VALUES (?, ?)",
                            [(order.lastrowid, amount) for amount in LINES],
                        )
                    self.commits += 1
        except Exception as exc:  # reported by the test, which would otherwise pass on a dead writer
            self.error = exc

    def wait_for(self, commits: int) -> None:
        while self.commits < commits and self.is_alive():
            self.halt.wait(0.005)


def _database(path: Path, journal_mode: str) -> Database:
    with closing(sqlite3.connect(path)) as connection:
        connection.execute(f"PRAGMA journal_mode = {journal_mode}")
        for name, frame in seed_tables().items():
            frame.to_sql(name, connection, index=False)
        connection.executescript(ORDERS)
        connection.execute("CREATE TABLE padding (id INTEGER PRIMARY KEY, bytes BLOB)")
        connection.executemany("INSERT INTO padding (bytes) VALUES (randomblob(4096))", [()] * PADDING_ROWS)
        connection.commit()
    return Database("sqlite", path=path)


@pytest.mark.parametrize("journal_mode", ["delete", "wal"])
def test_a_snapshot_taken_while_another_connection_writes_restores_whole_and_equal(tmp_path, journal_mode):
    source = _database(tmp_path / "live.sqlite3", journal_mode)
    writer = Writer(source.path)
    writer.start()
    writer.wait_for(20)
    before = writer.commits
    manifest = backup(tmp_path / "snap" / "live.snapshot", source)
    after = writer.commits
    assert (
        after > before
    )  # the writer went on while the snapshot was taken (delete: 83 -> 305, wal: 203 -> 2379)
    writer.wait_for(after + 20)
    writer.halt.set()
    writer.join()
    assert writer.error is None and writer.commits >= after + 20  # it kept writing after the snapshot

    snapshot = tmp_path / "snap" / "live.snapshot"
    taken = sqlite_rows(snapshot)
    with closing(sqlite3.connect(snapshot)) as connection:
        assert connection.execute(CUT_TRANSACTIONS).fetchone() == (0,)
    assert before <= len(taken["orders"]) <= after + 1
    assert len(taken["observations"]) == 12_686 and len(taken["padding"]) == PADDING_ROWS

    restored = restore(snapshot, Database("sqlite", path=tmp_path / "empty" / "iectox.sqlite3"))
    assert sqlite_rows(restored.database.path) == taken
    assert sqlite_schema(restored.database.path) == sqlite_schema(source.path)
    assert set(restored.tables) == set(seed_tables()) | {"orders", "order_lines", "padding"}

    # once the writing has stopped, a snapshot restores into exactly the live database, every row of every table
    still = backup(tmp_path / "still.snapshot", source)
    again = restore(tmp_path / "still.snapshot", Database("sqlite", path=tmp_path / "again.sqlite3"))
    live = sqlite_rows(source.path)
    assert sqlite_rows(again.database.path) == live and len(live["orders"]) == writer.commits
    assert still.sha256 != manifest.sha256


def test_the_manifest_says_what_the_snapshot_is_and_proves_it(tmp_path):
    source = _database(tmp_path / "db.sqlite3", "delete")
    manifest = backup(tmp_path / "db.snapshot", source)
    written = json.loads(manifest_path(tmp_path / "db.snapshot").read_text(encoding="utf-8"))
    assert written == manifest.as_dict()
    assert written["format"] == "iectox-snapshot/1" and written["engine"] == "sqlite"
    assert written["content"] == "sqlite3-database" and written["server_version"] == sqlite3.sqlite_version
    assert written["size"] == (tmp_path / "db.snapshot").stat().st_size
    assert written["sha256"] == sha256(tmp_path / "db.snapshot") and len(written["sha256"]) == 64
    assert written["source"] == str(source.path) and written["iectox_version"] == "0.1.0"
    assert written["created_at"].endswith("+00:00")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db.snapshot", "db.snapshot.json", "db.sqlite3"]
    assert {(tmp_path / n).stat().st_mode & 0o777 for n in ("db.snapshot", "db.snapshot.json")} == {0o600}


@pytest.fixture
def snapshot(tmp_path) -> Path:
    source = Database("sqlite", path=tmp_path / "source.sqlite3")
    with closing(sqlite3.connect(source.path)) as connection:
        connection.executescript(ORDERS + "INSERT INTO orders (placed_at) VALUES ('2025-01-01');")
    backup(tmp_path / "source.snapshot", source)
    return tmp_path / "source.snapshot"


def test_a_flipped_byte_is_refused_and_nothing_is_restored(tmp_path, snapshot):
    data = bytearray(snapshot.read_bytes())
    data[len(data) // 2] ^= 0x01
    snapshot.write_bytes(bytes(data))
    target = Database("sqlite", path=tmp_path / "target.sqlite3")
    with pytest.raises(SourceError) as refused:
        restore(snapshot, target)
    assert "the snapshot is damaged: its SHA-256 is" in str(refused.value)
    assert "nothing was restored" in str(refused.value)
    assert "l'instantané est endommagé" in refused.value.text("fr")
    assert not target.path.exists()


def test_a_truncated_snapshot_or_one_without_its_manifest_is_refused(tmp_path, snapshot):
    target = Database("sqlite", path=tmp_path / "target.sqlite3")
    manifest = json.loads(manifest_path(snapshot).read_text(encoding="utf-8"))
    manifest_path(snapshot).write_text(
        json.dumps({**manifest, "format": "iectox-snapshot/9"}), encoding="utf-8"
    )
    with pytest.raises(
        SourceError, match="snapshot format iectox-snapshot/9 of sqlite is not one this iectox reads"
    ):
        restore(snapshot, target)
    manifest_path(snapshot).write_text(json.dumps(manifest), encoding="utf-8")
    snapshot.write_bytes(snapshot.read_bytes()[:-1])
    with pytest.raises(SourceError, match=r"damaged: \d+ bytes where its manifest says \d+"):
        restore(snapshot, target)
    manifest_path(snapshot).write_text("{not json", encoding="utf-8")
    with pytest.raises(SourceError, match="not an iectox snapshot manifest"):
        restore(snapshot, target)
    manifest_path(snapshot).unlink()
    with pytest.raises(SourceError, match=r"its manifest source\.snapshot\.json is missing"):
        restore(snapshot, target)
    assert not target.path.exists()


def test_a_database_that_is_not_empty_is_refused_and_left_as_it_was(tmp_path, snapshot):
    target = Database("sqlite", path=tmp_path / "target.sqlite3")
    with closing(sqlite3.connect(target.path)) as connection:
        connection.executescript("CREATE TABLE kept (x); INSERT INTO kept VALUES ('mine');")
    before = sqlite_rows(target.path)
    with pytest.raises(OutputRefused) as refused:
        restore(snapshot, target)
    assert "the database is not empty (1 tables or other objects)" in str(refused.value)
    assert "la base de données n'est pas vide" in refused.value.text("fr")
    assert sqlite_rows(target.path) == before


def test_a_snapshot_is_never_written_over_a_file(tmp_path, snapshot):
    kept = snapshot.read_bytes()
    with pytest.raises(OutputRefused, match="it exists already"):
        backup(snapshot, Database("sqlite", path=tmp_path / "source.sqlite3"))
    assert snapshot.read_bytes() == kept
    with pytest.raises(SourceError, match="there is no database here"):
        backup(tmp_path / "new.snapshot", Database("sqlite", path=tmp_path / "missing.sqlite3"))
    assert not (tmp_path / "new.snapshot").exists() and not (tmp_path / "missing.sqlite3").exists()


def test_a_snapshot_of_one_engine_is_not_restored_into_the_other(tmp_path, snapshot):
    target = Database("postgresql", name="iectox", host="127.0.0.1", port=1)
    with pytest.raises(
        SourceError, match=r"it is a snapshot of a sqlite database; .* is a postgresql database"
    ):
        restore(snapshot, target)


def _cli(*args: str, env: dict[str, str]):
    return CliRunner().invoke(app, list(args), terminal_width=300, env=env)


def test_the_commands_back_up_and_restore_the_database_the_environment_names(tmp_path, snapshot, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "var").mkdir()
    with closing(sqlite3.connect(tmp_path / "var" / "iectox.sqlite3")) as connection:
        connection.executescript(ORDERS + "INSERT INTO orders (placed_at) VALUES ('2025-02-03');")
    env = {"IECTOX_LANG": "en", "DATABASE_URL": "", "IECTOX_VAR": ""}
    taken = _cli("backup", "out/app.snapshot", env=env)
    assert taken.exit_code == 0, taken.output
    assert "Snapshot of var/iectox.sqlite3 written to out/app.snapshot" in taken.output
    assert sha256(tmp_path / "out" / "app.snapshot") in taken.output

    moved = {**env, "IECTOX_VAR": str(tmp_path / "elsewhere")}
    restored = _cli("restore", "out/app.snapshot", env=moved)
    assert restored.exit_code == 0, restored.output
    assert f"into {tmp_path / 'elsewhere' / 'iectox.sqlite3'}: 2 tables" in restored.output
    assert sqlite_rows(tmp_path / "elsewhere" / "iectox.sqlite3") == sqlite_rows(
        tmp_path / "var" / "iectox.sqlite3"
    )

    again = _cli("restore", "out/app.snapshot", "--lang", "fr", env=moved)
    assert again.exit_code == 2 and "Traceback" not in again.output
    assert "erreur" in again.output and "n'est pas vide" in again.output

    url = {**env, "DATABASE_URL": f"sqlite:///{tmp_path / 'by_url.sqlite3'}"}
    by_url = _cli("restore", str(snapshot), env=url)
    assert by_url.exit_code == 0, by_url.output
    assert sqlite_rows(tmp_path / "by_url.sqlite3") == sqlite_rows(snapshot)
