"""What the pathway says next for one patient: the audit's rules turned forward, at the bedside.

    bedside = Bedside(at, crs=Syndrome(2, reached={2: at}), weight_kg=70)    # or bedside_from_observations(...)
    result = advise(bedside, load_pathway("our_pathway.toml"))
    result.items[0]   # Advice(action="give", drug="tocilizumab", dose_mg=560.0, vials=1 x 400 mg + 2 x 80 mg,
                      #        due_by=at + 2 h, reasons=(Reason("Grade 2 CRS: the pathway gives ...", ...), ...))
    advice_text(result, "fr")                                  # iectox.render.advice: the sentences

The audit judges afterwards whether each dose followed the label and the pathway (`crs_rules`, `icans_rules`,
`tocilizumab`); the rules of `BEDSIDE` say beforehand what would follow them, from the same settings: the
grade thresholds, targets and regimens of the pathway in force, the label dose (`dosing`), the vials
(`vials.choose_vials`) and the tocilizumab limits. Each is a `Rule` whose source is that of the audit rule
it anticipates, and each reason names the rule it applies, so that following the advice gives no finding of
that audit rule (tests/test_advice.py checks it with the audit itself).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from iectox.management.advice_corticosteroids import (
    CRS_CORTICOSTEROIDS_ADVICE,
    ICANS_CORTICOSTEROIDS_ADVICE,
    ICANS_WITHOUT_CRS_ADVICE,
)
from iectox.management.advice_items import Advice
from iectox.management.advice_tocilizumab import CRS_GRADE1_PERSISTENT_ADVICE, CRS_TOCILIZUMAB_ADVICE
from iectox.management.bedside import Bedside
from iectox.management.pathway import Pathway, default_pathway
from iectox.management.vials import VialSettings
from iectox.rules import Registry

BEDSIDE = Registry(
    "bedside advice",
    [
        CRS_TOCILIZUMAB_ADVICE,
        CRS_GRADE1_PERSISTENT_ADVICE,
        CRS_CORTICOSTEROIDS_ADVICE,
        ICANS_CORTICOSTEROIDS_ADVICE,
        ICANS_WITHOUT_CRS_ADVICE,
    ],
)


@dataclass(frozen=True)
class BedsideAdvice:
    """What the pathway says for one bedside: the advice in the order of `BEDSIDE`, and what it was read from."""

    bedside: Bedside
    pathway: Pathway
    items: tuple[Advice, ...]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: the bedside's grades and reasons, the pathway's name, every advice."""
        bedside = self.bedside
        return {
            "at": bedside.at.isoformat(timespec="minutes"),
            "pathway": self.pathway.name,
            "crs_grade": bedside.crs.grade,
            "crs_reason": bedside.crs.reason,
            "icans_grade": bedside.icans.grade,
            "icans_reason": bedside.icans.reason,
            "weight_kg": bedside.weight_kg,
            "advice": [item.as_dict() for item in self.items],
        }


def advise(
    bedside: Bedside,
    pathway: Pathway | None = None,
    vials: VialSettings | None = None,
    rules: Registry = BEDSIDE,
) -> BedsideAdvice:
    """What `pathway` (the default pathway when None) says for `bedside`, rule by rule of `rules`.

    `vials` are the vial sizes the pharmacy stocks (`VialSettings`; default: the marketed 400, 200, 80 mg).
    Nothing here is a threshold: every number comes from the pathway, the label (`dosing`) or the vials.
    """
    pathway = pathway or default_pathway()
    vials = vials or VialSettings()
    items = tuple(item for rule in rules.values() for item in rule.evaluate(bedside, pathway, vials))
    return BedsideAdvice(bedside, pathway, items)


__all__ = ["BEDSIDE", "BedsideAdvice", "advise"]
