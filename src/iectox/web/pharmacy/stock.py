"""The tocilizumab stock of a centre against the rule for its upcoming infusions.

The rule is the library's (`iectox.management.vials.plan_vials`): for each upcoming infusion (and each of the
last `crs_window_days`, 14 by default, whose patient is still in the CRS window), the label dose at
the patient's latest weight in least-waste vials, times the doses held on site per patient (`doses_on_site`,
or its product's own number when the pathway gives one: each infusion's therapy is passed to the plan; each
dose from its own vials, never shared between patients). What the pharmacy holds is what was last counted
(`models.Stock`); the shortfall of each vial size is what the rule needs beyond it, size by size.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from iectox.management.vials import VialPlan, VialSettings, plan_vials
from iectox.web.accounts.access import visible
from iectox.web.accounts.models import Centre
from iectox.web.pharmacy.models import Stock
from iectox.web.pharmacy.prescribing import Weight, latest_weight
from iectox.web.registry.models import Infusion


@dataclass(frozen=True)
class StockLine:
    """One vial size: held (as last counted), needed by the rule, and the line's version (None: never
    counted)."""

    vial_mg: int
    on_site: int
    needed: int
    version: int | None = None

    @property
    def shortfall(self) -> int:
        return max(0, self.needed - self.on_site)


@dataclass(frozen=True)
class StockCheck:
    centre: str
    settings: VialSettings
    lines: tuple[StockLine, ...]
    plan: VialPlan | None  # None when no upcoming infusion has a weight
    weights: Mapping[str, Weight]  # infusion -> the weight its dose was computed from
    without_weight: tuple[str, ...]  # upcoming infusions whose dose cannot be computed

    @property
    def shortfall(self) -> bool:
        return any(line.shortfall for line in self.lines)


class StaleCount(Exception):
    """A vial size was counted by someone else since the page was opened."""

    def __init__(self, vial_mg: int):
        super().__init__(f"the count of {vial_mg} mg vials changed")
        self.vial_mg = vial_mg


def upcoming(centre: str, user: Any, today: dt.date, window_days: float = 0) -> QuerySet[Infusion]:
    """The infusions of the centre's patients planned from `today` on, and those of the last `window_days`
    (still in their CRS window: their doses stay reserved), earliest first."""
    infusions = visible(Infusion.objects.all(), user).filter(patient__centre=centre)
    since = today - dt.timedelta(days=window_days)
    return infusions.filter(infusion_date__gte=since).order_by("infusion_date", "infusion_id")


def _plan(
    weights: Mapping[str, Weight], infusions: list[Infusion], settings: VialSettings
) -> VialPlan | None:
    planned = [i for i in infusions if i.infusion_id in weights]
    if not planned:
        return None
    frame = pd.DataFrame(
        {
            "patient_id": [i.patient_id for i in planned],
            "infusion_id": [i.infusion_id for i in planned],
            "weight_kg": [weights[i.infusion_id].kg for i in planned],
            "therapy": [i.therapy for i in planned],
            "planned_date": pd.to_datetime([i.infusion_date for i in planned]).astype("datetime64[ns]"),
        }
    )
    return plan_vials(frame, settings)


def check_stock(centre: str, user: Any, settings: VialSettings, today: dt.date | None = None) -> StockCheck:
    """What the centre holds against what the rule needs for its upcoming infusions, size by size."""
    today = today or timezone.localdate()
    infusions = list(upcoming(centre, user, today, settings.crs_window_days))
    found = {i.infusion_id: latest_weight(i, today) for i in infusions}
    weights = {code: weight for code, weight in found.items() if weight is not None}
    plan = _plan(weights, infusions, settings)
    needed: dict[int, int] = {}
    if plan is not None:
        needed = {int(s): int(n) for s, n in zip(plan.totals["vial_mg"], plan.totals["vials"], strict=True)}
    held = {row.vial_mg: row for row in Stock.objects.filter(centre_id=centre)}
    sizes = sorted({*settings.vials_mg, *held}, reverse=True)
    lines = tuple(
        StockLine(
            size,
            held[size].vials if size in held else 0,
            needed.get(size, 0),
            held[size].version if size in held else None,
        )
        for size in sizes
    )
    without = tuple(code for code, weight in found.items() if weight is None)
    return StockCheck(centre, settings, lines, plan, weights, without)


def _claimed(line: Stock, version: int) -> bool:
    """Whether the line was still at `version`, now raised by one (one statement: two counts cannot both pass)."""
    return bool(Stock.objects.filter(pk=line.pk, version=version).update(version=F("version") + 1))


def count(centre: Centre, counts: Mapping[int, tuple[int, int | None]], user: Any) -> None:
    """Save the vials counted per size ({vial mg: (vials, version seen)}, `None`: never counted before), each
    only if nobody counted it since; all sizes or none (`StaleCount`)."""
    now = timezone.now()
    with transaction.atomic():
        for size, (vials, version) in counts.items():
            line = Stock.objects.filter(centre=centre, vial_mg=size).first()
            if line is None and version is None:
                line = Stock(centre=centre, vial_mg=size)
            elif line is None or version is None or not _claimed(line, version):
                raise StaleCount(size)
            else:
                line = Stock.objects.get(pk=line.pk)
            line.vials, line.counted_at, line.counted_by = vials, now, user
            line._history_user = user
            try:
                with transaction.atomic():
                    line.save()
            except IntegrityError as error:  # counted for the first time by someone else meanwhile
                raise StaleCount(size) from error
