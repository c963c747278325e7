"""Where a bedside request's CPU goes: the patient page, the observation form and the observation save (its POST
and the form page it redirects to), each run in process through Django's test client on a SQLite registry
holding the demo's dataset (`iectox serve --demo`'s: 401 CAR-T patients and 27 bispecific courses), once the
dashboard exists, as in the load benchmark. A patient's cost hardly depends on the number of patients, so this
is a fair proxy of the 10,000-patient PostgreSQL run (benchmarks/web_request_cpu.py) in a fraction of its time.

    python benchmarks/web_request_profile.py                  # CPU ms per request: median and p95 of N
    python benchmarks/web_request_profile.py --profile save   # and cProfile's top functions of one kind
    python benchmarks/web_request_profile.py --var /tmp/iectox-profile   # reuse that registry (made once)
    DATABASE_URL=postgresql://... python benchmarks/web_request_profile.py --database-from-environment
                                          # a registry already filled (bench_web_load.py's 10,000 patients)

Each patient page is of a patient not shown before (the load test's users open random patients among 10,000:
mostly pages the server has never shown); each save is of a new observation of a random infusion, followed by
the GET of the page it redirects to (what a user's save costs: locust follows the redirect).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta

SUBMISSION = re.compile(r'name="submission" value="([^"]+)"')
OBSERVATION = {"temperature_c": "38.6", "hypotension": "yes", "vasopressors": "0", "oxygen_device": "none"}
KINDS = ("patient", "form", "save")


def _setup(var: str, environment: bool) -> None:
    os.environ["IECTOX_VAR"] = var
    if not environment:
        os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "iectox.web.settings"
    os.environ["IECTOX_DASHBOARD_REFRESH"] = "inline"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    from iectox.synth.demo import make_demo
    from iectox.web.registry.models import Patient
    from iectox.web.registry.records import store

    if not Patient.objects.exists():
        start = time.perf_counter()
        store(make_demo()[1])
        print(f"stored the demo: {Patient.objects.count()} patients in {time.perf_counter() - start:.1f} s")


def _client():
    from django.test import Client

    from iectox.web.accounts.models import Centre, User
    from iectox.web.registry.models import Patient
    from iectox.web.serve import load_views

    load_views()
    user, _ = User.objects.get_or_create(username="profile-nurse", defaults={"role": "clinician"})
    codes = sorted(set(Patient.objects.values_list("centre", flat=True)))
    user.centres.set([Centre.objects.get_or_create(code=code)[0] for code in codes])
    client = Client()
    client.force_login(user)
    return client


def _requests(client, rng: random.Random) -> dict[str, Callable[[], Callable[[], list]]]:
    """Per kind: a function that prepares one request (untimed) and returns the timed call."""
    from django.urls import reverse

    from iectox.web.registry.models import Infusion, Patient

    patients = list(Patient.objects.values_list("patient_id", flat=True))
    rng.shuffle(patients)
    infusions = list(Infusion.objects.values_list("infusion_id", "infusion_date"))
    minute = iter(range(10**6))

    def patient() -> Callable[[], list]:
        url = reverse("bedside:timeline", args=[patients.pop()])
        return lambda: [client.get(url)]

    def form() -> Callable[[], list]:
        url = reverse("bedside:observe", args=[rng.choice(infusions)[0]])
        return lambda: [client.get(url)]

    def save() -> Callable[[], list]:
        code, day = rng.choice(infusions)
        url = reverse("bedside:observe", args=[code])
        token = SUBMISSION.search(client.get(url).content.decode())
        at = day + timedelta(days=1, minutes=next(minute))
        data = {"submission": token.group(1), "observed_at": at.strftime("%Y-%m-%d %H:%M"), **OBSERVATION}

        def call() -> list:
            posted = client.post(url, data)
            assert posted.status_code == 302, posted.content.decode()[-3000:]
            return [posted, client.get(posted["Location"])]

        return call

    return {"patient": patient, "form": form, "save": save}


def _timed(call: Callable[[], list], profile: cProfile.Profile | None) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        start = time.process_time()
        if profile is not None:
            profile.enable()
        responses = call()
        if profile is not None:
            profile.disable()
        spent = (time.process_time() - start) * 1000
    for response in responses:
        assert response.status_code in (200, 302), response.status_code
    return spent, len(queries)


def _top(profile: cProfile.Profile, sort: str, n: int) -> str:
    out = io.StringIO()
    pstats.Stats(profile, stream=out).strip_dirs().sort_stats(sort).print_stats(n)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--var", default=os.path.join(tempfile.gettempdir(), "iectox-web-profile"))
    parser.add_argument("-n", type=int, default=30, help="requests of each kind (default 30)")
    parser.add_argument("--profile", choices=KINDS, help="profile this kind and print the top functions")
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument(
        "--database-from-environment", action="store_true", help="DATABASE_URL's registry, not SQLite's demo"
    )
    options = parser.parse_args()
    os.makedirs(options.var, exist_ok=True)
    _setup(options.var, options.database_from_environment)
    client = _client()
    from django.urls import reverse

    start = time.process_time()
    client.get(reverse("quality:dashboard"))  # the dashboard's audit, which patient pages take findings from
    print(f"first dashboard: {time.process_time() - start:.1f} s of CPU")
    rng = random.Random(1)
    requests = _requests(client, rng)
    for _ in range(3):  # warm up: imports, templates, first queries
        for kind in KINDS:
            _timed(requests[kind](), None)
    for kind in options.kinds.split(","):
        profile = cProfile.Profile() if options.profile == kind else None
        costs = [_timed(requests[kind](), profile) for _ in range(options.n)]
        cpu = sorted(c for c, _ in costs)
        queries = sorted({q for _, q in costs})
        print(
            f"{kind:8} CPU median {statistics.median(cpu):6.1f} ms  p95 {cpu[int(0.95 * (len(cpu) - 1))]:6.1f} ms"
            f"  min {cpu[0]:6.1f} ms  queries {queries}  (n={len(cpu)}, load {os.getloadavg()[0]:.1f})"
        )
        if profile is not None:
            print(_top(profile, "cumulative", options.top))
            print(_top(profile, "tottime", options.top))


if __name__ == "__main__":
    main()
