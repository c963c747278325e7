"""The current ASTCT grades of one infusion and what the pathway in force says next, in the reader's language.

The rows are that infusion's only (itself, its patient, its observations, its doses). The library does everything:
`iectox.management.bedside.infusion_bedside` grades the observations (ASTCT 2019) and takes the weight, the
product and the doses given; `iectox.management.advice.advise` applies the pathway's rules; the sentences are
`iectox.render.advice`'s (`headline`, `reason_text`, `reason_sources`), the grades' reasons `iectox.grading`'s.
"""

from __future__ import annotations

from dataclasses import dataclass

from iectox.dataset import Dataset
from iectox.i18n import tr
from iectox.management.advice import advise
from iectox.management.advice_items import stamp
from iectox.management.bedside import Untimed, infusion_bedside
from iectox.management.pathway import Pathway
from iectox.render.advice import NOTHING, headline, reason_sources, reason_text
from iectox.web.registry.models import Administration, Infusion, Observation, Patient
from iectox.web.registry.records import numbered_values, record_values, rows_dataset


@dataclass(frozen=True)
class Why:
    text: str
    sources: list[str]


@dataclass(frozen=True)
class Step:
    """One thing the pathway says: its headline ("Grade 2 CRS: tocilizumab 8 mg/kg = 560 mg ...") and why."""

    headline: str
    action: str
    reasons: list[Why]


@dataclass(frozen=True)
class Advised:
    at: str
    pathway: str
    grades: list[tuple[str, int | None, str]]  # (syndrome, ASTCT grade or None when not graded, its reason)
    steps: list[Step]
    nothing: str  # said when no step applies


def infusion_rows(infusion: Infusion) -> tuple[Dataset, list[int]]:
    """The infusion (as the page read it), its patient (whose developmental delay decides whether CAPD
    replaces ICE up to 21 years), its observations and its doses, as a dataset (the other tables empty); and
    the observations' numbers, in their order."""
    code = infusion.infusion_id
    observations, numbers = numbered_values(Observation.objects.filter(infusion_id=code))
    dataset = rows_dataset(
        {
            "patients": Patient.objects.filter(patient_id=infusion.patient_id),
            "administrations": Administration.objects.filter(infusion_id=code),
        },
        {"infusions": record_values(infusion), "observations": observations},
    )
    return dataset, numbers


def advised(dataset: Dataset, code: str, pathway: Pathway, lang: str) -> Advised | None:
    """The grades and the pathway's advice for the infusion `code` at its latest observation or dose; None when
    nothing about it has a time yet."""
    try:
        bedside = infusion_bedside(dataset, code, lang=lang)
    except Untimed:
        return None
    result = advise(bedside, pathway)
    return Advised(
        at=stamp(bedside.at),
        pathway=tr(pathway.name, lang),
        grades=[
            ("CRS", bedside.crs.grade, bedside.crs.reason),
            ("ICANS", bedside.icans.grade, bedside.icans.reason),
        ],
        steps=[
            Step(
                headline(item, bedside.at, lang),
                item.action,
                [Why(reason_text(r, lang), reason_sources(r, lang)) for r in item.reasons],
            )
            for item in result.items
        ],
        nothing=tr(NOTHING, lang),
    )
