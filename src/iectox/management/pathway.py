"""The management pathway: every threshold the audit applies, each with its unit and its source, in TOML.

The shipped default (`iectox/data/pathways/default.toml`) is also the schema: a user's pathway may only set
keys the default has, with values of the same type, so that a misspelt key is an error instead of a silently
ignored rule. Keys left out keep the default's value and source; the audit prints where each value came from.

    [tocilizumab]
    min_interval_h = { value = 8, unit = "h", source = "Tocilizumab SmPC 4.2" }
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from iectox.errors import SpecError

DEFAULT_RESOURCE = ("data", "pathways", "default.toml")
NOT_STATED = "not stated"
META_KEYS = ("name", "description")


@dataclass(frozen=True)
class Setting:
    """One threshold: its value, unit, source (why this value) and origin (which file set it)."""

    key: str
    value: Any
    source: str
    unit: str = ""
    origin: str = "default"

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "value": self.value,
            "unit": self.unit,
            "source": self.source,
            "origin": self.origin,
        }


@dataclass(frozen=True)
class Pathway:
    """A management pathway: `pathway["crs.tocilizumab_within_h"]` is a value, `.setting(key)` its provenance."""

    name: str
    description: str
    settings: Mapping[str, Setting] = field(default_factory=lambda: MappingProxyType({}))
    path: Path | None = None

    def __getitem__(self, key: str) -> Any:
        return self.settings[key].value

    def __iter__(self) -> Iterator[Setting]:
        return iter(self.settings.values())

    def setting(self, key: str) -> Setting:
        return self.settings[key]

    def source(self, *keys: str) -> str:
        """The sources of `keys`, each once, in order: what a finding cites."""
        return "; ".join(dict.fromkeys(self.settings[k].source for k in keys))

    def replace(self, **values: Any) -> Pathway:
        """A copy with some values changed (keys with '__' for '.': `crs__tocilizumab_within_h=4`)."""
        settings = dict(self.settings)
        for name, value in values.items():
            key = name.replace("__", ".")
            old = settings[key]
            _check_value(key, value, old.value, "replace()")
            settings[key] = Setting(key, value, old.source, old.unit, "replace()")
        return Pathway(self.name, self.description, MappingProxyType(settings), self.path)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "path": str(self.path) if self.path else None,
            "settings": [s.as_dict() for s in self],
        }


def _same_type(value: Any, like: Any) -> bool:
    if isinstance(like, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(like, bool)
    if isinstance(like, int | float):
        return isinstance(value, int | float)
    if isinstance(like, list):
        return isinstance(value, list) and (not like or all(_same_type(v, like[0]) for v in value))
    return isinstance(value, type(like))


def _check_value(key: str, value: Any, like: Any, where: str) -> None:
    if not _same_type(value, like):
        raise SpecError(f"{where}: {key}: {value!r} should be like the default {like!r}")
    numbers = value if isinstance(value, list) else [value]
    if any(isinstance(v, int | float) and not isinstance(v, bool) and v < 0 for v in numbers):
        raise SpecError(f"{where}: {key}: {value!r} must not be negative")
    is_range = isinstance(like, list) and len(like) == 2 and all(isinstance(v, int | float) for v in like)
    if is_range and (len(value) != 2 or value[0] > value[1]):
        raise SpecError(f"{where}: {key}: {value!r} must be a range [low, high]")
    if key.endswith("tolerance") and not value < 1:
        raise SpecError(f"{where}: {key}: a tolerance is a fraction below 1, got {value!r}")


def _parse(data: Mapping[str, Any], where: str, defaults: Pathway | None) -> Pathway:
    meta = data.get("pathway", {})
    unknown_meta = set(meta) - set(META_KEYS)
    if unknown_meta:
        raise SpecError(f"{where}: [pathway]: unknown key(s) {', '.join(sorted(unknown_meta))}")
    settings: dict[str, Setting] = dict(defaults.settings) if defaults else {}
    for section, entries in data.items():
        if section == "pathway":
            continue
        if not isinstance(entries, dict):
            raise SpecError(f"{where}: {section} should be a [section] of settings")
        for name, entry in entries.items():
            key = f"{section}.{name}"
            if defaults is not None and key not in defaults.settings:
                allowed = ", ".join(k for k in defaults.settings if k.startswith(section + ".")) or "none"
                raise SpecError(f"{where}: {key} is not a pathway setting (in [{section}]: {allowed})")
            raw = entry if isinstance(entry, dict) else {"value": entry}
            extra = set(raw) - {"value", "unit", "source"}
            if "value" not in raw or extra:
                raise SpecError(f"{where}: {key} should be {{ value = ..., unit = ..., source = ... }}")
            old = defaults.settings[key] if defaults else None
            if old is not None:
                _check_value(key, raw["value"], old.value, where)
            settings[key] = Setting(
                key,
                raw["value"],
                str(raw.get("source", NOT_STATED)),
                str(raw.get("unit", old.unit if old else "")),
                "default" if defaults is None else where,
            )
    name = str(meta.get("name", defaults.name if defaults else where))
    description = str(meta.get("description", "" if defaults is None else defaults.description))
    return Pathway(name, description, MappingProxyType(settings))


def default_pathway() -> Pathway:
    """The pathway shipped with iectox (clinical_rules.md defaults), read from its TOML file."""
    text = resources.files("iectox").joinpath(*DEFAULT_RESOURCE).read_text(encoding="utf-8")
    pathway = _parse(tomllib.loads(text), "default pathway", None)
    return Pathway(pathway.name, pathway.description, pathway.settings, None)


def load_pathway(path: str | Path) -> Pathway:
    """A pathway TOML file laid over the default; `SpecError` naming the file and key when malformed."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SpecError(f"{path}: cannot be read: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"{path}: not valid TOML: {exc}") from exc
    pathway = _parse(data, str(path), default_pathway())
    return Pathway(pathway.name, pathway.description, pathway.settings, path)


__all__ = ["Pathway", "Setting", "default_pathway", "load_pathway"]
