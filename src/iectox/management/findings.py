"""One finding of the audit: how serious, which rule, its source, where, and a sentence a pharmacist can act on.

Severities: `deviation` (the label or the pathway was not followed), `warning` (the record contradicts
itself or needs a look), `info` (a rule could not be checked, or something allowed but worth knowing).
The sentence is kept as an English template with its values, so that it can be printed in any language
with that language's numbers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

import pandas as pd

from iectox.i18n import number
from iectox.management.pathway import Pathway
from iectox.management.words import tr

DEVIATION, WARNING, INFO = "deviation", "warning", "info"
SEVERITIES = (DEVIATION, WARNING, INFO)

LABEL_DOSE_SOURCE = (
    "Tocilizumab labels (RoActemra SmPC 4.2, Actemra USPI), CRS: 8 mg/kg from 30 kg, 12 mg/kg below 30 kg, "
    "at most 800 mg per dose (iectox.management.dosing)"
)
DATA_SOURCE = "dataset contract (docs/data_dictionary.md)"

# Each rule id and the pathway settings (or fixed source) it rests on: a finding cites these.
RULES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "tocilizumab.dose": ("tocilizumab.dose_tolerance",),
        "tocilizumab.max_dose": (),
        "tocilizumab.interval": ("tocilizumab.min_interval_h",),
        "tocilizumab.doses_in_window": ("tocilizumab.max_doses_in_window", "tocilizumab.window_h"),
        "tocilizumab.doses_per_episode": ("tocilizumab.max_doses_per_episode",),
        "tocilizumab.icans_without_crs": ("icans.corticosteroid_from_grade",),
        "tocilizumab.no_crs_episode": (),
        "crs.onset_to_tocilizumab": ("kpis.crs_onset_to_tocilizumab_target_h",),
        "crs.tocilizumab": ("crs.tocilizumab_from_grade", "crs.tocilizumab_within_h"),
        "crs.grade1_persistent_tocilizumab": (
            "crs.grade1_persistent_h",
            "crs.grade1_persistent_high_risk_h",
            "crs.high_risk_products",
            "crs.grade1_tocilizumab_within_h",
        ),
        "crs.corticosteroids": ("crs.corticosteroid_from_grade",),
        "icans.corticosteroids": ("icans.corticosteroid_from_grade", "icans.corticosteroid_within_h"),
        "icans.without_crs": ("icans.corticosteroid_from_grade",),
        "corticosteroids.regimen": (
            "corticosteroids.dexamethasone_mg",
            "corticosteroids.dexamethasone_interval_h",
            "corticosteroids.methylprednisolone_mg_kg",
            "corticosteroids.methylprednisolone_interval_h",
            "corticosteroids.methylprednisolone_pulse_mg",
        ),
        "episode.grade_scale": ("grading.scale",),
        "episode.grade_observed": ("grading.scale",),
    }
)
FIXED_SOURCES = {
    "tocilizumab.dose": LABEL_DOSE_SOURCE,
    "tocilizumab.max_dose": LABEL_DOSE_SOURCE,
    "tocilizumab.no_crs_episode": DATA_SOURCE,
    "tocilizumab.icans_without_crs": "clinical_rules.md, Management pathway: ICANS without CRS -> "
    "corticosteroids; tocilizumab only if CRS is also present",
    "icans.without_crs": "clinical_rules.md, Management pathway: ICANS without CRS -> corticosteroids; "
    "tocilizumab only if CRS is also present",
}


@dataclass(frozen=True)
class Delay:
    """A delay as it may be stated: exact hours, or calendar days when an hour was not recorded."""

    hours: float | None = None
    days: float | None = None

    def show(self, lang: str) -> str:
        if not _missing(self.hours):
            return f"{number(float(self.hours), 1, lang)} h"
        if not _missing(self.days):
            return tr("{days} calendar day(s)", lang).format(days=int(self.days))
        return "-"


@dataclass(frozen=True)
class Finding:
    """One verdict: `text` is an English template filled from `values` (see `sentence`)."""

    severity: str
    rule: str
    text: str
    values: Mapping[str, Any] = field(default_factory=dict)
    infusion_id: str | None = None
    episode_id: str | None = None
    administration_id: str | None = None
    source: str = ""

    def sentence(self, lang: str = "en") -> str:
        return tr(self.text, lang).format(**{k: _show(v, lang) for k, v in self.values.items()})

    def at(self, **where: Any) -> Finding:
        """The same finding, located: infusion_id, episode_id, administration_id (blank values stay None)."""
        return replace(self, **{k: (None if _missing(v) else str(v)) for k, v in where.items()})


def _missing(value: Any) -> bool:
    return (
        value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))
    )


def _show(value: Any, lang: str) -> str:
    if _missing(value):
        return "-"
    if isinstance(value, Delay):
        return value.show(lang)
    if isinstance(value, pd.Timestamp):
        return (
            value.strftime("%Y-%m-%d %H:%M") if (value.hour or value.minute) else value.strftime("%Y-%m-%d")
        )
    if isinstance(value, float):
        return number(value, 0 if value == int(value) else 1, lang)
    return tr(str(value), lang)


def finding(severity: str, rule: str, text: str, **values: Any) -> Finding:
    """A finding of a known rule (a misspelt rule id fails here, not in a report)."""
    if rule not in RULES:
        raise KeyError(f"unknown rule {rule!r}")
    return Finding(severity, rule, text, MappingProxyType(values))


def cite(rule: str, pathway: Pathway) -> str:
    """The source of a rule: its fixed source (label) and the sources of the settings it uses."""
    parts = [FIXED_SOURCES[rule]] if rule in FIXED_SOURCES else []
    parts += [pathway.setting(k).source for k in RULES[rule]]
    return "; ".join(dict.fromkeys(parts))


def findings_frame(
    findings: list[Finding], lang: str = "en", cohorts: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """The findings as a table, most serious first, with the sentence in `lang`."""
    order = {s: i for i, s in enumerate(SEVERITIES)}
    rows = [
        {
            "severity": f.severity,
            "rule": f.rule,
            "infusion_id": f.infusion_id,
            "cohort": (cohorts or {}).get(f.infusion_id or "", None),
            "episode_id": f.episode_id,
            "administration_id": f.administration_id,
            "finding": f.sentence(lang),
            "source": f.source,
        }
        for f in sorted(
            findings, key=lambda f: (order[f.severity], f.rule, f.infusion_id or "", f.episode_id or "")
        )
    ]
    columns = [
        "severity",
        "rule",
        "infusion_id",
        "cohort",
        "episode_id",
        "administration_id",
        "finding",
        "source",
    ]
    return pd.DataFrame(rows, columns=columns).astype("string")


__all__ = [
    "DEVIATION",
    "INFO",
    "RULES",
    "SEVERITIES",
    "WARNING",
    "Delay",
    "Finding",
    "cite",
    "finding",
    "findings_frame",
]
