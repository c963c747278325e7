"""`iectox serve`: the database brought up to date, then the application served by waitress, with the
dashboard worker beside it.

One Python process runs one thread at a time (the GIL): under a ward's load, the dashboard's audit in a thread
of the server held it in bursts, and requests queued behind it. So the management dashboard is computed by
the dashboard worker (`python -m iectox.web dashboards`, `iectox.web.quality.worker`), a process of its own that
stores it in the database for every server process; it is stopped with the server (and stops by itself if the
server is gone).

Static files are served by whitenoise inside the application. In production it sits behind a reverse proxy
that terminates TLS (docs/web.md).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable

import django
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver
from waitress import create_server

SETTINGS = "iectox.web.settings"
LOOPBACK = ("127.0.0.1", "localhost", "[::1]")
THREADS = 8
WORKER_STOP_SECONDS = 10.0
PARENT = "IECTOX_SERVER_PID"  # the environment variable naming the server that started the dashboard worker


def prepare(host: str, demo: bool) -> None:
    """Settings, migrations (applied at every start: a new version's are applied once), and the demo."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    os.environ.setdefault("IECTOX_DASHBOARD_REFRESH", "worker")
    if host not in ("0.0.0.0", "::") and not os.environ.get("IECTOX_ALLOWED_HOSTS"):
        os.environ["IECTOX_ALLOWED_HOSTS"] = ",".join(dict.fromkeys((*LOOPBACK, host)))
    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    if demo:
        call_command("demo")
    load_views()


def load_views() -> None:
    """Import every view now, and with them the library (pandas, grading, audit, rendering: about 0.4 s of
    CPU), instead of in the first request of each page: Django imports the URL map at its first request."""
    get_resolver().url_patterns  # noqa: B018 (evaluated for its imports)


def start_dashboard_worker() -> subprocess.Popen[bytes] | None:
    """The dashboard worker, in a process of its own with this one's environment (None when the dashboards
    are not computed by the worker: `IECTOX_DASHBOARD_REFRESH` set otherwise)."""
    if os.environ.get("IECTOX_DASHBOARD_REFRESH") != "worker":
        return None
    environment = {**os.environ, PARENT: str(os.getpid())}
    return subprocess.Popen([sys.executable, "-m", "iectox.web", "dashboards"], env=environment)


def stop_dashboard_worker(worker: subprocess.Popen[bytes] | None) -> None:
    """Stop the worker (SIGTERM), killing it if it has not stopped within `WORKER_STOP_SECONDS`."""
    if worker is None or worker.poll() is not None:
        return
    worker.terminate()
    try:
        worker.wait(WORKER_STOP_SECONDS)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def _waitress(host: str, port: int, listening: Callable[[], None]) -> None:
    server = create_server(get_wsgi_application(), host=host, port=port, threads=THREADS, ident="iectox")
    listening()
    server.run()


def run(host: str, port: int, listening: Callable[[], None]) -> None:
    """Serve until interrupted (Ctrl-C, SIGTERM), the dashboard worker beside the server; `listening` is called
    once the port is bound (a port already taken raises `OSError` before)."""
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))  # the worker is stopped below
    worker = start_dashboard_worker()
    try:
        _waitress(host, port, listening)
    finally:
        stop_dashboard_worker(worker)
