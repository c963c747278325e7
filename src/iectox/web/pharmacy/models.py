"""The pharmacy's records: orders, each move of an order from one step to the next, and the tocilizumab stock.

Every model keeps an audit trail (django-simple-history: who, when, old and new values) and says how its rows
reach a patient's centre (`centre_path`, read by `iectox.web.accounts.access.visible`). An order and a stock
line carry a `version`, raised at each change: a move or a count made on an older version is refused
(`ordering.Stale`), so two pharmacists cannot both validate the same order or overwrite each other's count.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from iectox.management.vials import VialCombination
from iectox.schema.vocabularies import REASON
from iectox.web.accounts.models import Centre
from iectox.web.pharmacy.workflow import LABELS, ORDERED, STATUSES
from iectox.web.registry.fields import WallClockField
from iectox.web.registry.models import Administration, Infusion, ToxicityEpisode

DRUGS = ("tocilizumab", "dexamethasone", "methylprednisolone")
CODE_LENGTH = 64


class Order(models.Model):
    """A dose ordered for an infusion (and the episode it treats): what the library computed when it was
    ordered (weight, mg/kg, dose, vials) is kept as it was, whatever the registry says later."""

    centre_path: ClassVar[str] = "infusion__patient__centre"

    infusion = models.ForeignKey(
        Infusion, to_field="infusion_id", on_delete=models.PROTECT, related_name="pharmacy_orders"
    )
    episode = models.ForeignKey(
        ToxicityEpisode,
        to_field="episode_id",
        on_delete=models.PROTECT,
        related_name="pharmacy_orders",
        null=True,
        blank=True,
    )
    drug = models.CharField(max_length=32, choices=[(drug, drug) for drug in DRUGS])
    regimen = models.CharField(max_length=32)  # `prescribing.REGIMENS`
    reason = models.CharField(max_length=16, choices=[(term.code, term.label) for term in REASON.terms])
    weight_kg = models.FloatField(null=True, blank=True)  # the weight the dose was computed from
    weight_from = models.CharField(
        max_length=CODE_LENGTH, blank=True
    )  # the infusion that weight is recorded on
    mg_per_kg = models.FloatField(null=True, blank=True)
    dose_mg = models.FloatField()
    every_h = models.FloatField(null=True, blank=True)
    vials = models.JSONField(default=dict, blank=True)  # tocilizumab: {"400": 1, "80": 2}, largest first
    status = models.CharField(max_length=16, choices=[(s, LABELS[s]) for s in STATUSES], default=ORDERED)
    version = models.PositiveIntegerField(default=1)
    ordered_at = models.DateTimeField(default=timezone.now)
    ordered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    administration = models.OneToOneField(
        Administration,
        to_field="administration_id",
        on_delete=models.SET_NULL,
        related_name="pharmacy_order",
        null=True,
        blank=True,
    )
    administered_at = WallClockField(null=True, blank=True)  # the ward's time the dose was given
    administered_at_time_known = models.BooleanField(null=True, blank=True)
    history = HistoricalRecords(table_name="pharmacy_order_history")

    class Meta:
        db_table = "pharmacy_order"
        ordering = ("ordered_at", "pk")
        indexes = (models.Index(fields=["status", "ordered_at"]),)

    @property
    def code(self) -> str:
        """The order's number as pages and URLs show it."""
        return str(self.pk)

    def vial_counts(self) -> list[tuple[int, int]]:
        """(vial mg, count) of the vials of one dose, largest first, without sizes not used."""
        counts = ((int(size), int(count)) for size, count in self.vials.items() if count)
        return sorted(counts, reverse=True)  # a JSON object keeps no order on PostgreSQL

    def combination(self) -> VialCombination | None:
        """The vials of one dose as the library's `VialCombination` (its wording, its waste); None without."""
        counts = self.vial_counts()
        if not counts:
            return None
        return VialCombination(self.dose_mg, tuple(s for s, _ in counts), tuple(n for _, n in counts))

    def __str__(self) -> str:
        return f"order {self.pk}"


class Transition(models.Model):
    """One move of an order: from which step to which, by whom, when (an instant)."""

    centre_path: ClassVar[str] = "order__infusion__patient__centre"

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="transitions")
    previous = models.CharField(max_length=16, blank=True)  # "" for the order's creation
    status = models.CharField(max_length=16, choices=[(s, LABELS[s]) for s in STATUSES])
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords(table_name="pharmacy_transition_history")

    class Meta:
        db_table = "pharmacy_transition"
        ordering = ("at", "pk")


class Stock(models.Model):
    """How many tocilizumab vials of one size a centre holds, as last counted."""

    centre_path: ClassVar[str] = "centre__code"

    centre = models.ForeignKey(
        Centre, to_field="code", on_delete=models.PROTECT, related_name="tocilizumab_stock"
    )
    vial_mg = models.PositiveIntegerField()
    vials = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    counted_at = models.DateTimeField(default=timezone.now)
    counted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    history = HistoricalRecords(table_name="pharmacy_stock_history")

    class Meta:
        db_table = "pharmacy_stock"
        ordering = ("centre", "-vial_mg")
        constraints = (models.UniqueConstraint(fields=["centre", "vial_mg"], name="one_count_per_vial_size"),)
