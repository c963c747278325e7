"""One finding of the audit: how serious, which rule, its source, where, and a sentence a pharmacist can act on.

Severities: `deviation` (the label or the pathway was not followed), `warning` (the record contradicts
itself or needs a look), `info` (a rule could not be checked, or something allowed but worth knowing).
The sentence is kept as an English template with its values, so that it can be printed in any language
with that language's numbers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from iectox.i18n import number
from iectox.management.words import tr
from iectox.message import shown

DEVIATION, WARNING, INFO = "deviation", "warning", "info"
SEVERITIES = (DEVIATION, WARNING, INFO)


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

    def stamped(self, rule: str, source: str) -> Finding:
        """The same finding with its rule id and source (what `dataclasses.replace` would give, without its
        introspection: an audit of a registry stamps hundreds of thousands)."""
        return Finding(
            self.severity,
            rule,
            self.text,
            self.values,
            self.infusion_id,
            self.episode_id,
            self.administration_id,
            source,
        )


def place(value: Any) -> str | None:
    """A location (infusion, episode or dose id) as a finding keeps it: text, or None when blank."""
    return None if _missing(value) else str(value)


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
    return shown(value if isinstance(value, str) else str(value), lang)


@dataclass(frozen=True)
class Delays:
    """Exact hours and calendar days aligned on a rule's rows: a `Delay` is made for a row only when a finding
    states it (`pick`), not for every row the rule reads."""

    hours: pd.Series
    days: pd.Series

    def pick(self, mask: pd.Series) -> list[Delay]:
        """The `Delay` of each row where `mask` holds, in order."""
        hours, days = self.hours[mask].tolist(), self.days[mask].tolist()
        return [Delay(h, d) for h, d in zip(hours, days, strict=True)]


def delays(hours: pd.Series, days: pd.Series) -> Delays:
    """The delays of a rule's rows from aligned exact hours and calendar days, for the sentences that state one."""
    return Delays(hours, days)


def findings_frame(
    findings: list[Finding], lang: str = "en", cohorts: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """The findings as a table, most serious first, with the sentence in `lang` (built column by column)."""
    order = {s: i for i, s in enumerate(SEVERITIES)}
    ranked = sorted(
        findings,
        key=lambda f: (
            order[f.severity],
            f.rule,
            f.infusion_id or "",
            f.episode_id or "",
            f.administration_id or "",
        ),
    )
    cohort_of = (cohorts or {}).get
    columns = {
        "severity": [f.severity for f in ranked],
        "rule": [f.rule for f in ranked],
        "infusion_id": [f.infusion_id for f in ranked],
        "cohort": [cohort_of(f.infusion_id or "", None) for f in ranked],
        "episode_id": [f.episode_id for f in ranked],
        "administration_id": [f.administration_id for f in ranked],
        "finding": [f.sentence(lang) for f in ranked],
        "source": [f.source for f in ranked],
    }
    return pd.DataFrame({name: pd.array(values, dtype="string") for name, values in columns.items()})


__all__ = [
    "DEVIATION",
    "INFO",
    "SEVERITIES",
    "WARNING",
    "Delay",
    "Delays",
    "Finding",
    "delays",
    "findings_frame",
    "place",
]
