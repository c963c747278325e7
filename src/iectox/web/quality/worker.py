"""The dashboard worker: a process of its own, started and stopped by `iectox serve`
(`python -m iectox.web dashboards`), that computes the management dashboards the server processes ask for and
stores them in the database (`snapshots.py`), where every server process reads them.

An audit of 10,000 patients costs seconds of CPU (about 7 s with its pages and figures in both languages): in
a thread of the server it held the server's one interpreter (its GIL) in bursts, and the requests of a ward
queued behind it. In a process of its own it takes the other core, or the share of one the machine gives it;
at a lower priority (`NICENESS`), so that on a busy machine the requests of a ward go first.

Each poll (`POLL_SECONDS`), the worker computes every set of centres a reader asked for: at once for a set of
centres that has none yet (its reader waits for it), at most every `REFRESH_SECONDS` otherwise (a ward saving
observations all day is audited every 2 minutes at most, not after every observation). It stops on SIGTERM or
SIGINT (Ctrl-C, which a terminal sends to the server and to it), and by itself when the process that started
it is gone.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from datetime import timedelta
from types import FrameType

from django.db import connections
from django.utils import timezone

from iectox.i18n import LANGUAGES
from iectox.web.quality import dashboard as dashboards
from iectox.web.quality import snapshots
from iectox.web.serve import PARENT

log = logging.getLogger(__name__)
POLL_SECONDS = 0.5
NICENESS = 10  # the worker yields the processors to the server processes when both want them
RETRY_SECONDS = 5.0  # after the database could not be read (restarting, a migration under way)


def refresh(centres: tuple[str, ...]) -> None:
    """Compute the dashboard of `centres` as the registry is now, with its pages and figures in every
    language (so that no reader waits for them), and store it."""
    snapshots.starting(centres)
    state, pathway = dashboards.current()
    made = dashboards.compute(state, centres, pathway)
    for lang in LANGUAGES:
        made.page(lang)
        made.figures(lang)
    snapshots.save(centres, made)


def due(started: object, stored: bool) -> bool:
    """Whether a wanted set of centres is computed now: its first dashboard at once, later ones at most every
    `REFRESH_SECONDS` from the start of the one before."""
    if not stored or started is None:
        return True
    return timezone.now() - started >= timedelta(seconds=dashboards.REFRESH_SECONDS)  # type: ignore[operator]


def poll() -> int:
    """Compute every dashboard due now; how many were computed."""
    done = 0
    for centres, started, stored in snapshots.wanted():
        if due(started, stored):
            try:
                refresh(centres)
                done += 1
            except Exception:  # the last dashboard stays shown; the next poll tries again
                log.exception("the dashboard could not be updated")
    return done


def run(stop: threading.Event) -> None:
    """Poll until `stop` is set or the server that started the worker is gone (`PARENT`; it may have gone
    while the worker was starting)."""
    parent = int(os.environ.get(PARENT) or os.getppid())
    try:
        while not stop.is_set() and os.getppid() == parent:
            try:
                poll()
                stop.wait(POLL_SECONDS)
            except Exception:
                log.exception("the dashboard worker could not read the database")
                connections.close_all()
                stop.wait(RETRY_SECONDS)
    finally:
        connections.close_all()


def main() -> None:
    """The worker's process: stops at SIGTERM or SIGINT, between two dashboards or in the middle of one
    (nothing is stored then: a dashboard is written in one statement at the end)."""

    def stopping(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stopping)
    signal.signal(signal.SIGINT, stopping)
    if hasattr(os, "nice"):  # pragma: no branch (not on Windows)
        os.nice(NICENESS)
    run(threading.Event())
