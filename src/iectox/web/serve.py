"""`iectox serve`: the database brought up to date, then the application served by waitress.

Waitress is a pure-Python WSGI server (no compiler, no C extension) that runs the same on a laptop and a
hospital server; static files are served by whitenoise inside the application. In production it sits behind a
reverse proxy that terminates TLS (docs/web.md).
"""

from __future__ import annotations

import os
from collections.abc import Callable

import django
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver
from waitress import create_server

SETTINGS = "iectox.web.settings"
LOOPBACK = ("127.0.0.1", "localhost", "[::1]")
THREADS = 8


def prepare(host: str, demo: bool) -> None:
    """Settings, migrations (applied at every start: a new version's are applied once), and the demo."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
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


def run(host: str, port: int, listening: Callable[[], None]) -> None:
    """Serve until interrupted (Ctrl-C); `listening` is called once the port is bound (a port already taken
    raises `OSError` before)."""
    server = create_server(get_wsgi_application(), host=host, port=port, threads=THREADS, ident="iectox")
    listening()
    server.run()
