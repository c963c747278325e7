"""Building blocks of the dataset contract: vocabularies, columns, tables.

Each piece is plain frozen data so that the file template, validation, the data dictionary and the database
models can all be derived from one declaration (`iectox.schema.contract`).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from iectox.i18n import LANGUAGES, tr


class Kind(StrEnum):
    """The value types a column can hold, as a spreadsheet user thinks of them."""

    TEXT = "text"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "yes/no"
    DATE = "date"
    DATETIME = "date and time"
    CATEGORY = "category"


# A question mark says the value is uncertain ("CRS?"): it is never folded away into a certain code.
UNCERTAINTY_MARKS = "?\uff1f\u00bf"  # ? and its full-width and inverted forms
UNCERTAINTY_MARK = re.compile(f"[{UNCERTAINTY_MARKS}]")


def fold(text: str) -> str:
    """Case-, accent-, space- and punctuation-insensitive key used to match synonyms."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    text = text.lower().replace("≥", ">=").replace("≤", "<=")
    return re.sub(r"[^a-z0-9<>=+]+", "", text)


@dataclass(frozen=True)
class Term:
    """One allowed value: its code (what is stored), a label for people, and the synonyms that map to it."""

    code: str
    label: str
    synonyms: tuple[str, ...] = ()
    attrs: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def spellings(self) -> tuple[str, ...]:
        """Every way of writing the term that reads back as its code: the code, its label in each language
        (a French workbook's drop-downs hold the French labels) and its synonyms."""
        return (self.code, *dict.fromkeys(tr(self.label, lang) for lang in LANGUAGES), *self.synonyms)


@dataclass(frozen=True)
class Vocabulary:
    """A controlled vocabulary; synonyms (brand names, INN spellings, old labels) map to one code."""

    name: str
    terms: tuple[Term, ...]
    description: str = ""

    def __post_init__(self) -> None:
        lookup: dict[str, str] = {}
        for term in self.terms:
            for spelling in term.spellings:
                key = fold(spelling)
                if lookup.setdefault(key, term.code) != term.code:
                    raise ValueError(f"vocabulary {self.name}: {spelling!r} maps to two codes")
        object.__setattr__(self, "_lookup", lookup)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(t.code for t in self.terms)

    def normalise(self, value: object) -> str | None:
        """The code a written value stands for, or None when it is not in the vocabulary or marked
        uncertain."""
        if UNCERTAINTY_MARK.search(str(value)):
            return None
        return self._lookup.get(fold(str(value)))  # type: ignore[attr-defined]

    def suggest(self, value: object) -> str | None:
        """The closest code for a "did you mean" hint, or None when nothing is close."""
        spellings = {fold(s): t.code for t in self.terms for s in t.spellings}
        close = difflib.get_close_matches(fold(str(value)), list(spellings), n=1, cutoff=0.6)
        return spellings[close[0]] if close else None

    def term(self, code: str) -> Term:
        for t in self.terms:
            if t.code == code:
                return t
        raise KeyError(f"{code!r} is not in vocabulary {self.name}")


def vocabulary(
    name: str, entries: Iterable[tuple[str, str] | tuple[str, str, tuple[str, ...]]], description: str = ""
) -> Vocabulary:
    """Shorthand for a vocabulary without attributes: (code, label[, synonyms])."""
    terms = []
    for entry in entries:
        code, label, *rest = entry
        terms.append(Term(code, label, tuple(rest[0]) if rest else ()))
    return Vocabulary(name, tuple(terms), description)


@dataclass(frozen=True)
class Column:
    """One column of a table: its type and every check that applies to a single cell."""

    name: str
    kind: Kind
    description: str
    required: bool = False
    vocabulary: Vocabulary | None = None
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    unit: str | None = None
    unique: bool = False
    references: str | None = None  # "table.column"
    pattern: str | None = None
    pattern_name: str | None = None
    example: str | None = None

    def __post_init__(self) -> None:
        if (self.kind is Kind.CATEGORY) != (self.vocabulary is not None):
            raise ValueError(f"column {self.name}: a category column needs a vocabulary, and only it")


@dataclass(frozen=True)
class Table:
    """A table of the dataset: one sheet of the workbook, one CSV file of a folder."""

    name: str
    description: str
    columns: tuple[Column, ...]
    key: str | None = None
    required: bool = True

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"table {self.name} has no column {name!r}")

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


@dataclass(frozen=True)
class Schema:
    """The whole dataset contract."""

    tables: tuple[Table, ...]

    def table(self, name: str) -> Table:
        for t in self.tables:
            if t.name == name:
                return t
        raise KeyError(f"the dataset has no table {name!r}")

    @property
    def table_names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.tables)
