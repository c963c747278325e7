"""The CPU time of each of the load benchmark's requests measured alone, in process (Django's test client), on
the database the environment names (`DATABASE_URL`, prepared by bench_web_load.py): what a request costs the
server whatever else runs on the machine (a loaded machine stretches wall-clock times, much less CPU times).

    DATABASE_URL=... DJANGO_SETTINGS_MODULE=iectox.web.settings python benchmarks/web_request_cpu.py PLAN N

Prints one JSON object: per request, the median and 95th percentile of CPU milliseconds and the number of
queries; and the first dashboard of the centres (the audit of every patient), which a server computes once.
"""

from __future__ import annotations

import json
import random
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import django

django.setup()

from django.conf import settings  # noqa: E402 (after django.setup)
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from iectox.web.accounts.models import User  # noqa: E402
from iectox.web.serve import load_views  # noqa: E402

SUBMISSION = re.compile(r'name="submission" value="([^"]+)"')


def _cost(call: Callable[[], object]) -> tuple[float, int]:
    with CaptureQueriesContext(connection) as queries:
        start = time.process_time()
        response = call()
        spent = (time.process_time() - start) * 1000
    assert response.status_code in (200, 302), response.status_code  # type: ignore[attr-defined]
    return spent, len(queries)


def main(plan_file: str, n: int) -> dict[str, object]:
    plan = json.loads(Path(plan_file).read_text(encoding="utf-8"))
    settings.ALLOWED_HOSTS = ["testserver"]
    load_views()
    client = Client()
    client.force_login(User.objects.get(username=plan["user"]))
    rng = random.Random(1)
    first, _ = _cost(lambda: client.get(plan["dashboard"]))

    def saving() -> Callable[[], object]:
        infusion, observed_at = rng.choice(plan["infusions"])
        url = plan["observe"].replace("KEY", infusion)
        token = SUBMISSION.search(client.get(url).content.decode())
        data = {
            "submission": token.group(1) if token else "",
            "observed_at": observed_at,
            **plan["observation"],
        }
        return lambda: client.post(url, data)

    requests: dict[str, Callable[[], Callable[[], object]]] = {
        "patient page": lambda: (
            lambda: client.get(plan["patient"].replace("KEY", rng.choice(plan["patients"])))
        ),
        "dashboard": lambda: lambda: client.get(plan["dashboard"]),
        "observation form": lambda: (
            lambda: client.get(plan["observe"].replace("KEY", rng.choice(plan["infusions"])[0]))
        ),
        "observation save": saving,
    }
    out: dict[str, object] = {"dashboard, first (audit of every patient)": round(first)}
    for name, make in requests.items():
        costs = sorted(_cost(make()) for _ in range(n))
        cpu = sorted(c for c, _ in costs)
        out[name] = {
            "cpu_median_ms": round(statistics.median(cpu)),
            "cpu_p95_ms": round(cpu[int(0.95 * (len(cpu) - 1))]),
            "queries": sorted({q for _, q in costs}),
        }
    return out


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], int(sys.argv[2]))))
