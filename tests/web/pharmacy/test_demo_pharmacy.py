"""`iectox serve --demo` gives the pharmacy something to show: a stock count per centre and tocilizumab orders
for the latest grade >= 2 CRS episodes at different steps, made once (a second run adds nothing)."""

from __future__ import annotations

import datetime as dt
import io

from django.core.management import call_command

from iectox.web.pharmacy.models import Order, Stock, Transition
from iectox.web.pharmacy.policy import vial_settings
from iectox.web.registry.models import Infusion, ToxicityEpisode


def test_demo_counts_each_centres_stock_and_places_orders(registry):
    call_command("demo", stdout=io.StringIO())
    sizes = set(vial_settings().vials_mg)
    for centre in ("CHU-A", "CHU-B"):
        counted = {line.vial_mg: line.vials for line in Stock.objects.filter(centre__code=centre)}
        assert set(counted) == sizes and counted[400] == 4 and counted[200] == 2 and counted[80] == 4
    # EP-003 (grade 3, latest) has no weight recorded: no dose can be computed, so only EP-001 is ordered
    orders = list(Order.objects.all())
    assert [(o.episode_id, o.drug, o.dose_mg, o.status) for o in orders] == [
        ("EP-001", "tocilizumab", 571.2, "ordered")
    ]
    assert orders[0].vials == {"400": 1, "200": 1}
    assert Transition.objects.filter(order=orders[0]).count() == 1
    assert orders[0].history.first().history_user.username == "demo-pharmacist"

    call_command("demo", stdout=io.StringIO())
    assert Order.objects.count() == 1 and Stock.objects.count() == 2 * len(sizes)


def test_demo_orders_are_left_at_different_steps(registry):
    """The latest episode's order stays ordered, the next validated, the third dispensed: each move in the trail."""
    for code, day in (("EP-010", 1), ("EP-011", 2)):
        onset = dt.datetime(2024, 12, day, 10, tzinfo=dt.UTC)
        ToxicityEpisode.objects.create(
            episode_id=code,
            infusion_id="INF-002",
            syndrome="CRS",
            grading_scale="ASTCT2019",
            max_grade=2,
            onset_at=onset,
            onset_at_time_known=True,
        )
    call_command("demo", stdout=io.StringIO())
    orders = {o.episode_id: o for o in Order.objects.all()}
    assert {code: o.status for code, o in orders.items()} == {
        "EP-011": "ordered",
        "EP-010": "validated",
        "EP-001": "dispensed",
    }
    steps = list(Transition.objects.filter(order=orders["EP-001"]).values_list("status", flat=True))
    assert steps == ["ordered", "validated", "prepared", "dispensed"]


def test_the_latest_episode_of_a_bispecific_course_is_ordered_too(registry):
    """The queue shows a bispecific course's order beside the CAR-T ones (the demo's dataset holds courses):
    the latest episode of each therapy class first, then the latest; three later CAR-T episodes took every
    order."""
    Infusion.objects.create(
        infusion_id="BSAB-001",
        patient_id="P-001",
        therapy="teclistamab",
        setting="standard_of_care",
        indication="multiple_myeloma",
        infusion_date=dt.date(2023, 1, 2),
        weight_kg=70.0,
    )
    for code, infusion, day in (
        ("EP-B01", "BSAB-001", dt.date(2023, 1, 3)),  # older than every CAR-T episode
        ("EP-010", "INF-002", dt.date(2024, 12, 1)),
        ("EP-011", "INF-002", dt.date(2024, 12, 2)),
    ):
        ToxicityEpisode.objects.create(
            episode_id=code,
            infusion_id=infusion,
            syndrome="CRS",
            grading_scale="ASTCT2019",
            max_grade=2,
            onset_at=dt.datetime.combine(day, dt.time(10), tzinfo=dt.UTC),
            onset_at_time_known=True,
        )
    call_command("demo", stdout=io.StringIO())
    orders = {o.episode_id: (o.status, o.dose_mg) for o in Order.objects.all()}
    assert orders == {
        "EP-011": ("ordered", 642.4),
        "EP-B01": ("validated", 560.0),  # teclistamab at 70 kg: 8 mg/kg, as any tocilizumab order
        "EP-010": ("dispensed", 642.4),
    }
