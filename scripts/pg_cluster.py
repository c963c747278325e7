#!/usr/bin/env python3
"""A throwaway PostgreSQL cluster: made in a temporary folder, reachable on 127.0.0.1 only, deleted after use.

    python3 scripts/pg_cluster.py -- CMD [ARGS...]   run CMD with DATABASE_URL set to the cluster's database
    python3 scripts/pg_cluster.py                    print DATABASE_URL and keep the cluster until Ctrl-C

The web tests run a second time on PostgreSQL (`make test`), and the backup tests restore into it; neither may
depend on a server someone left running, nor leave one behind. So each run makes its own cluster: `initdb` in
a new folder under the temporary directory, a free loopback port, no Unix socket (nothing in /run or /tmp that
another run could collide with), a random password (other users of the machine can reach 127.0.0.1 too),
durability off (fsync, full pages: the data lives for one test run). It is stopped and its folder deleted on
exit, on an error and on Ctrl-C or SIGTERM; a run killed outright (kill -9) leaves its folder, which the next
run finds by its dead owner, stops and deletes.

`initdb` refuses to run as root (CI runs as root), so as root the server runs as the `postgres` user (or
`nobody`) and the folder belongs to that user. Standard library only: it runs before any virtualenv exists.
`Cluster` is also used directly by tests (tests/postgres_support.py loads this file).
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import FrameType

PREFIX = "iectox-pg-"
OWNER_FILE = "owner.pid"
DATABASE = "iectox"
USER = "iectox"
SUPERUSER = "postgres"
SERVER_SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "unix_socket_directories": "",
    "fsync": "off",
    "full_page_writes": "off",
    "synchronous_commit": "off",
    "max_connections": "100",
}
# Passwords on loopback (no Unix socket to trust), UTF-8 whatever the machine's locale, no fsync at creation.
INITDB = ("--auth-local=reject", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
START_ATTEMPTS = 5


class ClusterError(RuntimeError):
    """The cluster could not be made or started; the message says which step failed and its output."""


def bindir() -> Path:
    """The newest installed PostgreSQL's binaries (Debian keeps them in /usr/lib/postgresql/N/bin, outside
    the PATH), else those on the PATH; IECTOX_PG_BINDIR chooses another."""
    chosen = os.environ.get("IECTOX_PG_BINDIR")
    if chosen:
        return Path(chosen)
    versions = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3].split(".")[0])
    )
    if versions:
        return Path(versions[-1]).parent
    initdb = shutil.which("initdb")
    if initdb is None:
        raise ClusterError("no PostgreSQL server binaries (initdb); run scripts/ensure_postgres.sh")
    return Path(initdb).parent


def free_port() -> int:
    """A loopback port free now (another program may take it before the server binds: start() retries)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _server_user() -> pwd.struct_passwd | None:
    """Who runs the server: None (the caller) unless the caller is root, which initdb refuses."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise ClusterError(
        "running as root, and neither a 'postgres' nor a 'nobody' user exists to run the server"
    )


def _reachable(folder: Path, user: str) -> None:
    """The server's user must reach its folder: every folder above it must let others through."""
    for above in folder.parents:
        if not os.stat(above).st_mode & 0o001:
            raise ClusterError(
                f"{above} is closed to other users, so the '{user}' user cannot reach the cluster's "
                "folder below it; set TMPDIR to a folder they can reach (e.g. /tmp)"
            )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


class Cluster:
    """One throwaway cluster; a context manager: `with Cluster() as cluster: cluster.url`."""

    def __init__(self, parent: Path | None = None) -> None:
        self.bin = bindir()
        self.user = _server_user()
        self.parent = Path(parent or tempfile.gettempdir())
        self.folder: Path | None = None
        self.port = 0
        self.password = secrets.token_hex(16)
        self.superuser_password = secrets.token_hex(16)

    @property
    def url(self) -> str:
        """The application's database, as DATABASE_URL: user `iectox` (may create databases, as Django's
        test runner does), database `iectox`."""
        return f"postgresql://{USER}:{self.password}@127.0.0.1:{self.port}/{DATABASE}"

    def __enter__(self) -> Cluster:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _as_server(self, argv: list[str]) -> list[str]:
        if self.user is None:
            return argv
        return ["runuser", "-u", self.user.pw_name, "--", *argv]

    def _run(self, argv: list[str], step: str, env: dict[str, str] | None = None, script: str = "") -> str:
        done = subprocess.run(argv, capture_output=True, text=True, check=False, env=env, input=script)
        if done.returncode != 0:
            raise ClusterError(
                f"{step} failed (exit {done.returncode}): {(done.stderr or done.stdout)[-2000:]}"
            )
        return done.stdout

    def start(self) -> None:
        """initdb, start on a free port (retried when another program took it first), create the role and
        the database."""
        sweep(self.parent)
        self.folder = Path(tempfile.mkdtemp(prefix=PREFIX, dir=self.parent))
        (self.folder / OWNER_FILE).write_text(str(os.getpid()), encoding="ascii")
        data, secret = self.folder / "data", self.folder / "superuser.pw"
        secret.write_text(self.superuser_password, encoding="ascii")
        if self.user is not None:
            for path in (self.folder, secret):
                os.chown(path, self.user.pw_uid, self.user.pw_gid)
            _reachable(self.folder, self.user.pw_name)
        self._run(
            self._as_server(
                [str(self.bin / "initdb"), "-D", str(data), "-U", SUPERUSER, f"--pwfile={secret}", *INITDB]
            ),
            "initdb",
        )
        secret.unlink()
        for attempt in range(START_ATTEMPTS):
            self.port = free_port()
            options = " ".join(f"-c {k}='{v}'" for k, v in {**SERVER_SETTINGS, "port": self.port}.items())
            argv = [str(self.bin / "pg_ctl"), "start", "-w", "-t", "60", "-D", str(data), "-o", options]
            argv += ["-l", str(self.folder / "server.log")]
            try:
                self._run(self._as_server(argv), "pg_ctl start")
                break
            except ClusterError:
                if attempt == START_ATTEMPTS - 1:
                    raise ClusterError(f"pg_ctl start failed; server log:\n{self.log()[-3000:]}") from None
        self.sql(
            f"CREATE ROLE {USER} LOGIN CREATEDB PASSWORD '{self.password}'",
            f"CREATE DATABASE {DATABASE} OWNER {USER}",
        )

    def sql(self, *statements: str, database: str = "postgres") -> str:
        """Run statements as the superuser with psql, each in its own transaction; their output, unaligned.
        They go in on standard input: a command line (a role's password) is visible to every user."""
        argv = [str(self.bin / "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"]
        argv += ["-h", "127.0.0.1", "-p", str(self.port), "-U", SUPERUSER, "-d", database]
        env = {**os.environ, "PGPASSWORD": self.superuser_password, "PGCONNECT_TIMEOUT": "10"}
        return self._run(argv, "psql", env, script="".join(f"{s};\n" for s in statements))

    def create_database(self, name: str) -> str:
        """A new empty database owned by `iectox`, and its URL (tests that need more than one)."""
        self.sql(f'CREATE DATABASE "{name}" OWNER {USER}')
        return self.url.rsplit("/", 1)[0] + f"/{name}"

    def log(self) -> str:
        log = self.folder / "server.log" if self.folder else None
        return log.read_text(encoding="utf-8", errors="replace") if log and log.exists() else ""

    def stop(self) -> None:
        """Stop the server (immediately: nothing in it is kept) and delete the folder; safe to call twice."""
        if self.folder is None:
            return
        _stop_and_delete(self.folder, self.bin, self.user)
        self.folder = None


def _stop_and_delete(folder: Path, bin: Path, user: pwd.struct_passwd | None) -> None:
    data = folder / "data"
    if (data / "postmaster.pid").exists():
        argv = [str(bin / "pg_ctl"), "stop", "-m", "immediate", "-w", "-t", "30", "-D", str(data)]
        if user is not None:
            argv = ["runuser", "-u", user.pw_name, "--", *argv]
        subprocess.run(argv, capture_output=True, check=False, stdin=subprocess.DEVNULL)
    shutil.rmtree(folder, ignore_errors=True)


def sweep(parent: Path) -> list[Path]:
    """Stop and delete the clusters that runs killed outright left in `parent` (their owner is gone); those
    of live runs, and folders this user may not delete, are left alone."""
    swept = []
    for folder in sorted(parent.glob(f"{PREFIX}*")):
        try:
            owner = int((folder / OWNER_FILE).read_text(encoding="ascii"))
        except (OSError, ValueError):
            continue
        mine = os.geteuid() == 0 or folder.stat().st_uid == os.geteuid()
        if _alive(owner) or not mine:
            continue
        with contextlib.suppress(ClusterError, KeyError):
            user = pwd.getpwuid(folder.stat().st_uid) if os.geteuid() == 0 else None
            _stop_and_delete(folder, bindir(), user if user and user.pw_uid != 0 else None)
            swept.append(folder)
    return swept


def _on_signal(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", nargs=argparse.REMAINDER, help="command to run with DATABASE_URL set")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _on_signal)
    began = time.monotonic()
    try:
        with Cluster() as cluster:
            print(
                f"pg_cluster: PostgreSQL on 127.0.0.1:{cluster.port} ({cluster.folder}), "
                f"started in {time.monotonic() - began:.1f} s",
                file=sys.stderr,
            )
            if not command:
                print(f"DATABASE_URL={cluster.url}", flush=True)
                print("pg_cluster: Ctrl-C stops and deletes it", file=sys.stderr)
                with contextlib.suppress(KeyboardInterrupt):
                    signal.pause()
                return 0
            try:
                child = subprocess.Popen(command, env={**os.environ, "DATABASE_URL": cluster.url})
            except OSError as error:
                print(f"pg_cluster: cannot run {command[0]}: {error.strerror}", file=sys.stderr)
                return 127
            try:
                return child.wait()
            except BaseException:
                # Ctrl-C reached the command too; SIGTERM is passed on. Either way it is given time to end.
                child.send_signal(signal.SIGTERM)
                try:
                    child.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.wait()
                raise
    except ClusterError as error:
        print(f"pg_cluster: {error}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        return 130
    finally:
        print(f"pg_cluster: stopped and deleted after {time.monotonic() - began:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
