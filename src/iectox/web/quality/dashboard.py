"""The management dashboard's data: the audit of the registry (`iectox.management.audit`) and its open episodes
(`iectox.management.open_episodes`), computed once per registry state and set of centres, never per request.

`DASHBOARDS.get(centres)` gives the dashboard of the registry as it is now: kept in memory per (state,
centres). When the registry has changed since the last one was computed for these centres, that one is shown
while the new one is computed in the background (one worker thread: a ward saving observations all day never
makes a reader wait for an audit of 10,000 patients); the page says so. Where the new one is computed is the
`IECTOX_DASHBOARD_REFRESH` setting (from the environment variable of that name):

- "worker" (what `iectox serve` sets): in the dashboard worker, a process of its own (`worker.py`), which
  stores it in the database (`snapshots.py`) for every server process; the first dashboard of a set of centres
  is awaited from the worker too;
- "background" (the default, e.g. under another WSGI server): in one worker thread of this process; the first
  dashboard of a set of centres is computed in the request;
- "inline" (the tests'): every new state in the request.

The audit of a centre holds each of its patients' findings: a patient's timeline takes them from the latest
dashboard when that patient's rows are still those it audited (`Dashboards.findings_of`, by the digest of the
patient's rows, `registry.digests`), instead of auditing the patient again.

Words and numbers are the library's: the render layer's KPI tables and headline (`render.audit_html`,
`render.management`), its figures (`render.audit.audit_figures`), the audit's counts and findings. Each
language's pieces are made once per dashboard (`page`).
"""

from __future__ import annotations

import logging
import tempfile
import threading
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
from django.conf import settings
from django.db import connections
from django.utils import timezone

from iectox.i18n import LANGUAGES
from iectox.management.audit import Audit, audit
from iectox.management.findings import SEVERITIES, Finding, findings_frame
from iectox.management.open_episodes import open_episodes
from iectox.management.order_delays import order_delay_summary, order_delays
from iectox.management.pathway import Pathway
from iectox.render.audit import audit_figures, default_cohort_labels
from iectox.render.figures import save
from iectox.web.pathway import pathway_in_force, pathway_key
from iectox.web.pharmacy.delays import order_times
from iectox.web.pharmacy.models import Order
from iectox.web.quality import snapshots
from iectox.web.quality.memo import Memo
from iectox.web.quality.page import DashboardPage, dashboard_page
from iectox.web.quality.state import Centres, patients_of, registry_state
from iectox.web.registry.digests import patient_digests
from iectox.web.registry.records import patients_dataset

log = logging.getLogger(__name__)
KEPT = 16  # dashboards kept: a few states of each set of centres in use
LOADED = 4  # dashboards read from the worker's snapshots, kept (the latest of each set of centres is too)
# At least this long between the starts of two background audits of the same centres. One audit of 10,000
# patients with 315,000 observations costs about 7 s of CPU (reading the rows 3 s, the audit 1.4 s, the figures
# in both languages 1.3 s): every 30 s, a quarter of a core for as long as a ward writes, taken from its requests
# (the load benchmark's server spent a third of its CPU on it); every 2 minutes, 6%. The page says when its
# figures were computed; quarterly KPIs and deviations do not need fresher.
REFRESH_SECONDS = 120.0
# How long the first reader of a set of centres waits for the worker's first dashboard (about 6 s of CPU for
# 10,000 patients; 12-21 s of wall time on a loaded machine) before computing it in its own request.
AWAIT_SECONDS = 120.0
AWAIT_POLL_SECONDS = 0.2


@dataclass
class Dashboard:
    """The audit of the patients of `centres` at registry `state`, with what the pages read from it."""

    state: str
    centres: Centres
    computed_at: datetime
    audit: Audit
    open_episodes: pd.DataFrame
    order_delays: pd.DataFrame  # per drug and delay of the pharmacy's orders: n, median and quartiles (hours)
    patient_of: Mapping[str, str]  # infusion -> patient, to link each finding to its patient
    digests: Mapping[str, str]  # patient -> the digest of the rows audited (`registry.digests`)
    _pages: dict[str, DashboardPage] = field(default_factory=dict)
    _figures: dict[str, dict[str, tuple[str, bytes]]] = field(default_factory=dict)
    _findings: dict[tuple[str, str], pd.DataFrame] = field(default_factory=dict)
    _of_patient: dict[str, list[Finding]] | None = None  # patient -> its findings, made at the first page
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __getstate__(self) -> dict[str, Any]:
        """Pickled for the other server processes (`snapshots.py`): everything but the lock."""
        return {name: value for name, value in self.__dict__.items() if name != "_lock"}

    def __setstate__(self, values: dict[str, Any]) -> None:
        self.__dict__.update({"_of_patient": None, **values}, _lock=threading.Lock())

    @property
    def pathway_key(self) -> str:
        """The fingerprint of the pathway it was audited under (the end of its state, `current`)."""
        return self.state.rsplit("-", 1)[-1]

    @property
    def labels(self) -> dict[str, str]:
        return default_cohort_labels(self.audit)

    def patients_by_rule(self) -> dict[str, list[str]]:
        """Each rule's patients (codes, sorted), from the infusions its findings name."""
        found: dict[str, set[str]] = {}
        for finding in self.audit.findings:
            patient = self.patient_of.get(finding.infusion_id or "")
            if patient is not None:
                found.setdefault(finding.rule, set()).add(patient)
        return {rule: sorted(codes) for rule, codes in found.items()}

    def page(self, lang: str) -> DashboardPage:
        """The page's pieces in `lang`, made once."""
        with self._lock:
            if lang not in self._pages:
                self._pages[lang] = dashboard_page(self, lang)
            return self._pages[lang]

    def figures(self, lang: str) -> dict[str, tuple[str, bytes]]:
        """The audit's figures in `lang` as the render layer draws and saves them: name -> (caption, PNG)."""
        with self._lock:
            if lang not in self._figures:
                drawn = {}
                with tempfile.TemporaryDirectory(prefix="iectox-dashboard-") as folder:
                    for name, caption, figure in audit_figures(self.audit, self.labels, lang):
                        png, _ = save(figure, Path(folder), name)
                        drawn[name] = (caption, png.read_bytes())
                self._figures[lang] = drawn
            return self._figures[lang]

    def findings(self, rule: str, lang: str) -> pd.DataFrame:
        """The findings of one rule, most serious first, each sentence in `lang`, with its patient."""
        with self._lock:
            if (rule, lang) not in self._findings:
                chosen = [f for f in self.audit.findings if f.rule == rule]
                table = findings_frame(chosen, lang)
                patients = table["infusion_id"].map(lambda i: self.patient_of.get(i) if i else None)
                self._findings[(rule, lang)] = table.assign(patient_id=patients)
            return self._findings[(rule, lang)]

    def findings_of(self, patient: str, digest: str) -> list[Finding] | None:
        """The findings of `patient`, if its rows audited here had `digest` (None otherwise)."""
        if self.digests.get(patient) != digest:
            return None
        with self._lock:
            if self._of_patient is None:  # one pass over the findings, not one per page shown
                found: dict[str, list[Finding]] = {}
                for finding in self.audit.findings:
                    found.setdefault(self.patient_of.get(finding.infusion_id or "", ""), []).append(finding)
                self._of_patient = found
            return list(self._of_patient.get(patient, []))

    def counts(self) -> dict[str, int]:
        """Findings per severity, in the order of `SEVERITIES`."""
        counts = self.audit.counts()
        return {severity: counts[severity] for severity in SEVERITIES}


def orders_summary(centres: Centres) -> pd.DataFrame:
    """The library's order delays of the orders of `centres`' patients, per drug (`order_delay_summary`)."""
    times = order_times(Order.objects.filter(infusion__patient__centre__in=centres))
    return order_delay_summary(order_delays(times).join(times["drug"]), by=["drug"])


def compute(state: str, centres: Centres, pathway: Pathway) -> Dashboard:
    """Audit the patients of `centres` as the registry holds them now (`state` read just before)."""
    dataset = patients_dataset(patients_of(centres))
    infusions = dataset["infusions"]
    patient_of = dict(
        zip(infusions["infusion_id"].astype(str), infusions["patient_id"].astype(str), strict=True)
    )
    return Dashboard(
        state=state,
        centres=centres,
        computed_at=timezone.now(),
        audit=audit(dataset, pathway),
        open_episodes=open_episodes(dataset),
        order_delays=orders_summary(centres),
        patient_of=patient_of,
        digests=patient_digests(dataset),
    )


def current() -> tuple[str, Pathway]:
    """The state a dashboard is kept for: the registry's, and the pathway in force (`iectox.web.pathway`, the
    one the bedside and the pharmacy follow: a new pathway file is a new dashboard); and that pathway."""
    return f"{registry_state()}-{pathway_key()}", pathway_in_force()


class Replaced(LookupError):
    """The snapshot asked for was replaced by a newer one meanwhile."""


def _stored_or_raise(centres: Centres, state: str) -> Dashboard:
    made = snapshots.load(centres, state)
    if made is None:
        raise Replaced(state)
    return made


def refresh_mode() -> str:
    return getattr(settings, "IECTOX_DASHBOARD_REFRESH", "background")


class Dashboards:
    """Dashboards by (registry state, centres), and the last one of each set of centres (see the module)."""

    def __init__(self) -> None:
        self.kept: Memo[Dashboard] = Memo(KEPT)
        self.latest: Memo[Dashboard] = Memo(KEPT)
        self.loaded: Memo[Dashboard] = Memo(LOADED)  # read from the worker's snapshots
        self._refreshing: set[Centres] = set()
        self._reading: set[tuple[str, Centres]] = set()
        self._started: dict[Centres, float] = {}
        self._lock = threading.Lock()
        self._worker: ThreadPoolExecutor | None = None

    def get(self, centres: Centres) -> tuple[Dashboard, bool]:
        """The dashboard of `centres`, and whether it is the registry as it is now (False: being updated)."""
        state, pathway = current()
        found = self.kept.peek((state, centres))
        if found is not None:
            return found, True
        mode = refresh_mode()
        if mode == "worker":
            return self._from_worker(state, centres, pathway)
        last = self.latest.peek(centres)
        if last is not None and mode == "background":
            self._in_background(centres)
            return last, False
        return self._compute(state, centres, pathway), True

    def _compute(self, state: str, centres: Centres, pathway: Pathway) -> Dashboard:
        made = self.kept.get((state, centres), lambda: compute(state, centres, pathway))
        self.latest.put(centres, made)
        return made

    def _from_worker(self, state: str, centres: Centres, pathway: Pathway) -> tuple[Dashboard, bool]:
        """The dashboard the worker stored for `centres`, asking it for the registry's new state when the one
        stored is older (shown meanwhile); the first one of a set of centres is awaited."""
        stored = snapshots.stored(centres)
        if stored is not None and stored.state:
            made = self._newest(centres, stored.state)
            if made is not None:
                if stored.state != state and not stored.wanted:
                    snapshots.ask(centres)
                return made, made.state == state
        snapshots.ask(centres)
        return self._awaited(state, centres, pathway), True

    def _newest(self, centres: Centres, state: str) -> Dashboard | None:
        """The dashboard of `centres` this process holds, reading the one stored at `state` in the background
        when it holds an older one (shown meanwhile: reading costs seconds of a loaded machine, and every
        request of the process would wait for it); read now when it holds none."""
        last = self.latest.peek(centres)
        if last is None:
            return self._stored(centres, state)
        if last.state != state:
            self._read_in_background(centres, state)
        return last

    def _read_in_background(self, centres: Centres, state: str) -> None:
        with self._lock:
            if (state, centres) in self._reading:
                return
            self._reading.add((state, centres))
            if self._worker is None:
                self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="iectox-dashboard")
            reader = self._worker
        reader.submit(self._read, centres, state)

    def _read(self, centres: Centres, state: str) -> None:
        try:
            self._stored(centres, state)
        except Exception:  # the dashboard held stays shown; the next request tries again
            log.exception("the stored dashboard could not be read")
        finally:
            connections.close_all()  # this thread's own connections
            with self._lock:
                self._reading.discard((state, centres))

    def _stored(self, centres: Centres, state: str) -> Dashboard | None:
        """The dashboard stored for `centres` at `state`, read from the database once per process (about 0.2 s
        of CPU for 10,000 patients; the other requests asking meanwhile wait for it); None when the worker has
        just replaced it."""
        last = self.latest.peek(centres)
        if last is not None and last.state == state:
            return last
        try:
            made = self.loaded.get((state, centres), lambda: _stored_or_raise(centres, state))
        except Replaced:
            return None
        self.latest.put(centres, made)
        return made

    def _awaited(self, state: str, centres: Centres, pathway: Pathway) -> Dashboard:
        """The first dashboard of `centres`, from the worker; computed here if it has none within
        `AWAIT_SECONDS` (a worker that is not running)."""
        end = time.monotonic() + AWAIT_SECONDS
        while time.monotonic() < end:
            time.sleep(AWAIT_POLL_SECONDS)
            stored = snapshots.stored(centres)
            made = self._stored(centres, stored.state) if stored is not None and stored.state else None
            if made is not None:
                return made
        log.warning(
            "no dashboard from the dashboard worker within %.0f s: computed in the request", AWAIT_SECONDS
        )
        return self._compute(state, centres, pathway)

    def _in_background(self, centres: Centres) -> None:
        """Start computing the dashboard of `centres` in the worker thread, unless it is already computing it
        or started it less than `REFRESH_SECONDS` ago (a registry written all day is audited every 2 minutes
        at most, not after every observation)."""
        with self._lock:
            now = time.monotonic()
            if (
                centres in self._refreshing
                or now - self._started.get(centres, -REFRESH_SECONDS) < REFRESH_SECONDS
            ):
                return
            self._refreshing.add(centres)
            self._started[centres] = now
            if self._worker is None:
                self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="iectox-dashboard")
            self._worker.submit(self._refresh, centres)

    def _refresh(self, centres: Centres) -> None:
        """Compute the dashboard of the registry as it is when the thread starts (later writes included)."""
        try:
            state, pathway = current()
            made = self._compute(state, centres, pathway)
            for lang in LANGUAGES:  # the pages' pieces too, so that no reader waits for them
                made.page(lang)
                made.figures(lang)
        except Exception:  # the last dashboard stays shown; the next request tries again
            log.exception("the dashboard could not be updated")
        finally:
            connections.close_all()  # this thread's own connections
            with self._lock:
                self._refreshing.discard(centres)

    def findings_of(self, patient: str, digest: str, pathway_key: str) -> tuple[list[Finding], Audit] | None:
        """The findings of `patient` under the pathway whose fingerprint is `pathway_key`, from the latest
        dashboard of any centres that audited exactly these rows of it, with that audit (for the rules'
        sources); None when none did. With the worker, the dashboards it stored are read first (once each; in
        the background when this process holds an older one of the same centres)."""
        if refresh_mode() == "worker":
            for centres, state in snapshots.computed():
                self._newest(centres, state)
        for dashboard in reversed(self.latest.values()):
            if dashboard.pathway_key == pathway_key:
                found = dashboard.findings_of(patient, digest)
                if found is not None:
                    return found, dashboard.audit
        return None

    def clear(self) -> None:
        self.kept.clear()
        self.latest.clear()
        self.loaded.clear()


DASHBOARDS = Dashboards()
