"""`iectox serve`: the database brought up to date, then the application served by several processes, with
the dashboard worker beside them.

One Python process runs one thread at a time (the GIL): under a ward's load, a single server process used one
core and requests queued behind each other and behind the dashboard's audit. So:

- the requests are served by `workers` processes (gunicorn, pre-forked with its threaded workers: the
  application and the library are imported once, before the fork); where gunicorn cannot run (Windows) or with
  one worker, by waitress in this process, a pure-Python WSGI server;
- the management dashboard is computed by the dashboard worker (`python -m iectox.web dashboards`,
  `iectox.web.quality.worker`), a process of its own that stores it in the database for every server process;
  it is stopped with the server (and stops by itself if the server is gone).

Static files are served by whitenoise inside the application. In production it sits behind a reverse proxy
that terminates TLS (docs/web.md).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import django
from django.conf import settings
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.db import connections
from django.urls import get_resolver
from waitress import create_server

from iectox.web.environment import STUDY_RUNS

try:  # gunicorn runs on Unix only
    from gunicorn.app.base import BaseApplication
except ImportError:  # pragma: no cover (Windows)
    BaseApplication = None

SETTINGS = "iectox.web.settings"
LOOPBACK = ("127.0.0.1", "localhost", "[::1]")
THREADS = 8  # per server process: requests waiting on the database overlap
MAX_WORKERS = 8
GRACEFUL_SECONDS = 10  # a request under way when the server is stopped may finish within this time
WORKER_STOP_SECONDS = 10.0
PARENT = "IECTOX_SERVER_PID"  # the environment variable naming the server that started the dashboard worker


def default_workers() -> int:
    """One server process per core this process may run on (at most `MAX_WORKERS`)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover (not Linux)
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_WORKERS))


def multiprocess() -> bool:
    """Whether more than one server process can run here (gunicorn is installed, on Unix)."""
    return BaseApplication is not None


def prepare(host: str, demo: bool) -> None:
    """Settings, migrations (applied at every start: a new version's are applied once), and the demo."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    os.environ.setdefault("IECTOX_DASHBOARD_REFRESH", "worker")
    if host not in ("0.0.0.0", "::") and not os.environ.get("IECTOX_ALLOWED_HOSTS"):
        os.environ["IECTOX_ALLOWED_HOSTS"] = ",".join(dict.fromkeys((*LOOPBACK, host)))
    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    forget_study_runs()
    if demo:
        call_command("demo")
    load_views()


def forget_study_runs() -> None:
    """Empty the study runs the server processes share (`iectox.web.quality.runs`), before any process
    serves: they were computed by the code of an earlier start."""
    shutil.rmtree(Path(settings.VAR) / STUDY_RUNS, ignore_errors=True)


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


def _bind_check(host: str, port: int) -> None:
    """Raise `OSError` now when the port cannot be bound (gunicorn would only log it and exit)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host.strip("[]"), port))


class _Gunicorn(BaseApplication if BaseApplication is not None else object):  # type: ignore[misc]
    """gunicorn's arbiter serving the application loaded in this process (inherited by each worker)."""

    def __init__(self, application: Any, options: dict[str, Any]) -> None:
        self.application, self.options = application, options
        super().__init__()

    def load_config(self) -> None:
        for name, value in self.options.items():
            self.cfg.set(name, value)

    def load(self) -> Any:
        return self.application


def _gunicorn(host: str, port: int, workers: int, listening: Callable[[], None]) -> None:
    _bind_check(host, port)
    application = get_wsgi_application()
    connections.close_all()  # no connection is shared by the forked processes
    bind = f"[{host.strip('[]')}]:{port}" if ":" in host else f"{host}:{port}"
    options = {
        "bind": [bind],
        "workers": workers,
        "worker_class": "gthread",
        "threads": THREADS,
        "graceful_timeout": GRACEFUL_SECONDS,
        "timeout": 300,  # a worker silent this long is restarted (its threads answer meanwhile)
        "loglevel": "warning",
        "control_socket_disable": True,
        "when_ready": lambda arbiter: listening(),
        "proc_name": "iectox",
    }
    _Gunicorn(application, options).run()


def _waitress(host: str, port: int, listening: Callable[[], None]) -> None:
    server = create_server(get_wsgi_application(), host=host, port=port, threads=THREADS, ident="iectox")
    listening()
    server.run()


def run(host: str, port: int, listening: Callable[[], None], workers: int = 1) -> None:
    """Serve until interrupted (Ctrl-C, SIGTERM) with `workers` processes (gunicorn; waitress in this process
    with one, or where gunicorn cannot run), the dashboard worker beside them; `listening` is called once the
    port is bound (a port already taken raises `OSError` before)."""
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))  # the worker is stopped below
    worker, owner = start_dashboard_worker(), os.getpid()
    try:
        if workers > 1 and multiprocess():
            _gunicorn(host, port, workers, listening)
        else:
            _waitress(host, port, listening)
    finally:
        if os.getpid() == owner:  # not in a forked server process leaving (gunicorn's workers exit by here)
            stop_dashboard_worker(worker)
