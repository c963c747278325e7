"""`iectox serve --demo` on a fresh var folder: migrations applied, the demo's dataset loaded (the seed cohort and
the bispecific courses), one demo account per role printed with its password; the server answers on its port,
and a printed account signs in. `iectox serve` runs several server processes and the dashboard worker, and
stops them all."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from iectox.web import serve
from iectox.web.accounts.roles import ROLES

IECTOX = Path(sys.executable).with_name("iectox")
STARTUP_SECONDS = 240


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def served(tmp_path: Path):
    """The demo server on a free loopback port; what it printed until it served; stopped at the end."""
    port = free_port()
    env = {**os.environ, "IECTOX_VAR": str(tmp_path / "var"), "IECTOX_LANG": "en"}
    for name in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "IECTOX_PRODUCTION"):
        env.pop(name, None)
    server = subprocess.Popen(
        [str(IECTOX), "serve", "--demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    deadline = time.monotonic() + STARTUP_SECONDS
    try:
        while time.monotonic() < deadline:
            line = server.stdout.readline()
            if not line and server.poll() is not None:
                break
            lines.append(line)
            if "Serving on http://" in line:
                break
        assert any("Serving on" in line for line in lines), "".join(lines)
        yield port, "".join(lines), tmp_path / "var"
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_serve_demo_starts_loads_the_cohort_and_answers(served):
    port, printed, var = served
    assert (var / "iectox.sqlite3").exists()
    assert "patients: 428, infusions: 428" in printed  # the seed cohort and 27 bispecific courses
    accounts = dict(re.findall(r"(demo-[a-z-]+)\s+(\S{16})\n", printed))
    assert len(accounts) == len(ROLES)

    base = f"http://127.0.0.1:{port}"
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = browser.open(f"{base}/accounts/login/", timeout=30).read().decode()
    assert "<form" in page and "csrfmiddlewaretoken" in page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = {
        "username": "demo-clinician",
        "password": accounts["demo-clinician"],
        "csrfmiddlewaretoken": token,
    }
    request = urllib.request.Request(
        f"{base}/accounts/login/",
        data=urllib.parse.urlencode(form).encode(),
        headers={"Referer": f"{base}/accounts/login/"},
    )
    home = browser.open(request, timeout=30).read().decode()
    assert "Welcome, demo-clinician" in home
    patients = browser.open(f"{base}/registry/patients/", timeout=30).read().decode()
    assert "P-0001" in patients
    course = browser.open(f"{base}/bedside/patients/P-BSAB-001/", timeout=30).read().decode()
    assert "Step-up dose 1" in course  # a bispecific course, as `iectox demo` writes it
    css = browser.open(f"{base}/static/iectox/web.css", timeout=30)
    assert css.headers["Content-Type"].startswith("text/css")
    dashboard = browser.open(f"{base}/quality/dashboard/", timeout=120).read().decode()  # the worker's
    assert "delay_by_cohort.png" in dashboard


def _children(pid: int) -> set[int]:
    """The processes whose parent is `pid` (Linux's /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _alive(pids: set[int]) -> set[int]:
    return {pid for pid in pids if Path(f"/proc/{pid}").exists() and "Z" not in _state(pid)}


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"


def _nice(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


def _gone(pids: set[int], seconds: float) -> bool:
    end = time.monotonic() + seconds
    while _alive(pids) and time.monotonic() < end:
        time.sleep(0.2)
    return not _alive(pids)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the processes from Linux's /proc")
@pytest.mark.parametrize("stop", ["SIGTERM", "SIGKILL"])
def test_serve_runs_server_processes_and_the_dashboard_worker_and_stops_them_all(tmp_path, stop):
    """SIGTERM (a service manager, the benchmark) stops the server, its processes and the dashboard worker;
    a server killed outright leaves none of them running either (each notices its parent is gone)."""
    port = free_port()
    env = {**os.environ, "IECTOX_VAR": str(tmp_path / "var"), "IECTOX_LANG": "en"}
    for name in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "IECTOX_PRODUCTION", "IECTOX_DASHBOARD_REFRESH"):
        env.pop(name, None)
    server = subprocess.Popen(
        [str(IECTOX), "serve", "--workers", "2", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert "Serving on" in server.stdout.readline()
        end = time.monotonic() + 60
        while len(_children(server.pid)) < 3 and time.monotonic() < end:
            time.sleep(0.2)
        children = _children(server.pid)
        commands = [Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0") for pid in children]
        assert sum(b"dashboards" in command for command in commands) == 1 and len(children) == 3
        if stop == "SIGTERM":  # the dashboard worker runs at a lower priority than the server processes
            nice = {b"dashboards" in c: _nice(pid) for pid, c in zip(children, commands, strict=True)}
            end = time.monotonic() + 30
            while nice[True] == nice[False] and time.monotonic() < end:  # set once it has started
                time.sleep(0.2)
                nice = {b"dashboards" in c: _nice(pid) for pid, c in zip(children, commands, strict=True)}
            assert nice[True] == nice[False] + 10
        server.send_signal(getattr(signal, stop))
        assert server.wait(timeout=30) == (0 if stop == "SIGTERM" else -signal.SIGKILL)
        assert _gone(children, 20), [Path(f"/proc/{pid}/cmdline").read_bytes() for pid in _alive(children)]
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def _in_a_new_process(code: str, tmp_path: Path, **env: str) -> str:
    environment = {
        **os.environ,
        "IECTOX_VAR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "iectox.web.settings",
    }
    environment.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", code], env={**environment, **env}, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_the_views_and_the_library_are_imported_at_start_not_by_the_first_request(tmp_path):
    modules = (
        "iectox.web.bedside.views",
        "iectox.web.quality.views",
        "iectox.validate.record",
        "iectox.render.bedside_chart",
        "iectox.management.advice",
        "iectox.study.run",
    )
    code = (
        f"import sys, django; django.setup(); from iectox.web import serve; m = {modules!r}; "
        "print([n in sys.modules for n in m]); serve.load_views(); print([n in sys.modules for n in m])"
    )
    assert _in_a_new_process(code, tmp_path).splitlines() == [str([False] * 6), str([True] * 6)]


def test_each_server_thread_keeps_its_postgresql_connection(tmp_path):
    """Opening a PostgreSQL connection costs about 15 ms (a server process, SCRAM): kept 5 minutes, checked."""
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "d = settings.DATABASES['default']; print(d.get('CONN_MAX_AGE', 0), d.get('CONN_HEALTH_CHECKS', False))"
    )
    url = "postgresql://iectox:secret@127.0.0.1:5432/iectox"
    assert _in_a_new_process(code, tmp_path, DATABASE_URL=url) == "300 True"
    assert _in_a_new_process(code, tmp_path) == "0 False"  # SQLite: a file opened in microseconds


def test_one_server_process_per_core_by_default(monkeypatch):
    monkeypatch.setattr(serve.os, "sched_getaffinity", lambda pid: set(range(2)), raising=False)
    assert serve.default_workers() == 2
    monkeypatch.setattr(serve.os, "sched_getaffinity", lambda pid: set(range(64)), raising=False)
    assert serve.default_workers() == serve.MAX_WORKERS == 8


def test_serve_starts_with_no_study_run_of_an_earlier_start(monkeypatch, settings, tmp_path):
    """The study runs the server processes share were computed by the code of an earlier start, which a
    development checkout may have changed without a new version: `iectox serve` empties them as it starts."""
    settings.VAR = tmp_path
    stored = tmp_path / "study-runs" / "0123abcd"
    stored.mkdir(parents=True)
    (stored / "result.iectox").write_bytes(b"an earlier start's run")
    monkeypatch.setattr(os, "environ", dict(os.environ))  # prepare's defaults stay in this test
    monkeypatch.setattr(
        serve, "call_command", lambda *args, **kwargs: None
    )  # no migration: the test database
    monkeypatch.setattr(serve, "load_views", lambda: None)
    serve.prepare("127.0.0.1", demo=False)
    assert not (tmp_path / "study-runs").exists() and (tmp_path).exists()
