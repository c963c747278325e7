"""The concept ids iectox writes, from the shipped table `data/omop/concepts.csv` (provenance in its README).

Each row maps an iectox term (`drug=tocilizumab`, `lab=CRP`, `syndrome=CRS`, `unit=mg`...) to one OMOP concept:
a standard one where its id was confirmed in a public source, else a local one (id above 2,000,000,000), so
that no standard id is ever guessed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

LOCAL_FROM = 2_000_000_000
"""OMOP reserves concept ids above two billion for concepts a site defines itself."""


@dataclass(frozen=True)
class Concept:
    term: str
    concept_id: int
    name: str
    domain: str
    vocabulary: str
    concept_class: str
    standard: bool
    code: str
    source: str

    @property
    def local(self) -> bool:
        return self.concept_id > LOCAL_FROM


def concepts_text() -> str:
    return resources.files("iectox.data.omop").joinpath("concepts.csv").read_text(encoding="utf-8")


@cache
def concepts() -> dict[str, Concept]:
    """The shipped concepts by iectox term; a term or a concept id listed twice is a broken table."""
    table: dict[str, Concept] = {}
    for row in csv.DictReader(io.StringIO(concepts_text())):
        concept = Concept(
            row["iectox_term"],
            int(row["concept_id"]),
            row["concept_name"],
            row["domain_id"],
            row["vocabulary_id"],
            row["concept_class_id"],
            row["standard_concept"] == "S",
            row["concept_code"],
            row["source"],
        )
        if concept.term in table:
            raise ValueError(f"concepts.csv lists {concept.term} twice")
        table[concept.term] = concept
    if len({c.concept_id for c in table.values()}) != len(table):
        raise ValueError("concepts.csv gives one concept id to two terms")
    return table


def concept_id(term: str) -> int:
    """The concept id of an iectox term (`KeyError` naming it when the table lacks it: a defect, not data)."""
    return concepts()[term].concept_id


def concept_ids(kind: str, values: Iterable[object]) -> list[int]:
    """The concept ids of `kind=value` for each value (a code of the dataset's vocabulary)."""
    table = concepts()
    return [table[f"{kind}={value}"].concept_id for value in values]
