"""`iectox web-admin demo` (run by `iectox serve --demo`): the demo's dataset in an empty registry, the one
`iectox demo` writes (`iectox.synth.demo.make_demo`: the seed study's synthetic CAR-T cohort and the synthetic
bispecific antibody courses beside it), one demo account per role with a new random password, printed, and, so
that the pharmacy's pages have something to show, a tocilizumab stock count per centre and a few orders for
the latest grade >= 2 CRS episodes (a bispecific course's among them), left at different steps of the
workflow."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from iectox.i18n import language, tr
from iectox.schema.therapies import therapy_class
from iectox.synth.demo import make_demo
from iectox.web.accounts.making import make_user
from iectox.web.accounts.models import Centre
from iectox.web.accounts.roles import ROLES
from iectox.web.pharmacy import ordering, policy
from iectox.web.pharmacy.models import Order, Stock
from iectox.web.pharmacy.prescribing import TOCILIZUMAB, NoWeight
from iectox.web.pharmacy.stock import count
from iectox.web.pharmacy.workflow import ORDER_STEPS
from iectox.web.registry.models import Patient, ToxicityEpisode
from iectox.web.registry.records import store

PREFIX = "demo-"
DEMO_VIALS = {400: 4, 200: 2, 80: 4}  # vials counted per size (mg) in each centre's stock
DEMO_ORDERS = ("ordered", "validated", "dispensed")  # the step each demo order is left at, latest CRS first


class Command(BaseCommand):
    help = (
        "Load the demo's dataset (the synthetic seed cohort and bispecific courses) into an empty registry and "
        "make one demo account per role."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        lang = language()
        if not Patient.objects.exists():
            self.stdout.write(
                tr("Loading the demo's dataset (synthetic CAR-T and bispecific courses)...", lang)
            )
            counts = store(make_demo()[1])
            self.stdout.write(", ".join(f"{table}: {n}" for table, n in counts.items()))
        centres = sorted(set(Patient.objects.values_list("centre", flat=True)))
        self.stdout.write(tr("Demo accounts (centres: {centres}):", lang).format(centres=", ".join(centres)))
        users = {}
        for role in ROLES.values():
            user, password = make_user(PREFIX + role.id.replace("_", "-"), role.id, centres, lang)
            users[role.id] = user
            self.stdout.write(f"  {tr(role.label, lang):<22} {user.username:<22} {password}")
        if not Stock.objects.exists():
            _stock(centres, users["pharmacist"])
        if not Order.objects.exists():
            _orders(users["pharmacist"])


def _stock(centres: list[str], pharmacist: Any) -> None:
    """Each centre's tocilizumab vials, counted once by the demo pharmacist (sizes the pathway uses)."""
    sizes = policy.vial_settings().vials_mg
    for code in centres:
        centre = Centre.objects.get(code=code)
        count(centre, {size: (DEMO_VIALS.get(size, 2), None) for size in sizes}, pharmacist)


def _latest_of_each_class_first(episodes: list[ToxicityEpisode]) -> list[ToxicityEpisode]:
    """`episodes` (latest first) with the latest of each therapy class (CAR-T, bispecific) moved to the front,
    so that the queue shows a bispecific course's order beside the CAR-T ones when the registry has one."""
    first: dict[str, ToxicityEpisode] = {}
    for episode in episodes:
        first.setdefault(therapy_class(episode.infusion.therapy), episode)
    chosen = list(first.values())
    return chosen + [episode for episode in episodes if episode not in chosen]


def _orders(pharmacist: Any) -> None:
    """A tocilizumab order for each of the latest grade >= 2 CRS episodes (the latest of each therapy class
    first), moved through the workflow up to the step `DEMO_ORDERS` gives it, by the demo pharmacist (the trail
    says who and when)."""
    episodes = ToxicityEpisode.objects.filter(syndrome="CRS", max_grade__gte=2).select_related("infusion")
    placed = 0
    for episode in _latest_of_each_class_first(list(episodes.order_by("-onset_at"))):
        if placed == len(DEMO_ORDERS):
            break
        try:
            order = ordering.place(
                episode.infusion,
                episode,
                TOCILIZUMAB,
                "CRS",
                pharmacist,
                policy.pathway_in_force(),
                policy.vial_settings(),
            )
        except NoWeight:  # no weight recorded for this infusion: the next episode
            continue
        target = ORDER_STEPS.index(DEMO_ORDERS[placed])
        for step in ORDER_STEPS[1 : target + 1]:
            with transaction.atomic():
                order = ordering.advance(order, order.version, step, pharmacist)
        placed += 1
