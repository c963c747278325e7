"""`iectox backup` / `restore` of a PostgreSQL database, on a throwaway cluster (scripts/pg_cluster.py): a
pg_dump taken while another session keeps committing is the database at one instant, restores into an empty
database equal row by row in every table (and its sequences go on from where they were), and a damaged
snapshot or a non-empty target is refused."""

from __future__ import annotations

import re
import subprocess
import time

import pytest
from typer.testing import CliRunner

from backup_support import CUT_TRANSACTIONS, LINES, seed_tables
from iectox.cli.commands import app
from iectox.errors import OutputRefused, SourceError
from iectox.web.backup import backup, restore
from iectox.web.database import Database, parse_database_url
from postgres_support import pg_cluster

SCHEMA = """
CREATE TABLE orders (id serial PRIMARY KEY, placed_at text NOT NULL);
CREATE TABLE order_lines (id serial PRIMARY KEY, order_id integer NOT NULL REFERENCES orders(id), amount integer);
CREATE TABLE halt (at timestamptz);
CREATE TABLE kinds (id serial PRIMARY KEY, n numeric(12, 4), j jsonb, b bytea, t timestamptz, a integer[], u uuid,
                    note text);
INSERT INTO kinds (n, j, b, t, a, u, note)
SELECT i / 7.0, jsonb_build_object('i', i, 'é', 'ç'), sha256(i::text::bytea), '2024-03-06 14:30+01'::timestamptz
       + i * interval '1 minute', ARRAY[i, i * 2], md5(i::text)::uuid, CASE WHEN i % 5 = 0 THEN NULL ELSE 'Besançon' END
FROM generate_series(1, 2000) AS i;
CREATE VIEW balances AS SELECT order_id, sum(amount) AS total FROM order_lines GROUP BY order_id;
"""
WRITER = """
DO $$
BEGIN
  FOR i IN 1..200000 LOOP
    EXIT WHEN EXISTS (SELECT 1 FROM halt);
    WITH o AS (INSERT INTO orders (placed_at) VALUES (clock_timestamp()::text) RETURNING id)
    INSERT INTO order_lines (order_id, amount) SELECT o.id, a FROM o, unnest(ARRAY[{lines}]) AS a;
    COMMIT;
  END LOOP;
END $$
""".format(lines=", ".join(str(a) for a in LINES))
TYPES = {"i": "bigint", "f": "double precision", "b": "boolean", "M": "timestamp"}


def psql(target: Database, script: str) -> list[str]:
    done = subprocess.run(
        [
            str(pg_cluster.bindir() / "psql"),
            "-X",
            "-q",
            "-A",
            "-t",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            target.conninfo(),
        ],
        input=script,
        capture_output=True,
        text=True,
        check=True,
        env={"PGPASSWORD": target.password, "PATH": "/usr/bin:/bin"},
    )
    return done.stdout.splitlines()


def _seed(target: Database) -> None:
    """The seed cohort's tables (typed from their columns) and the tables above, in `target`."""
    script = [SCHEMA]
    for name, frame in seed_tables().items():
        columns = ", ".join(f'"{c}" {TYPES.get(frame[c].dtype.kind, "text")}' for c in frame.columns)
        script.append(f'CREATE TABLE "{name}" ({columns});')
        script.append(f'COPY "{name}" FROM STDIN WITH (FORMAT csv, HEADER true);')
        script.append(frame.to_csv(index=False) + "\\.")
    psql(target, "\n".join(script) + "\n")


def rows(target: Database) -> dict[str, list[str]]:
    """Every table of `target` (listed from information_schema), its rows as text ordered by their text, and
    every sequence's last value."""
    tables = psql(
        target,
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
        "AND table_type = 'BASE TABLE' ORDER BY 1",
    )
    found = {t: psql(target, f'COPY (SELECT * FROM "{t}" AS r ORDER BY r::text) TO STDOUT') for t in tables}
    sequences = psql(
        target, "SELECT sequencename || '=' || coalesce(last_value, 0) FROM pg_sequences ORDER BY 1"
    )
    return {**found, "(sequences)": sequences}


def _count(target: Database) -> int:
    return int(psql(target, "SELECT count(*) FROM orders")[0])


@pytest.fixture
def source(postgres, request) -> Database:
    target = parse_database_url(postgres.create_database(f"source_{request.node.name[:40].lower()}"))
    _seed(target)
    return target


def _empty(postgres, name: str) -> Database:
    return parse_database_url(postgres.create_database(name))


def test_a_dump_taken_while_another_session_commits_restores_whole_and_equal(postgres, source, tmp_path):
    writer = subprocess.Popen(
        [
            str(pg_cluster.bindir() / "psql"),
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            source.conninfo(),
            "-c",
            WRITER,
        ],
        env={"PGPASSWORD": source.password, "PATH": "/usr/bin:/bin"},
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        while _count(source) < 50:
            time.sleep(0.01)
        before = _count(source)
        manifest = backup(tmp_path / "live.dump", source)
        after = _count(source)
        assert after > before  # the other session went on committing while pg_dump ran (e.g. 851 -> 4570)
    finally:
        psql(source, "INSERT INTO halt VALUES (now())")
        assert writer.wait(timeout=120) == 0, writer.stderr.read()
        writer.stderr.close()
    assert manifest.engine == "postgresql" and manifest.content == "pg_dump-custom"
    assert manifest.server_version == psql(source, "SHOW server_version")[0].split()[0]
    assert (tmp_path / "live.dump").read_bytes()[:5] == b"PGDMP"
    assert (tmp_path / "live.dump").stat().st_mode & 0o777 == 0o600  # patients' data: its owner's only

    restored = restore(tmp_path / "live.dump", _empty(postgres, "restored_live"))
    taken = rows(restored.database)
    assert psql(restored.database, CUT_TRANSACTIONS) == ["0"]
    assert before <= len(taken["orders"]) <= after + 1
    live = rows(source)
    unchanged = set(live) - {"orders", "order_lines", "halt", "(sequences)"}
    assert unchanged == set(seed_tables()) | {"kinds"}
    assert {t: taken[t] for t in unchanged} == {t: live[t] for t in unchanged}
    assert len(taken["observations"]) == 12_686 and len(taken["kinds"]) == 2_000
    assert set(restored.tables) == set(live) - {"(sequences)"}

    backup(tmp_path / "still.dump", source)
    still = restore(tmp_path / "still.dump", _empty(postgres, "still"))
    assert rows(still.database) == rows(source)
    next_id = psql(still.database, "INSERT INTO orders (placed_at) VALUES ('after') RETURNING id")
    assert int(next_id[0]) == len(live["orders"]) + 1  # the sequence goes on where the source's was


def test_a_flipped_byte_or_a_database_that_is_not_empty_is_refused(postgres, source, tmp_path):
    backup(tmp_path / "db.dump", source)
    with pytest.raises(OutputRefused) as refused:
        restore(tmp_path / "db.dump", source)
    assert "the database is not empty (" in str(refused.value)
    held = rows(source)

    data = bytearray((tmp_path / "db.dump").read_bytes())
    data[len(data) // 3] ^= 0x80
    (tmp_path / "db.dump").write_bytes(bytes(data))
    target = _empty(postgres, "not_restored")
    with pytest.raises(SourceError, match="the snapshot is damaged: its SHA-256 is"):
        restore(tmp_path / "db.dump", target)
    assert rows(target) == {"(sequences)": []}
    assert rows(source) == held


def test_a_server_that_refuses_the_connection_is_a_clear_error(postgres, tmp_path):
    wrong = parse_database_url(re.sub(r":(\w+)@", r":wrong\1@", postgres.url))
    with pytest.raises(SourceError) as refused:
        backup(tmp_path / "never.dump", wrong)
    assert "pg_dump failed: " in str(refused.value) and "password authentication failed" in str(refused.value)
    assert "pg_dump a échoué" in refused.value.text("fr")
    assert wrong.password not in str(refused.value)
    assert list(tmp_path.iterdir()) == []


def test_the_commands_back_up_and_restore_the_database_named_by_database_url(postgres, source, tmp_path):
    url = postgres.url.rsplit("/", 1)[0] + "/" + source.name
    taken = CliRunner().invoke(
        app, ["backup", str(tmp_path / "cli.dump")], env={"DATABASE_URL": url, "IECTOX_LANG": "fr"}
    )
    assert taken.exit_code == 0, taken.output
    assert f"Instantané de {source.shown()} écrit dans" in taken.output
    target = postgres.create_database("from_cli")
    restored = CliRunner().invoke(app, ["restore", str(tmp_path / "cli.dump")], env={"DATABASE_URL": target})
    assert restored.exit_code == 0, restored.output
    assert rows(parse_database_url(target)) == rows(source)
