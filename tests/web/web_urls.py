"""Every URL pattern of the application, found by walking Django's resolver, with a sample URL for each.

A pattern's parameters are filled from `SAMPLES` (parameter name -> a function of the pattern's name giving a
value that exists in the `registry` fixture, centre CHU-A): a new page with a new parameter adds its sample
here, and is then opened anonymously and by every role by the tests that already exist.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from iectox.web.accounts.access import declared
from iectox.web.accounts.models import User
from iectox.web.registry.models import BY_TABLE

from .pharmacy.orders import sample_order

# One record of each table in centre CHU-A (the hand-made dataset); observations are numbered.
CODES = {
    "patients": "P-001",
    "infusions": "INF-001",
    "toxicity_episodes": "EP-001",
    "administrations": "ADM-001",
    "outcomes": "INF-001",
}


def registry_key(name: str) -> object:
    """The key of a registry URL (`registry:patients-detail` -> P-001)."""
    table = name.split(":")[-1].split("-")[0]
    if table in CODES:
        return CODES[table]
    return BY_TABLE[table].objects.filter(infusion_id="INF-001").values_list("pk", flat=True).first()


def account(name: str) -> object:
    """An account's number (an analyst of CHU-A, made if there is none)."""
    return User.objects.get_or_create(username="sample-account", defaults={"role": "analyst"})[0].pk


def figure(name: str) -> str:
    """A figure the page draws: the dashboard's, or a study report's (the seed study on CHU-A)."""
    return "delay_by_cohort" if name.startswith("quality:dashboard") else "management_delay_by_cohort"


SAMPLES: dict[str, Callable[[str], object]] = {
    "key": registry_key,
    "user_id": account,
    "order": sample_order,
    "spec": lambda name: "seed",  # the seed study shipped with iectox
    "figure": figure,
    "rule": lambda name: "crs.tocilizumab",
    "patient": lambda name: CODES["patients"],
    "infusion": lambda name: CODES["infusions"],
    "observation": lambda name: registry_key("registry:observations"),
}


@dataclass(frozen=True)
class Url:
    name: str  # namespaced ("registry:patients-detail")
    parameters: tuple[str, ...]
    view: Any

    @property
    def needs(self) -> object:
        return declared(self.view)

    def sample(self) -> str:
        """The URL with each parameter filled by its sample (needs the database)."""
        missing = [p for p in self.parameters if p not in SAMPLES]
        assert not missing, f"{self.name}: no sample for {missing}; add one to tests/web/web_urls.py SAMPLES"
        return reverse(self.name, kwargs={p: SAMPLES[p](self.name) for p in self.parameters})


def _walk(patterns: list[Any], namespace: str, parameters: tuple[str, ...]) -> Iterator[Url]:
    for entry in patterns:
        found = (*parameters, *getattr(entry.pattern, "converters", {}))
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner, found)
        elif isinstance(entry, URLPattern):
            assert entry.name, f"a URL pattern without a name: {entry.pattern}"
            yield Url(f"{namespace}{entry.name}", found, entry.callback)


def every_url() -> list[Url]:
    return list(_walk(get_resolver().url_patterns, "", ()))
