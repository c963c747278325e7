"""Orders for the pharmacy's tests, placed through the app's own service (`ordering.place`), and the fields of
a page's forms as a browser would send them back."""

from __future__ import annotations

import re

from iectox.web.pharmacy import ordering, policy
from iectox.web.pharmacy.models import Order
from iectox.web.registry.models import Infusion, ToxicityEpisode

from ..web_helpers import user_of


def place_order(
    regimen: str = "tocilizumab",
    infusion: str = "INF-001",
    episode: str | None = "EP-001",
    reason: str = "CRS",
    centres: tuple[str, ...] = ("CHU-A",),
) -> Order:
    """An order placed by a pharmacist of `centres` (the infusion's weight as the registry holds it)."""
    return ordering.place(
        Infusion.objects.get(infusion_id=infusion),
        None if episode is None else ToxicityEpisode.objects.get(episode_id=episode),
        regimen,
        reason,
        user_of("pharmacist", centres),
        policy.pathway_in_force(),
        policy.vial_settings(),
    )


def sample_order(name: str) -> object:
    """An order's number in CHU-A (a tocilizumab order for INF-001, placed if there is none): SAMPLES."""
    found = Order.objects.filter(infusion_id="INF-001").first()
    return (found or place_order()).pk


def move_forms(html: str) -> dict[str, dict[str, str]]:
    """Each move form of an order page, by the step it leads to: its hidden and text fields."""
    forms = {}
    for form in re.findall(r'<form method="post" action="[^"]*/move/".*?</form>', html, re.S):
        fields = dict(re.findall(r'<input type="(?:hidden|text)" name="(\w+)" value="([^"]*)"', form))
        fields.update(
            re.findall(
                r'<select name="(\w+)"[^>]*>(?:(?!</select>).)*?<option value="([^"]*)" selected', form, re.S
            )
        )
        forms[fields["to"]] = fields
    return forms
