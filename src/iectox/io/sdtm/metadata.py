"""The SDTM metadata as data: datasets, variables and codelists read from `iectox/data/sdtm/*.toml`.

The files cite their standard (SDTMIG v3.4, Define-XML 2.0.0, CDISC controlled terminology) and mark every code
that could not be confirmed; this module only types them, so that the domains, the limit checks and the
define.xml read one set of facts.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

RESOURCE = ("data", "sdtm")


@dataclass(frozen=True)
class Variable:
    """One SDTM variable: `type` is SAS's (Char or Num), `datatype` Define-XML's, `length` the longest a Char
    value may be."""

    name: str
    label: str
    type: str
    core: str
    origin: str
    length: int | None = None
    datatype: str = ""
    codelist: str | None = None
    key: int | None = None

    @property
    def define_type(self) -> str:
        return self.datatype or ("text" if self.type == "Char" else "float")


@dataclass(frozen=True)
class Qualifier:
    """A supplemental qualifier (a SUPP-- record's QNAM) with its label, codelist and origin."""

    qnam: str
    qlabel: str
    codelist: str
    qorig: str


@dataclass(frozen=True)
class DatasetSpec:
    name: str
    label: str
    cls: str
    structure: str
    variables: tuple[Variable, ...]
    qualifiers: tuple[Qualifier, ...] = ()


@dataclass(frozen=True)
class Term:
    value: str
    decode: str
    nci: str = ""
    confirmed: bool = True


@dataclass(frozen=True)
class Codelist:
    id: str
    name: str
    nci: str
    terms: tuple[Term, ...]
    mapping: dict[str, str]
    confirmed: bool = True
    sponsor: bool = False

    def decode(self, value: str) -> str:
        return next(t.decode for t in self.terms if t.value == value)


@dataclass(frozen=True)
class Meddra:
    """What AETERM, AEDECOD and AEPTCD say for each syndrome, and whether the coding is confirmed."""

    dictionary: str
    version: str
    terms: dict[str, dict[str, str]]
    confirmed: bool


@dataclass(frozen=True)
class Standard:
    name: str
    version: str
    define_version: str
    datasets: tuple[DatasetSpec, ...]
    codelists: dict[str, Codelist]
    meddra: Meddra
    indications: dict[str, str]

    def dataset(self, name: str) -> DatasetSpec:
        return next(d for d in self.datasets if d.name == name)


def _read(name: str) -> dict[str, Any]:
    return tomllib.loads(resources.files("iectox").joinpath(*RESOURCE, name).read_text(encoding="utf-8"))


def _dataset(raw: dict[str, Any]) -> DatasetSpec:
    return DatasetSpec(
        name=raw["name"],
        label=raw["label"],
        cls=raw["class"],
        structure=raw["structure"],
        variables=tuple(Variable(**v) for v in raw["variables"]),
        qualifiers=tuple(Qualifier(**q) for q in raw.get("qualifiers", ())),
    )


def _codelist(id_: str, raw: dict[str, Any]) -> Codelist:
    return Codelist(
        id=id_,
        name=raw["name"],
        nci=raw["nci"],
        terms=tuple(Term(**t) for t in raw["items"]),
        mapping=dict(raw.get("map", {})),
        confirmed=raw.get("confirmed", True),
        sponsor=raw.get("sponsor", False),
    )


@cache
def standard() -> Standard:
    """The metadata shipped with iectox, read once."""
    datasets, terminology = _read("datasets.toml"), _read("terminology.toml")
    meddra = terminology["meddra"]
    return Standard(
        name=datasets["standard"],
        version=datasets["version"],
        define_version=datasets["define_version"],
        datasets=tuple(_dataset(d) for d in datasets["datasets"]),
        codelists={k: _codelist(k, v) for k, v in terminology["codelists"].items()},
        meddra=Meddra(meddra["dictionary"], meddra["version"], dict(meddra["terms"]), meddra["confirmed"]),
        indications=dict(terminology["indications"]),
    )
