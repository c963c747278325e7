"""What an order would give: the dose of each regimen at the patient's latest weight, computed by the library.

Tocilizumab: the label dose (`iectox.management.dosing`) in the least-waste vials of the sizes stocked
(`iectox.management.vials.choose_vials`). Corticosteroids: the regimens of the pathway in force
(`iectox.management.corticosteroid_dosing`). Nothing here multiplies a weight by anything.

The weight: the one recorded on the order's infusion ("body weight before infusion"); when that infusion has
none, the patient's most recent weight recorded on another infusion dated no later than today. Which infusion
the weight came from is kept on the order and shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from iectox.i18n import N_
from iectox.management.corticosteroid_dosing import REGIMENS as CORTICOSTEROID_REGIMENS
from iectox.management.corticosteroid_dosing import corticosteroid_dose
from iectox.management.dosing import tocilizumab_dose_mg, tocilizumab_mg_per_kg
from iectox.management.pathway import Pathway
from iectox.management.vials import VialCombination, VialSettings, choose_vials
from iectox.web.registry.models import Infusion

TOCILIZUMAB = "tocilizumab"
# Every regimen an order may name: the tocilizumab label dose, then the pathway's corticosteroid regimens.
REGIMENS: dict[str, tuple[str, str]] = {
    TOCILIZUMAB: (TOCILIZUMAB, N_("Tocilizumab, label dose")),
    **{key: (regimen.drug, regimen.label) for key, regimen in CORTICOSTEROID_REGIMENS.items()},
}
NO_WEIGHT = N_("No body weight is recorded for this patient: a dose per kg cannot be computed.")


@dataclass(frozen=True)
class Weight:
    kg: float
    infusion_id: str  # the infusion whose record holds it


@dataclass(frozen=True)
class Prescription:
    """One regimen's dose for one patient: what an order of it keeps."""

    regimen: str
    drug: str
    dose_mg: float
    mg_per_kg: float | None
    every_h: float | None
    vials: VialCombination | None
    weight: Weight | None
    mg_per_ml: float | None = None

    @property
    def volume_ml(self) -> float | None:
        return None if self.mg_per_ml is None else round(self.dose_mg / self.mg_per_ml, 2)

    def vial_counts(self) -> dict[str, int]:
        """The vials of one dose as an order keeps them: {"400": 1, "80": 2} (sizes used only)."""
        if self.vials is None:
            return {}
        pairs = zip(self.vials.sizes_mg, self.vials.counts, strict=True)
        return {str(size): count for size, count in pairs if count}


class NoWeight(ValueError):
    """A dose per kg was asked for a patient without a recorded weight."""


def latest_weight(infusion: Infusion, today: dt.date | None = None) -> Weight | None:
    """The weight of the infusion, else the patient's latest recorded on an infusion dated up to `today`."""
    if infusion.weight_kg is not None:
        return Weight(float(infusion.weight_kg), infusion.infusion_id)
    today = today or timezone.localdate()
    others = Infusion.objects.filter(patient_id=infusion.patient_id, weight_kg__isnull=False)
    latest = others.filter(infusion_date__lte=today).order_by("-infusion_date", "-pk").first()
    return None if latest is None else Weight(float(latest.weight_kg), latest.infusion_id)


def prescribe(regimen: str, weight: Weight | None, pathway: Pathway, vials: VialSettings) -> Prescription:
    """The dose of `regimen` at `weight`; `NoWeight` when the regimen needs a weight and there is none."""
    if regimen not in REGIMENS:
        raise ValueError(f"no regimen {regimen!r}; one of {', '.join(REGIMENS)}")
    if regimen == TOCILIZUMAB:
        if weight is None:
            raise NoWeight(NO_WEIGHT)
        dose = tocilizumab_dose_mg(weight.kg)
        chosen = choose_vials(dose, vials.vials_mg)
        per_kg = tocilizumab_mg_per_kg(weight.kg)
        return Prescription(regimen, TOCILIZUMAB, dose, per_kg, None, chosen, weight, vials.mg_per_ml)
    steroid = corticosteroid_dose(regimen, pathway, None if weight is None else weight.kg)
    if steroid.dose_mg is None:
        raise NoWeight(NO_WEIGHT)
    used = weight if steroid.mg_per_kg is not None else None
    return Prescription(
        regimen, steroid.drug, steroid.dose_mg, steroid.mg_per_kg, steroid.every_h, None, used
    )


def choices(
    weight: Weight | None, pathway: Pathway, vials: VialSettings
) -> list[tuple[str, Prescription | None]]:
    """Each regimen with its dose for this patient (None when it needs a weight that is not recorded)."""
    found: list[tuple[str, Prescription | None]] = []
    for regimen in REGIMENS:
        try:
            found.append((regimen, prescribe(regimen, weight, pathway, vials)))
        except NoWeight:
            found.append((regimen, None))
    return found
