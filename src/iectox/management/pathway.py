"""The management pathway: every threshold the audit applies, typed, each with its unit and its source.

A pathway is frozen dataclasses, one per TOML section, whose fields are `Setting`s (a value with its unit,
source and origin), so that code reads `pathway.crs.tocilizumab_within_h.value` and a misspelt name fails
where it is written. The shipped default (`iectox/data/pathways/default.toml`) gives every value and source; a
user's file may only set settings the dataclasses declare, with values of the declared type and range, so that
a misspelt key or a grade of 7 is a `SpecError` naming the file, the key, the value and what is allowed,
instead of a silently ignored rule. Keys left out keep the default's value and source; the audit prints where
each value came from.

    [tocilizumab]
    min_interval_h = { value = 8, unit = "h", source = "Tocilizumab SmPC 4.2" }
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from dataclasses import replace as replace_fields
from importlib import resources
from pathlib import Path
from typing import Any, Generic, TypeVar

from iectox.errors import SpecError
from iectox.io.settings_file import read_toml
from iectox.schema import THERAPY
from iectox.schema.vocabularies import GRADING_SCALE

DEFAULT_RESOURCE = ("data", "pathways", "default.toml")
NOT_STATED = "not stated"
META_KEYS = ("name", "description")
COHORT_SOURCES = ("setting", "therapy", "therapy_class", "indication", "centre")
GRADES = (1, 2, 3, 4)
FINDING_SEVERITIES = ("deviation", "warning", "info")  # management.findings.SEVERITIES (a lower layer here)

T = TypeVar("T")


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One threshold: its value, unit, source (why this value) and origin (which file set it)."""

    key: str
    value: T
    source: str
    unit: str = ""
    origin: str = "default"

    def shown(self) -> str:
        """The value as a person reads it: a list or a range as its items joined by commas."""
        if isinstance(self.value, tuple):
            return ", ".join(f"{v[0]}={v[1]}" if isinstance(v, tuple) else str(v) for v in self.value)
        return str(self.value)

    def as_dict(self) -> dict[str, Any]:
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        if isinstance(self.value, tuple) and all(isinstance(v, tuple) for v in self.value):
            value = dict(self.value)  # a per-product table reads back as the TOML table it came from
        return {
            "key": self.key,
            "value": value,
            "unit": self.unit,
            "source": self.source,
            "origin": self.origin,
        }


@dataclass(frozen=True)
class Allowed:
    """What a setting accepts: a kind ('number', 'integer', 'text', 'texts', 'numbers', 'range'), bounds or
    choices."""

    kind: str
    low: float | None = None
    high: float | None = None
    below: float | None = None  # strict upper bound (a tolerance is a fraction below 1)
    choices: tuple[Any, ...] = ()

    def describe(self) -> str:
        if self.choices:
            shown = ", ".join(repr(c) if isinstance(c, str) else str(c) for c in self.choices)
            if self.kind == "counts":
                return f"a table of whole numbers >= {self.low:g} by name, names among {shown}"
            return f"{'a list of ' if self.kind == 'texts' else 'one of '}{shown}"
        words = {
            "number": "a number",
            "integer": "a whole number",
            "text": "text",
            "range": "a range [low, high] of numbers",
            "numbers": "a list of numbers",
            "counts": "a table of whole numbers by name",
        }
        text = words[self.kind]
        if self.low is not None:
            text += f" >= {self.low:g}"
        if self.below is not None:
            text += f" and < {self.below:g}"
        return text


def _limits(kind: str, **limits: Any) -> dict[str, Allowed]:
    return {"allowed": Allowed(kind, **limits)}


NON_NEGATIVE = {"kind": "number", "low": 0}
FRACTION = {"kind": "number", "low": 0, "below": 1}


@dataclass(frozen=True)
class GradingSettings:
    """Which grading scale the pathway's grade thresholds are on (other scales are never converted)."""

    scale: Setting[str] = field(metadata=_limits("text", choices=tuple(t.code for t in GRADING_SCALE.terms)))


@dataclass(frozen=True)
class TocilizumabSettings:
    """Tolerance around the label dose, spacing and counts of tocilizumab doses."""

    dose_tolerance: Setting[float] = field(metadata=_limits(**FRACTION))
    min_interval_h: Setting[float] = field(metadata=_limits(**NON_NEGATIVE))
    max_doses_in_window: Setting[int] = field(metadata=_limits("integer", low=1))
    window_h: Setting[float] = field(metadata=_limits(**NON_NEGATIVE))
    max_doses_per_episode: Setting[int] = field(metadata=_limits("integer", low=1))


@dataclass(frozen=True)
class CrsSettings:
    """When CRS gets tocilizumab and corticosteroids, and which corticosteroid by grade."""

    tocilizumab_from_grade: Setting[int] = field(metadata=_limits("integer", choices=GRADES))
    tocilizumab_within_h: Setting[float] = field(metadata=_limits(**NON_NEGATIVE))
    grade1_persistent_h: Setting[float] = field(metadata=_limits(**NON_NEGATIVE))
    grade1_persistent_high_risk_h: Setting[float] = field(metadata=_limits(**NON_NEGATIVE))
    high_risk_products: Setting[tuple[str, ...]] = field(
        metadata=_limits("texts", choices=tuple(t.code for t in THERAPY.terms))
    )
    grade1_tocilizumab_within_h: Setting[float] = field(metadata=_limits(**NON_NEGATIVE))
    grade1_persistent_severity: Setting[str] = field(metadata=_limits("text", choices=FINDING_SEVERITIES))
    corticosteroid_from_grade: Setting[int] = field(metadata=_limits("integer", choices=GRADES))
    methylprednisolone_from_grade: Setting[int] = field(metadata=_limits("integer", choices=GRADES))


@dataclass(frozen=True)
class IcansSettings:
    """When ICANS gets corticosteroids, and which regimen by grade."""

    corticosteroid_from_grade: Setting[int] = field(metadata=_limits("integer", choices=GRADES))
    corticosteroid_within_h: Setting[float] = field(metadata=_limits(**NON_NEGATIVE))
    grade2_corticosteroid_severity: Setting[str] = field(metadata=_limits("text", choices=FINDING_SEVERITIES))
    repeated_dexamethasone_from_grade: Setting[int] = field(metadata=_limits("integer", choices=GRADES))
    methylprednisolone_from_grade: Setting[int] = field(metadata=_limits("integer", choices=GRADES))
    high_dose_methylprednisolone_mg: Setting[float] = field(metadata=_limits(**NON_NEGATIVE))


@dataclass(frozen=True)
class CorticosteroidSettings:
    """The regimens a corticosteroid course is recognised as, and how courses are cut.

    The weight-based doses for children are capped at the adult dose (`dexamethasone_mg`,
    `methylprednisolone_pulse_mg`), so they differ from it only below the weight where the cap binds."""

    dexamethasone_mg: Setting[float] = field(metadata=_limits(**NON_NEGATIVE))
    dexamethasone_interval_h: Setting[tuple[float, float]] = field(metadata=_limits("range", low=0))
    methylprednisolone_mg_kg: Setting[tuple[float, float]] = field(metadata=_limits("range", low=0))
    methylprednisolone_interval_h: Setting[float] = field(metadata=_limits(**NON_NEGATIVE))
    methylprednisolone_pulse_mg: Setting[float] = field(metadata=_limits(**NON_NEGATIVE))
    dexamethasone_high_mg: Setting[float] = field(metadata=_limits(**NON_NEGATIVE))
    dexamethasone_high_interval_h: Setting[float] = field(metadata=_limits(**NON_NEGATIVE))
    methylprednisolone_taper_mg: Setting[tuple[float, ...]] = field(metadata=_limits("numbers", low=0))
    methylprednisolone_taper_interval_h: Setting[float] = field(metadata=_limits(**NON_NEGATIVE))
    dexamethasone_mg_kg_child: Setting[float] = field(metadata=_limits(**NON_NEGATIVE))
    methylprednisolone_pulse_mg_kg_child: Setting[float] = field(metadata=_limits(**NON_NEGATIVE))
    dose_tolerance: Setting[float] = field(metadata=_limits(**FRACTION))
    interval_tolerance_h: Setting[float] = field(metadata=_limits(**NON_NEGATIVE))
    course_gap_h: Setting[float] = field(metadata=_limits(**NON_NEGATIVE))


@dataclass(frozen=True)
class AnticytokineSettings:
    """Anakinra and siltuximab doses: adult, per kg for children (capped at the adult dose), tolerance."""

    anakinra_mg: Setting[float] = field(metadata=_limits(**NON_NEGATIVE))
    anakinra_interval_h: Setting[float] = field(metadata=_limits(**NON_NEGATIVE))
    anakinra_mg_kg_child: Setting[float] = field(metadata=_limits(**NON_NEGATIVE))
    siltuximab_mg_kg: Setting[float] = field(metadata=_limits(**NON_NEGATIVE))
    dose_tolerance: Setting[float] = field(metadata=_limits(**FRACTION))


@dataclass(frozen=True)
class ReadinessSettings:
    """Tocilizumab on site before an infusion: doses per patient (by product), dose banding, CRS window."""

    doses_on_site: Setting[int] = field(metadata=_limits("integer", low=1))
    doses_on_site_by_product: Setting[tuple[tuple[str, int], ...]] = field(
        metadata=_limits("counts", low=1, choices=tuple(t.code for t in THERAPY.terms))
    )
    dose_banding_tolerance: Setting[float] = field(metadata=_limits(**FRACTION))
    crs_window_days: Setting[float] = field(metadata=_limits(**NON_NEGATIVE))


@dataclass(frozen=True)
class KpiSettings:
    """How KPIs are grouped and the seed study's own target."""

    cohort_by: Setting[str] = field(metadata=_limits("text", choices=COHORT_SOURCES))
    crs_onset_to_tocilizumab_target_h: Setting[float] = field(metadata=_limits(**NON_NEGATIVE))


@dataclass(frozen=True)
class Pathway:
    """A management pathway: `pathway.crs.tocilizumab_within_h.value`, with its unit, source and origin."""

    name: str
    description: str
    grading: GradingSettings
    tocilizumab: TocilizumabSettings
    crs: CrsSettings
    icans: IcansSettings
    corticosteroids: CorticosteroidSettings
    anticytokines: AnticytokineSettings
    readiness: ReadinessSettings
    kpis: KpiSettings
    path: Path | None = None

    def __iter__(self) -> Iterator[Setting[Any]]:
        for section in SECTIONS:
            group = getattr(self, section)
            yield from (getattr(group, f.name) for f in fields(group))

    def setting(self, key: str) -> Setting[Any]:
        """The setting named 'section.name' (what a rule declares it reads)."""
        section, _, name = key.partition(".")
        if section not in SECTIONS or name not in _names(section):
            raise KeyError(f"no pathway setting {key!r}")
        return getattr(getattr(self, section), name)

    def replace(self, **values: Any) -> Pathway:
        """A copy with some values changed (keys with '__' for '.': `crs__tocilizumab_within_h=4`)."""
        changed: dict[str, dict[str, Setting[Any]]] = {}
        for name, value in values.items():
            key = name.replace("__", ".")
            old = self.setting(key)
            section, _, short = key.partition(".")
            new = Setting(key, _checked(key, value, "replace()"), old.source, old.unit, "replace()")
            changed.setdefault(section, {})[short] = new
        groups = {s: replace_fields(getattr(self, s), **c) for s, c in changed.items()}
        return replace_fields(self, **groups)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "path": str(self.path) if self.path else None,
            "settings": [s.as_dict() for s in self],
        }


SECTIONS: Mapping[str, type] = {
    "grading": GradingSettings,
    "tocilizumab": TocilizumabSettings,
    "crs": CrsSettings,
    "icans": IcansSettings,
    "corticosteroids": CorticosteroidSettings,
    "anticytokines": AnticytokineSettings,
    "readiness": ReadinessSettings,
    "kpis": KpiSettings,
}


def _names(section: str) -> list[str]:
    return [f.name for f in fields(SECTIONS[section])]


def _allowed(key: str) -> Allowed:
    section, _, name = key.partition(".")
    return next(f.metadata["allowed"] for f in fields(SECTIONS[section]) if f.name == name)


def _unknown(where: str, what: str, given: str, known: list[str]) -> SpecError:
    close = difflib.get_close_matches(given, known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return SpecError(f"{where}: {what} {given!r} is unknown{hint}; allowed: {', '.join(known)}")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _counts(key: str, value: Any, allowed: Allowed, fail: SpecError) -> tuple[tuple[str, int], ...]:
    """A TOML table {name = whole number} (or its pairs) as sorted pairs; names among the choices."""
    pairs = (
        list(value.items()) if isinstance(value, dict) else list(value) if isinstance(value, tuple) else None
    )
    if pairs is None or not all(isinstance(p, tuple) and len(p) == 2 for p in pairs):
        raise fail
    for name, count in pairs:
        if name not in allowed.choices or isinstance(count, bool) or not isinstance(count, int):
            raise fail
        if allowed.low is not None and count < allowed.low:
            raise fail
    return tuple(sorted(pairs))


def _checked(key: str, value: Any, where: str) -> Any:
    """`value` as the setting's type (lists as tuples), or a `SpecError` saying what is allowed."""
    allowed = _allowed(key)
    fail = SpecError(f"{where}: {key} = {value!r} is not allowed; allowed: {allowed.describe()}")
    if allowed.kind == "text":
        ok = isinstance(value, str)
    elif allowed.kind == "texts":
        ok = isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)
    elif allowed.kind == "integer":
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif allowed.kind == "counts":
        return _counts(key, value, allowed, fail)
    elif allowed.kind == "numbers":
        ok = isinstance(value, list | tuple) and len(value) > 0 and all(_is_number(v) for v in value)
    elif allowed.kind == "range":
        ok = isinstance(value, list | tuple) and len(value) == 2 and all(_is_number(v) for v in value)
        ok = ok and value[0] <= value[1]
    else:
        ok = _is_number(value)
    if not ok:
        raise fail
    items = list(value) if isinstance(value, list | tuple) else [value]
    if allowed.choices and any(v not in allowed.choices for v in items):
        wrong = next(v for v in items if v not in allowed.choices)
        names = [c for c in allowed.choices if isinstance(c, str)]
        close = difflib.get_close_matches(wrong, names, n=1) if isinstance(wrong, str) else []
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise SpecError(f"{where}: {key} = {value!r}: {wrong!r} is not allowed{hint}; {allowed.describe()}")
    if allowed.low is not None and any(v < allowed.low for v in items):
        raise fail
    if allowed.below is not None and any(v >= allowed.below for v in items):
        raise fail
    return tuple(value) if isinstance(value, list | tuple) else value


def _parse(data: Mapping[str, Any], where: str, defaults: Pathway | None) -> Pathway:
    meta = data.get("pathway", {})
    for name in meta:
        if name not in META_KEYS:
            raise _unknown(where, "[pathway] key", name, list(META_KEYS))
    found: dict[str, dict[str, Setting[Any]]] = {s: {} for s in SECTIONS}
    for section, entries in data.items():
        if section == "pathway":
            continue
        if section not in SECTIONS:
            raise _unknown(where, "section", section, ["pathway", *SECTIONS])
        if not isinstance(entries, dict):
            raise SpecError(f"{where}: {section} should be a [section] of settings")
        for name, entry in entries.items():
            key = f"{section}.{name}"
            if name not in _names(section):
                raise _unknown(where, f"[{section}] setting", name, _names(section))
            raw = entry if isinstance(entry, dict) else {"value": entry}
            extra = set(raw) - {"value", "unit", "source"}
            if "value" not in raw or extra:
                raise SpecError(f"{where}: {key} should be {{ value = ..., unit = ..., source = ... }}")
            old = defaults.setting(key) if defaults else None
            found[section][name] = Setting(
                key,
                _checked(key, raw["value"], where),
                str(raw.get("source", NOT_STATED)),
                str(raw.get("unit", old.unit if old else "")),
                "default" if defaults is None else where,
            )
    groups = {}
    for section, cls in SECTIONS.items():
        values = {}
        for name in _names(section):
            if name in found[section]:
                values[name] = found[section][name]
            elif defaults is not None:
                values[name] = defaults.setting(f"{section}.{name}")
            else:
                raise SpecError(f"{where}: {section}.{name} is missing")
        groups[section] = cls(**values)
    name = str(meta.get("name", defaults.name if defaults else where))
    description = str(meta.get("description", "" if defaults is None else defaults.description))
    return Pathway(name, description, **groups)


def default_pathway() -> Pathway:
    """The pathway shipped with iectox (docs/sources.md defaults), read from its TOML file."""
    text = resources.files("iectox").joinpath(*DEFAULT_RESOURCE).read_text(encoding="utf-8")
    return _parse(tomllib.loads(text), "default pathway", None)


def load_pathway(path: str | Path) -> Pathway:
    """A pathway TOML file laid over the default; `SpecError` naming the file and key when malformed."""
    path = Path(path)
    data = read_toml(path, "pathway file")  # a folder, a device, a huge or non-UTF-8 file: a SpecError
    return replace_fields(_parse(data, str(path), default_pathway()), path=path)


__all__ = [
    "COHORT_SOURCES",
    "AnticytokineSettings",
    "CorticosteroidSettings",
    "CrsSettings",
    "GradingSettings",
    "IcansSettings",
    "KpiSettings",
    "Pathway",
    "ReadinessSettings",
    "Setting",
    "TocilizumabSettings",
    "default_pathway",
    "load_pathway",
]
