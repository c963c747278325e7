"""The users of bench_web_load.py: each signs in as a nurse, then opens patients' pages, the dashboard, and saves
observations, thinking between two requests as a clinician does. The URLs and the account come from the plan
the benchmark prepared (`IECTOX_LOAD_PLAN`); requests are named by what they are, so that locust's CSV gives
one line per target.

Think time (`IECTOX_LOAD_THINK`, "low,high" seconds; 5-15 by default): a clinician reads a patient's timeline
(its chart, episodes, doses and findings) or the dashboard before the next click, and types an observation's
values in its form (time, temperature, blood pressure, oxygen, ICE) before saving it: seconds to a minute, not
the 0.5-1.5 s of earlier runs, with which 50 users asked for 45 pages a second, the rate of a whole hospital's
staff clicking without reading. 5-15 s is still quicker than a ward (every one of 50 clinicians on the
application all the time); the benchmark also runs the 0.5-1.5 s think time as a stress run, reported apart.

The users are locust's `FastHttpUser` (geventhttpclient), not its requests-based `HttpUser`: the same requests,
cookies, redirects followed and form bodies, for a fraction of the client's CPU (locust's documentation: "uses
considerably less CPU on the load generator"). Locust runs on the server's 2 cores: what the load generator
spends there is taken from the server under test, and bench_web_load.py reports it beside the server's.
"""

from __future__ import annotations

import json
import os
import random
import re
from pathlib import Path

from locust import FastHttpUser, between, task

PLAN = json.loads(Path(os.environ["IECTOX_LOAD_PLAN"]).read_text(encoding="utf-8"))
THINK = tuple(float(s) for s in os.environ.get("IECTOX_LOAD_THINK", "5,15").split(","))
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SUBMISSION = re.compile(r'name="submission" value="([^"]+)"')


def _field(pattern: re.Pattern[str], page: str) -> str:
    found = pattern.search(page)
    return found.group(1) if found else ""


class Nurse(FastHttpUser):
    wait_time = between(*THINK)

    def on_start(self) -> None:
        page = self.client.get(PLAN["login"], name="login form").text
        self.client.post(
            PLAN["login"],
            {
                "username": PLAN["user"],
                "password": PLAN["password"],
                "csrfmiddlewaretoken": _field(TOKEN, page),
            },
            name="login",
        )

    @task(5)
    def patient_page(self) -> None:
        key = random.choice(PLAN["patients"])  # any of the 10,000: a page the server has not seen, mostly
        self.client.get(PLAN["patient"].replace("KEY", key), name="patient page")

    @task(3)
    def dashboard(self) -> None:
        self.client.get(PLAN["dashboard"], name="dashboard")

    @task(2)
    def observation_save(self) -> None:
        infusion, observed_at = random.choice(PLAN["infusions"])
        url = PLAN["observe"].replace("KEY", infusion)
        form = self.client.get(url, name="observation form").text
        fields = {
            "csrfmiddlewaretoken": _field(TOKEN, form),
            "submission": _field(SUBMISSION, form),
            "observed_at": observed_at,
            **PLAN["observation"],
        }
        with self.client.post(url, fields, name="observation save", catch_response=True) as saved:
            if saved.status_code != 200 or "errorlist" in saved.text:  # a refused form is a failure here
                saved.failure(f"not saved ({saved.status_code})")
