"""The web application under load: 50 users at once, on loopback, against 10,000 patients on PostgreSQL.

Issue 9's targets: the patient page and the dashboard answer within 300 ms (95th percentile), an observation is
saved within 200 ms, and no request fails. The run is the whole system as a hospital runs it: a throwaway
PostgreSQL cluster (scripts/pg_cluster.py), the registry migrated and filled with 10,000 synthetic patients
(`iectox.synth.generate`, stored by `iectox.web.registry.records.store`), one account per role, `iectox serve`
(waitress) on a free port, and locust driving 50 users for a bounded time (benchmarks/web_locustfile.py:
each user signs in, then opens patients' pages, the dashboard, and saves observations). The percentiles and
failures are read from locust's CSV. With BENCH_QUICK=1: 1,000 patients, 10 users, 20 s.

    python benchmarks/bench_web_load.py [--json]
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import IECTOX, ROOT, Row, main_rows, quick, size, verdict

PATIENTS = size(10_000, 1_000)
USERS = size(50, 10)
SECONDS = size(60, 20)
PATIENT_MS, DASHBOARD_MS, SAVE_MS = 300, 300, 200
LOCUSTFILE = Path(__file__).with_name("web_locustfile.py")

# Run inside the web application's environment (DATABASE_URL set): migrate, fill, make the accounts, and say
# which URLs the users will request (by the views' names, so that the benchmark follows the URL map).
PREPARE = """
import datetime, json, sys
import django
from django.core.management import call_command
django.setup()
from django.urls import reverse
from iectox.synth import generate
from iectox.web.accounts.making import make_user
from iectox.web.registry.models import Infusion, Patient
from iectox.web.registry.records import store
call_command("migrate", interactive=False, verbosity=0)
store(generate(int(sys.argv[1]), seed=1))
centres = sorted(set(Patient.objects.values_list("centre", flat=True)))
_, nurse = make_user("load-nurse", "clinician", centres)
codes = list(Patient.objects.values_list("patient_id", flat=True))
infusions = [
    (code, (day.date() if hasattr(day, "date") else day) + datetime.timedelta(days=1))
    for code, day in Infusion.objects.values_list("infusion_id", "infusion_date")[:2000]
]
print(json.dumps({
    "user": "load-nurse", "password": nurse, "login": reverse("accounts:login"),
    "patient": reverse("bedside:timeline", kwargs={"patient": "KEY"}),
    "dashboard": reverse("quality:dashboard"),
    "observe": reverse("bedside:observe", kwargs={"infusion": "KEY"}),
    "patients": codes,
    "infusions": [[code, f"{day.isoformat()} 10:00"] for code, day in infusions],
    "observation": {"temperature_c": "38.6", "hypotension": "yes", "vasopressors": "0", "oxygen_device": "none"},
}))
"""


def _cluster() -> object:
    spec = importlib.util.spec_from_file_location("pg_cluster", ROOT / "scripts" / "pg_cluster.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["pg_cluster"] = module
    spec.loader.exec_module(module)
    return module


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(port: int, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"iectox serve did not answer on port {port} within {seconds:.0f} s")


def _stats(prefix: Path) -> dict[str, dict[str, str]]:
    with open(f"{prefix}_stats.csv", newline="", encoding="utf-8") as handle:
        return {row["Name"]: row for row in csv.DictReader(handle)}


def measure(work: Path) -> dict[str, dict[str, str]]:
    pg_cluster = _cluster()
    with pg_cluster.Cluster() as cluster:  # type: ignore[attr-defined]
        env = {
            **os.environ,
            "DATABASE_URL": cluster.url,
            "IECTOX_VAR": str(work / "var"),
            "DJANGO_SETTINGS_MODULE": "iectox.web.settings",
        }
        prepared = subprocess.run(
            [sys.executable, "-c", PREPARE, str(PATIENTS)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        plan = work / "plan.json"
        plan.write_text(prepared.stdout.strip().splitlines()[-1], encoding="utf-8")
        port = _free_port()
        server = subprocess.Popen(
            [str(IECTOX), "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            _wait_for(port)
            prefix = work / "locust"
            subprocess.run(
                [
                    str(Path(sys.executable).with_name("locust")),
                    "-f", str(LOCUSTFILE), "--headless", "--users", str(USERS), "--spawn-rate", str(USERS),
                    "--run-time", f"{SECONDS}s", "--host", f"http://127.0.0.1:{port}", "--csv", str(prefix),
                    "--only-summary", "--loglevel", "WARNING",
                ],
                env={**env, "IECTOX_LOAD_PLAN": str(plan)},
                capture_output=True,
                text=True,
                check=False,
                timeout=SECONDS + 120,
            )  # fmt: skip
            return _stats(prefix)
        finally:
            server.terminate()
            server.wait(timeout=30)


def rows() -> list[Row]:
    work = Path(tempfile.mkdtemp(prefix="iectox-load-"))
    try:
        stats = measure(work)
    except Exception as exc:  # a missing component or a failed start is a row saying so, not a traceback
        return [Row("web application under load", "-", "not run", note=f"{type(exc).__name__}: {exc}"[:300])]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    scale = f"{USERS} users, {PATIENTS:,} patients, PostgreSQL, {SECONDS} s"
    rows_ = []
    for name, limit in (
        ("patient page", PATIENT_MS),
        ("dashboard", DASHBOARD_MS),
        ("observation save", SAVE_MS),
    ):
        row = stats.get(name)
        if row is None:
            rows_.append(Row(f"{name}: p95 <= {limit} ms", "-", "fail", note="not requested"))
            continue
        p95, count, failures = float(row["95%"]), int(row["Request Count"]), int(row["Failure Count"])
        ok = p95 <= limit and failures == 0
        rows_.append(
            Row(
                f"{name}: p95 <= {limit} ms, no error ({scale if not quick() else 'quick: ' + scale})",
                f"p95 {p95:.0f} ms, median {float(row['50%']):.0f} ms; {count:,} requests, {failures} failed",
                verdict(ok, scaled=True),
            )
        )
    total = stats.get("Aggregated")
    if total is not None:
        rows_.append(
            Row(
                "web application: requests per second, all pages",
                f"{float(total['Requests/s']):.1f} req/s; {int(total['Failure Count'])} failed of "
                f"{int(total['Request Count']):,}",
                "info",
                note=json.dumps({"users": USERS, "patients": PATIENTS}),
            )
        )
    return rows_


if __name__ == "__main__":
    main_rows(rows)
