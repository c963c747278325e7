"""The web application under load: 50 users at once, on loopback, against 10,000 patients on PostgreSQL.

Issue 9's targets: the patient page and the dashboard answer within 300 ms (95th percentile), an observation is
saved within 200 ms, and no request fails. The run is the whole system as a hospital runs it: a throwaway
PostgreSQL cluster (scripts/pg_cluster.py), the registry migrated and filled with 10,000 synthetic patients
with their observation series (`iectox.synth.generate(observations=True)`: about 315,000 observations, so
that a patient's page has its chart; stored by `iectox.web.registry.records.store`), a nurse's account,
`iectox serve` on a free port (its server processes, one per core by default or `IECTOX_LOAD_WORKERS`, and its
dashboard worker), and locust driving 50 users for a bounded time (benchmarks/web_locustfile.py: each user
signs in, then opens patients' pages, the dashboard, and saves observations, thinking 5-15 s between two
requests as a clinician reads and types; the users start over 10 s).
Locust runs on the same machine and cores as the server and the database.

Before the users come, each request's CPU time is measured alone (benchmarks/web_request_cpu.py: the server's
own cost, which a loaded machine stretches little), and the server's first dashboard is opened once: a
server's dashboard worker computes the audit of every patient of a set of centres once (about 6 s), then
keeps it and refreshes it; a ward's server has been running before its users come. After the run, the
server's CPU time per request (from /proc: its server processes and the dashboard worker) and the load
average are reported; then a stress run with the think time of earlier runs (0.5-1.5 s), reported apart: the
capacity of the 2 cores, not a target.
The percentiles and failures are read from locust's CSV. With BENCH_QUICK=1: 1,000 patients, 10 users, 20 s.

    python benchmarks/bench_web_load.py [--json]
"""

from __future__ import annotations

import csv
import http.cookiejar
import importlib.util
import json
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from harness import IECTOX, ROOT, Row, main_rows, quick, size, verdict

PATIENTS = size(10_000, 1_000)
USERS = size(50, 10)
SECONDS = size(120, 20)
STRESS_SECONDS = size(60, 10)
THINK, STRESS_THINK = "5,15", "0.5,1.5"
ALONE = size(40, 10)  # requests of each kind measured alone
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
store(generate(int(sys.argv[1]), seed=1, observations=True))
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


def _workers() -> list[str]:
    """`--workers N` from `IECTOX_LOAD_WORKERS` (e.g. 1: the single waitress process, to compare); else none:
    `iectox serve`'s default, one server process per core."""
    workers = os.environ.get("IECTOX_LOAD_WORKERS")
    return ["--workers", workers] if workers else []


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


def _failures(prefix: Path) -> dict[str, str]:
    """Per request name, why its requests failed (locust's failures CSV: error and count), for the report."""
    found: dict[str, list[str]] = {}
    path = Path(f"{prefix}_failures.csv")
    if path.exists():
        with open(path, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                found.setdefault(row["Name"], []).append(f"{row['Error']} (x{row['Occurrences']})")
    return {name: "; ".join(errors)[:300] for name, errors in found.items()}


def _stats(prefix: Path) -> dict[str, dict[str, str]]:
    with open(f"{prefix}_stats.csv", newline="", encoding="utf-8") as handle:
        return {row["Name"]: row for row in csv.DictReader(handle)}


def _stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def _cpu_seconds(pid: int) -> float:
    """The CPU time (user + system) used so far by the server and its processes (its server processes and
    the dashboard worker, each a child of `iectox serve`), from /proc."""
    used = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = _stat(int(stat.parent.name))
        except (OSError, ValueError):
            continue
        if int(stat.parent.name) == pid or int(fields[1]) == pid:
            used += int(fields[11]) + int(fields[12])
    return used / os.sysconf("SC_CLK_TCK")


def _open_dashboard(port: int, plan: dict[str, object]) -> float:
    """Sign in as the plan's nurse and open the dashboard once; its wall-clock seconds."""
    base = f"http://127.0.0.1:{port}"
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    login = opener.open(base + str(plan["login"]), timeout=60).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login)
    form = {
        "username": plan["user"],
        "password": plan["password"],
        "csrfmiddlewaretoken": token.group(1) if token else "",
    }
    opener.open(
        urllib.request.Request(base + str(plan["login"]), urllib.parse.urlencode(form).encode()), timeout=60
    )
    start = time.perf_counter()
    opener.open(base + str(plan["dashboard"]), timeout=300).read()
    return time.perf_counter() - start


def _locust(env: dict[str, str], port: int, prefix: Path, think: str, users: int, seconds: int) -> float:
    """Run locust's users against the server; the CPU seconds (user + system) locust itself used, which the
    load generator took from the cores it shares with the server."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        [
            str(Path(sys.executable).with_name("locust")),
            "-f", str(LOCUSTFILE), "--headless", "--users", str(users), "--spawn-rate", str(max(1, users // 10)),
            "--run-time", f"{seconds}s", "--host", f"http://127.0.0.1:{port}", "--csv", str(prefix),
            "--only-summary", "--loglevel", "WARNING",
        ],
        env={**env, "IECTOX_LOAD_THINK": think},
        capture_output=True,
        text=True,
        check=False,
        timeout=seconds + 120,
    )  # fmt: skip
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def measure(work: Path) -> dict[str, object]:
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
        alone = subprocess.run(
            [sys.executable, str(Path(__file__).with_name("web_request_cpu.py")), str(plan), str(ALONE)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        port = _free_port()
        server = subprocess.Popen(
            [str(IECTOX), "serve", "--port", str(port), *_workers()],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            _wait_for(port)
            first = _open_dashboard(port, json.loads(plan.read_text(encoding="utf-8")))
            load_before, cpu_before = os.getloadavg()[0], _cpu_seconds(server.pid)
            locust_cpu = _locust(
                {**env, "IECTOX_LOAD_PLAN": str(plan)}, port, work / "locust", THINK, USERS, SECONDS
            )
            load_after, cpu_after = os.getloadavg()[0], _cpu_seconds(server.pid)
            _locust(
                {**env, "IECTOX_LOAD_PLAN": str(plan)},
                port,
                work / "stress",
                STRESS_THINK,
                USERS,
                STRESS_SECONDS,
            )
            return {
                "stats": _stats(work / "locust"),
                "stress": _stats(work / "stress"),
                "failures": _failures(work / "locust"),
                "stress_failures": _failures(work / "stress"),
                "alone": json.loads(alone.stdout.strip().splitlines()[-1]),
                "first_dashboard_s": first,
                "load": (load_before, load_after),
                "server_cpu_s": cpu_after - cpu_before,
                "locust_cpu_s": locust_cpu,
            }
        finally:
            server.terminate()
            server.wait(timeout=30)


def _percentiles(row: dict[str, str]) -> str:
    return (
        f"p95 {float(row['95%']):.0f} ms, median {float(row['50%']):.0f} ms; "
        f"{int(row['Request Count']):,} requests, {int(row['Failure Count'])} failed"
    )


def rows() -> list[Row]:
    work = Path(tempfile.mkdtemp(prefix="iectox-load-"))
    try:
        measured = measure(work)
    except Exception as exc:  # a missing component or a failed start is a row saying so, not a traceback
        return [Row("web application under load", "-", "not run", note=f"{type(exc).__name__}: {exc}"[:300])]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    stats, stress, alone = measured["stats"], measured["stress"], measured["alone"]
    scale = f"{USERS} users thinking 5-15 s, {PATIENTS:,} patients, PostgreSQL, {SECONDS} s"
    load = "load average {:.1f} at the start, {:.1f} at the end".format(*measured["load"])
    rows_ = []
    for name, limit in (
        ("patient page", PATIENT_MS),
        ("dashboard", DASHBOARD_MS),
        ("observation save", SAVE_MS),
    ):
        row = stats.get(name)
        cost = alone.get(name, {})
        failed = measured["failures"].get(name)
        note = (
            f"CPU alone: median {cost.get('cpu_median_ms')} ms, p95 {cost.get('cpu_p95_ms')} ms, "
            f"{cost.get('queries')} queries; {load}" + (f"; failed: {failed}" if failed else "")
        )
        if row is None:
            rows_.append(Row(f"{name}: p95 <= {limit} ms", "-", "fail", note="not requested"))
            continue
        p95, failures = float(row["95%"]), int(row["Failure Count"])
        ok = p95 <= limit and failures == 0
        rows_.append(
            Row(
                f"{name}: p95 <= {limit} ms, no error ({scale if not quick() else 'quick: ' + scale})",
                _percentiles(row),
                verdict(ok, scaled=True),
                note=note,
            )
        )
    total = stats.get("Aggregated")
    if total is not None:
        count = int(total["Request Count"])
        rows_.append(
            Row(
                "web application: requests per second, all pages; the server's CPU per request under load",
                f"{float(total['Requests/s']):.1f} req/s; {int(total['Failure Count'])} failed of {count:,}; "
                f"server CPU {1000 * measured['server_cpu_s'] / max(count, 1):.0f} ms per request; "
                f"locust's own CPU {measured['locust_cpu_s']:.1f} s in {SECONDS} s",
                "info",
                note=json.dumps(
                    {
                        "users": USERS,
                        "patients": PATIENTS,
                        "first_dashboard_s": round(measured["first_dashboard_s"], 1),
                        "observation_form_cpu_alone_ms": alone.get("observation form", {}).get(
                            "cpu_median_ms"
                        ),
                    }
                ),
            )
        )
    for name in ("patient page", "dashboard", "observation save"):
        row = stress.get(name)
        if row is not None:
            rows_.append(
                Row(
                    f"stress (not a target): {name}, {USERS} users thinking 0.5-1.5 s, {STRESS_SECONDS} s",
                    _percentiles(row),
                    "info",
                    note=f"failed: {measured['stress_failures'][name]}"
                    if name in measured["stress_failures"]
                    else "",
                )
            )
    return rows_


if __name__ == "__main__":
    main_rows(rows)
