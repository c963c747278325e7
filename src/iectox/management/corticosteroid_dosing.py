"""The corticosteroid dose of one regimen of the pathway in force, in one place.

The pathway's `[corticosteroids]` section holds the regimens (docs/sources.md, "Corticosteroids and other
agents", after ASCO 2021 and NCCN): dexamethasone 10 mg every 6 to 24 h, methylprednisolone 1-2 mg/kg every
12 h, methylprednisolone 1 g a day. A pharmacy order, the bedside advice and any other caller ask this module
for the milligrams of a regimen rather than reading the settings and multiplying by a weight themselves.

- `dexamethasone`: `dexamethasone_mg`, every `dexamethasone_interval_h`'s shortest interval;
- `methylprednisolone_mg_kg`: mg/kg (the low end of `methylprednisolone_mg_kg`, or a value chosen within it)
  times the weight, to 0.1 mg, every `methylprednisolone_interval_h`;
- `methylprednisolone_pulse`: `methylprednisolone_pulse_mg`, every 24 h ("a day");
- `dexamethasone_high`: `dexamethasone_high_mg` (20 mg) every `dexamethasone_high_interval_h` (6 h);
- `methylprednisolone_taper`: the first step of `methylprednisolone_taper_mg` (500 mg) every
  `methylprednisolone_taper_interval_h` (12 h), before the 250/125/60 mg steps (ASCO 2021, grade 4 CRS).

With a weight, the fixed doses become a child's per-kg dose when that is smaller (`dexamethasone_mg_kg_child`
times the weight, at most `dexamethasone_mg`; `methylprednisolone_pulse_mg_kg_child` times the weight, at
most `methylprednisolone_pulse_mg`): an adult's dose is unchanged, a 10 kg child gets 5 mg of dexamethasone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from iectox.i18n import N_
from iectox.management.pathway import Pathway

DEXAMETHASONE = "dexamethasone"
METHYLPREDNISOLONE_MG_KG = "methylprednisolone_mg_kg"
METHYLPREDNISOLONE_PULSE = "methylprednisolone_pulse"
DEXAMETHASONE_HIGH = "dexamethasone_high"
METHYLPREDNISOLONE_TAPER = "methylprednisolone_taper"
DAY_H = 24.0  # "1 g a day": one dose every 24 hours
MG_DECIMALS = 1  # a weight-based dose is written to 0.1 mg, as the bedside advice shows it


@dataclass(frozen=True)
class Regimen:
    """A corticosteroid regimen of the pathway: its drug, its name for people and the settings it reads."""

    id: str
    drug: str
    label: str  # English, marked N_
    settings: tuple[str, ...]
    child_setting: str | None = None  # the per-kg dose of a child, read when it is smaller than the adult's


REGIMENS: dict[str, Regimen] = {
    regimen.id: regimen
    for regimen in (
        Regimen(
            DEXAMETHASONE,
            "dexamethasone",
            N_("Dexamethasone, fixed dose"),
            ("corticosteroids.dexamethasone_mg", "corticosteroids.dexamethasone_interval_h"),
            "corticosteroids.dexamethasone_mg_kg_child",
        ),
        Regimen(
            METHYLPREDNISOLONE_MG_KG,
            "methylprednisolone",
            N_("Methylprednisolone per kg"),
            ("corticosteroids.methylprednisolone_mg_kg", "corticosteroids.methylprednisolone_interval_h"),
        ),
        Regimen(
            METHYLPREDNISOLONE_PULSE,
            "methylprednisolone",
            N_("Methylprednisolone, high dose a day"),
            ("corticosteroids.methylprednisolone_pulse_mg",),
            "corticosteroids.methylprednisolone_pulse_mg_kg_child",
        ),
        Regimen(
            DEXAMETHASONE_HIGH,
            "dexamethasone",
            N_("Dexamethasone, high fixed dose"),
            ("corticosteroids.dexamethasone_high_mg", "corticosteroids.dexamethasone_high_interval_h"),
        ),
        Regimen(
            METHYLPREDNISOLONE_TAPER,
            "methylprednisolone",
            N_("Methylprednisolone twice a day, then taper"),
            (
                "corticosteroids.methylprednisolone_taper_mg",
                "corticosteroids.methylprednisolone_taper_interval_h",
            ),
        ),
    )
}


@dataclass(frozen=True)
class CorticosteroidDose:
    """One dose of a regimen: milligrams (None when a per-kg regimen has no weight), interval, and the
    mg/kg it came from for a weight-based regimen."""

    regimen: str
    drug: str
    dose_mg: float | None
    every_h: float
    mg_per_kg: float | None = None

    def sources(self, pathway: Pathway) -> tuple[str, ...]:
        """Where the numbers come from: the source of each pathway setting the regimen reads, each once."""
        regimen = REGIMENS[self.regimen]
        keys = list(regimen.settings)
        if regimen.child_setting and self.mg_per_kg is not None:
            keys.append(regimen.child_setting)
        return tuple(dict.fromkeys(pathway.setting(key).source for key in keys))


def _child_or_adult(
    regimen: str, drug: str, adult_mg: float, every_h: float, per_kg: float, weight_kg: float | None
) -> CorticosteroidDose:
    """The adult dose, or a child's per-kg dose when the weight makes it smaller (to 0.1 mg)."""
    if weight_kg is not None and per_kg * weight_kg < adult_mg:
        return CorticosteroidDose(
            regimen, drug, round(per_kg * weight_kg, MG_DECIMALS), every_h, float(per_kg)
        )
    return CorticosteroidDose(regimen, drug, adult_mg, every_h)


def corticosteroid_dose(
    regimen: str, pathway: Pathway, weight_kg: float | None = None, mg_per_kg: float | None = None
) -> CorticosteroidDose:
    """The dose of `regimen` (a key of `REGIMENS`) under `pathway`.

    A per-kg regimen takes `mg_per_kg` within the pathway's range (its low end when not given) times the
    weight, to 0.1 mg; without a weight its dose is None (the caller says so, it never guesses). An unknown
    regimen, a weight that is not a positive number, or mg/kg outside the pathway's range raise ValueError.
    """
    if regimen not in REGIMENS:
        raise ValueError(f"no corticosteroid regimen {regimen!r}; one of {', '.join(REGIMENS)}")
    if weight_kg is not None and not (math.isfinite(weight_kg) and weight_kg > 0):
        raise ValueError(f"a body weight must be a positive number of kg, got {weight_kg!r}")
    steroids = pathway.corticosteroids
    drug = REGIMENS[regimen].drug
    if regimen == DEXAMETHASONE:
        every = float(steroids.dexamethasone_interval_h.value[0])
        adult = float(steroids.dexamethasone_mg.value)
        return _child_or_adult(
            regimen, drug, adult, every, steroids.dexamethasone_mg_kg_child.value, weight_kg
        )
    if regimen == METHYLPREDNISOLONE_PULSE:
        adult = float(steroids.methylprednisolone_pulse_mg.value)
        per_kg_child = steroids.methylprednisolone_pulse_mg_kg_child.value
        return _child_or_adult(regimen, drug, adult, DAY_H, per_kg_child, weight_kg)
    if regimen == DEXAMETHASONE_HIGH:
        every = float(steroids.dexamethasone_high_interval_h.value)
        return CorticosteroidDose(regimen, drug, float(steroids.dexamethasone_high_mg.value), every)
    if regimen == METHYLPREDNISOLONE_TAPER:
        every = float(steroids.methylprednisolone_taper_interval_h.value)
        return CorticosteroidDose(regimen, drug, float(steroids.methylprednisolone_taper_mg.value[0]), every)
    low, high = (float(v) for v in steroids.methylprednisolone_mg_kg.value)
    per_kg = low if mg_per_kg is None else float(mg_per_kg)
    if not low <= per_kg <= high:
        raise ValueError(
            f"methylprednisolone {per_kg:g} mg/kg is outside the pathway's {low:g}-{high:g} mg/kg"
        )
    dose = None if weight_kg is None else round(per_kg * weight_kg, MG_DECIMALS)
    every = float(steroids.methylprednisolone_interval_h.value)
    return CorticosteroidDose(regimen, drug, dose, every, per_kg)


__all__ = [
    "DEXAMETHASONE",
    "DEXAMETHASONE_HIGH",
    "METHYLPREDNISOLONE_MG_KG",
    "METHYLPREDNISOLONE_PULSE",
    "METHYLPREDNISOLONE_TAPER",
    "REGIMENS",
    "CorticosteroidDose",
    "Regimen",
    "corticosteroid_dose",
]
