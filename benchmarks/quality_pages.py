"""Cold and warm times of the study and quality pages, on a scratch registry holding the demo cohort or N
synthetic patients (docs/web.md, "Study and quality"). Not part of `make bench`: a measurement to repeat.

    python benchmarks/quality_pages.py --demo                              # the seed cohort (401 patients)
    python benchmarks/quality_pages.py --patients 10000                    # iectox.synth.generate(10000)
    python benchmarks/quality_pages.py --patients 10000 --observations     # with bedside series
    scripts/with_postgres.sh .venv/bin/python benchmarks/quality_pages.py --patients 10000   # on PostgreSQL

The registry is made in a new temporary folder (SQLite), or in the database of DATABASE_URL, which must be
empty (a throwaway cluster: never a registry in use). One user of every centre, signed in by the test client;
each page is opened once cold (the study run or the audit, then the page) and `--warm` times warm (kept
results: what every later request of the same registry state costs). Times are in-process (no HTTP server).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time


def _setup(demo: bool, patients: int, observations: bool) -> None:
    os.environ.setdefault("IECTOX_VAR", tempfile.mkdtemp(prefix="iectox-quality-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "iectox.web.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.IECTOX_DASHBOARD_REFRESH = "inline"
    call_command("migrate", verbosity=0)
    from iectox import synth
    from iectox.web.registry.models import Patient
    from iectox.web.registry.records import store

    if Patient.objects.exists():
        sys.exit("the database already holds patients: run this on a scratch registry only")
    start = time.perf_counter()
    store(synth.calibrate().dataset if demo else synth.generate(patients, observations=observations))
    print(f"stored {Patient.objects.count():,} patients in {time.perf_counter() - start:.1f} s", flush=True)


def _client():
    from django.test import Client

    from iectox.web.accounts.models import Centre, User
    from iectox.web.registry.models import Patient

    user = User.objects.create(username="bench", role="analyst", language="en")
    codes = sorted(set(Patient.objects.values_list("centre", flat=True)))
    user.centres.set([Centre.objects.get_or_create(code=code)[0] for code in codes])
    client = Client()
    client.force_login(user)
    return client


def _get(client, url: str) -> float:
    start = time.perf_counter()
    response = client.get(url)
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    assert response.status_code == 200, (url, response.status_code)
    return time.perf_counter() - start


PAGES = (
    ("dashboard", "/quality/dashboard/"),
    ("dashboard figure", "/quality/dashboard/figures/delay_by_cohort.png"),
    ("findings of a rule", "/quality/dashboard/rules/crs.tocilizumab/"),
    ("study page (seed study)", "/quality/study/seed/"),
    ("study figure", "/quality/study/seed/figures/crs_grades.png"),
    ("study XLSX download", "/quality/study/seed/report.xlsx"),
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo", action="store_true", help="the seed cohort instead of --patients")
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--observations", action="store_true", help="with bedside series (~30 per infusion)")
    parser.add_argument("--warm", type=int, default=50, help="warm requests per page")
    args = parser.parse_args()
    _setup(args.demo, args.patients, args.observations)
    from iectox.web.quality.state import registry_state

    client = _client()
    print(f"{'page':<26} {'cold':>9} {'warm median':>12} {'warm p95':>9}")
    for name, url in PAGES:
        cold = _get(client, url)
        warm = sorted(_get(client, url) for _ in range(args.warm))
        p95 = warm[round(0.95 * (len(warm) - 1))]
        print(
            f"{name:<26} {cold * 1000:7.0f} ms {statistics.median(warm) * 1000:9.1f} ms {p95 * 1000:6.1f} ms"
        )
    start = time.perf_counter()
    for _ in range(20):
        registry_state()
    print(f"registry state: {(time.perf_counter() - start) / 20 * 1000:.1f} ms per request")
    return 0


if __name__ == "__main__":
    sys.exit(main())
