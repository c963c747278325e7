"""What one piece of bedside advice is: an action on a drug for a syndrome, the numbers it rests on, and its
reasons, each naming the rule it applies and that rule's sources.

Plain data, as every result of iectox: the web page and the command line lay it out, and
`iectox.render.advice` turns it into sentences in the user's language.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from iectox.management.pathway import Pathway
from iectox.management.vials import VialCombination
from iectox.message import Message
from iectox.rules import Rule

GIVE = "give"  # give now, by `due_by` when the pathway sets a target
REPEAT = "repeat"  # a further dose is allowed now, if the syndrome does not improve
WAIT = "wait"  # a further dose no sooner than `not_before`
NO_MORE = "no_more"  # no further dose: the label's total is reached
WATCH = "watch"  # nothing yet; the pathway gives the drug from `not_before` if the syndrome persists
CONTINUE = "continue"  # a regimen under way: its next dose from `not_before`
GIVEN = "given"  # the single dose the pathway asks for was given
AVOID = "avoid"  # the pathway says not to give this drug
ACTIONS = (GIVE, REPEAT, WAIT, NO_MORE, WATCH, CONTINUE, GIVEN, AVOID)
HOUR = timedelta(hours=1)


def stamp(at: datetime) -> str:
    """A time as the advice writes it in any language: 2024-01-10 14:30 (ISO 8601 order)."""
    return at.strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class Reason:
    """Why: an English sentence kept as data (`text.text(lang)`), the rule it applies and that rule's sources
    (English; `iectox.i18n.tr` gives those the catalog knows in French)."""

    text: Message
    rule: str
    sources: tuple[str, ...]


def reason(
    rule: Rule, pathway: Pathway, template: str, settings: Sequence[str] | None = None, **values: Any
) -> Reason:
    """A reason citing `rule`: its source, then those of the pathway settings it reads (or of `settings`)."""
    keys = rule.settings if settings is None else settings
    sources = tuple(dict.fromkeys([rule.source, *(pathway.setting(k).source for k in keys)]))
    return Reason(Message(template, **values), rule.id, sources)


def _iso(at: datetime | None) -> str | None:
    return None if at is None else at.isoformat(timespec="minutes")


@dataclass(frozen=True)
class Advice:
    """One thing the pathway says about one drug for one syndrome, with every number it rests on.

    `dose_mg` is the dose to give (tocilizumab: the label dose at the weight; a corticosteroid: the regimen's
    dose), `every_h` the regimen's interval, `due_by` the pathway's target for a first dose (`within_h` of the
    first observation at the grade that calls for it), `not_before` the earliest time a further dose is
    allowed or due. `alternatives` are regimens the pathway offers instead ("or methylprednisolone ...").
    """

    rule: str
    action: str
    syndrome: str
    grade: int
    drug: str | None = None
    dose_mg: float | None = None
    mg_per_kg: float | None = None
    every_h: float | None = None
    vials: VialCombination | None = None
    due_by: datetime | None = None
    within_h: float | None = None
    not_before: datetime | None = None
    reasons: tuple[Reason, ...] = ()
    alternatives: tuple[Advice, ...] = ()

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise ValueError(f"advice action {self.action!r} is not one of {', '.join(ACTIONS)}")

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready values: times as ISO text, vials as {size: count}, each reason with its template,
        values and sources."""
        vials = self.vials
        return {
            "rule": self.rule,
            "action": self.action,
            "syndrome": self.syndrome,
            "grade": self.grade,
            "drug": self.drug,
            "dose_mg": self.dose_mg,
            "mg_per_kg": self.mg_per_kg,
            "every_h": self.every_h,
            "vials": None
            if vials is None
            else {str(s): n for s, n in zip(vials.sizes_mg, vials.counts, strict=True) if n},
            "due_by": _iso(self.due_by),
            "within_h": self.within_h,
            "not_before": _iso(self.not_before),
            "reasons": [
                {"rule": r.rule, "text": str(r.text), **r.text.record(), "sources": list(r.sources)}
                for r in self.reasons
            ],
            "alternatives": [a.as_dict() for a in self.alternatives],
        }


__all__ = [
    "ACTIONS",
    "AVOID",
    "CONTINUE",
    "GIVE",
    "GIVEN",
    "HOUR",
    "NO_MORE",
    "REPEAT",
    "WAIT",
    "WATCH",
    "Advice",
    "Reason",
    "reason",
    "stamp",
]
