"""`iectox serve --demo` on a fresh var folder: migrations applied, the seed cohort loaded, one demo account per
role printed with its password; the server answers on its port, and a printed account signs in."""

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
    assert "patients: 401" in printed
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
    css = browser.open(f"{base}/static/iectox/web.css", timeout=30)
    assert css.headers["Content-Type"].startswith("text/css")
