"""Anakinra and siltuximab doses against the pathway's regimens (docs/sources.md, "Corticosteroids and other
agents": "anakinra off label, regimens vary (e.g. 100 mg q6h; ...; children 2 mg/kg q6h IV, maximum 100 mg a
dose): a setting, weight-based in children; siltuximab 11 mg/kg IV").

Every dose is a pathway setting (`[anticytokines]`). A child's anakinra dose is the per-kg dose times the
weight, at most the adult dose, so it differs from the adult's only below 50 kg and needs no age: a dose is
the pathway's when it is within `dose_tolerance` of the adult dose or, with a weight, of the per-kg dose.
Anakinra is off label and its regimens vary, so another dose is information; siltuximab has one label dose
per kg, so another dose is a warning. Without a weight a per-kg dose cannot be checked (information).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from iectox.i18n import N_
from iectox.management.evidence import DOSE, Evidence, Verdicts, emit
from iectox.management.findings import INFO, WARNING
from iectox.rules import Rule

ANTICYTOKINES = ("anakinra", "siltuximab")
EPSILON = 1e-9


def anticytokine_doses(administrations: pd.DataFrame, infusions: pd.DataFrame) -> pd.DataFrame:
    """Every anakinra and siltuximab dose with the weight of its infusion (episode not placed: `episode_id`
    blank, the dose is located by its administration)."""
    doses = administrations[administrations["drug"].isin(ANTICYTOKINES)].copy()
    weights = infusions.set_index("infusion_id")["weight_kg"]
    doses["weight_kg"] = doses["infusion_id"].map(weights).astype("float64")
    doses["episode_id"] = pd.Series(pd.NA, index=doses.index, dtype="string")
    return doses.reset_index(drop=True)


def _within(dose: pd.Series, target: pd.Series | float, tolerance: float) -> pd.Series:
    return ((dose - target).abs() <= tolerance * target * (1 + EPSILON)).fillna(False).astype(bool)


ANAKINRA_TEXT = N_(
    "Anakinra {dose} mg: not the pathway's dose ({adult} mg, or {per_kg} mg/kg for a child: {child} mg at "
    "{weight} kg)."
)
ANAKINRA_NO_WEIGHT_TEXT = N_(
    "Anakinra {dose} mg: not the pathway's adult dose ({adult} mg); without a body weight a child's "
    "{per_kg} mg/kg cannot be checked."
)


def _doses_of(evidence: Evidence, drug: str) -> pd.DataFrame | None:
    """The anti-cytokine doses of `drug` (None when the audit had none to give)."""
    doses = evidence.anticytokines
    return None if doses is None else doses[doses["drug"].eq(drug).fillna(False)]


def anakinra_dose(evidence: Evidence) -> Verdicts:
    """An anakinra dose is the adult dose or, with a weight, the per-kg dose capped at the adult dose."""
    settings = evidence.pathway.anticytokines
    doses = _doses_of(evidence, "anakinra")
    if doses is None:
        return Verdicts()
    adult, per_kg = float(settings.anakinra_mg.value), float(settings.anakinra_mg_kg_child.value)
    tolerance = settings.dose_tolerance.value
    dose, weight = doses["dose_mg"].astype("float64"), doses["weight_kg"]
    child = pd.Series(np.fmin(per_kg * weight.to_numpy(dtype="float64"), adult), index=doses.index)
    usual = _within(dose, adult, tolerance) | _within(dose, child, tolerance)
    wrong = dose.notna() & ~usual
    common = {"at": DOSE, "dose": dose, "adult": adult, "per_kg": per_kg}
    return Verdicts(
        [
            *emit(
                doses,
                wrong & weight.notna(),
                INFO,
                ANAKINRA_TEXT,
                child=child.round(1),
                weight=weight,
                **common,
            ),
            *emit(doses, wrong & weight.isna(), INFO, ANAKINRA_NO_WEIGHT_TEXT, **common),
        ]
    )


SILTUXIMAB_TEXT = N_(
    "Siltuximab {dose} mg is {per_kg} mg/kg at {weight} kg; the pathway gives {target} mg/kg."
)
SILTUXIMAB_NO_WEIGHT_TEXT = N_(
    "Body weight not recorded: the siltuximab {dose} mg dose ({target} mg/kg) is not checked."
)


def siltuximab_dose(evidence: Evidence) -> Verdicts:
    """A siltuximab dose is the pathway's mg/kg times the weight, within the tolerance."""
    settings = evidence.pathway.anticytokines
    doses = _doses_of(evidence, "siltuximab")
    if doses is None:
        return Verdicts()
    target = float(settings.siltuximab_mg_kg.value)
    dose, weight = doses["dose_mg"].astype("float64"), doses["weight_kg"]
    wrong = dose.notna() & weight.notna() & ~_within(dose, target * weight, settings.dose_tolerance.value)
    common = {"at": DOSE, "dose": dose, "target": target}
    return Verdicts(
        [
            *emit(
                doses,
                wrong,
                WARNING,
                SILTUXIMAB_TEXT,
                per_kg=(dose / weight).round(1),
                weight=weight,
                **common,
            ),
            *emit(doses, dose.notna() & weight.isna(), INFO, SILTUXIMAB_NO_WEIGHT_TEXT, **common),
        ]
    )


ANAKINRA_DOSE = Rule(
    id="anticytokines.anakinra_dose",
    severity="info",
    source=N_(
        "docs/sources.md, Corticosteroids and other agents: anakinra off label, regimens vary; weight-based "
        "in children (2 mg/kg, maximum 100 mg a dose)"
    ),
    message=ANAKINRA_TEXT,
    columns=("administrations.dose_mg", "infusions.weight_kg"),
    settings=(
        "anticytokines.anakinra_mg",
        "anticytokines.anakinra_mg_kg_child",
        "anticytokines.anakinra_interval_h",
        "anticytokines.dose_tolerance",
    ),
    evaluate=anakinra_dose,
)
SILTUXIMAB_DOSE = Rule(
    id="anticytokines.siltuximab_dose",
    severity="warning",
    source=N_("docs/sources.md, Corticosteroids and other agents: siltuximab 11 mg/kg IV"),
    message=SILTUXIMAB_TEXT,
    columns=("administrations.dose_mg", "infusions.weight_kg"),
    settings=("anticytokines.siltuximab_mg_kg", "anticytokines.dose_tolerance"),
    evaluate=siltuximab_dose,
)
ANTICYTOKINE_RULES = (ANAKINRA_DOSE, SILTUXIMAB_DOSE)

__all__ = [
    "ANAKINRA_DOSE",
    "ANTICYTOKINES",
    "ANTICYTOKINE_RULES",
    "SILTUXIMAB_DOSE",
    "anakinra_dose",
    "anticytokine_doses",
    "siltuximab_dose",
]
