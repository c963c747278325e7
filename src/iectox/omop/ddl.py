"""The OMOP CDM v5.4 tables iectox writes, read from the official DDL shipped in `data/omop/cdm_v5.4_ddl.sql`.

The DDL is the specification: the writer creates the tables with it, orders each table's columns as it does,
and refuses a row that leaves a `NOT NULL` column empty, so that what is written is what OMOP requires.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

PLACEHOLDER = "@cdmDatabaseSchema"
_TABLE = re.compile(r"CREATE TABLE @cdmDatabaseSchema\.(\w+) \((.*?)\);", re.S)
_COLUMN = re.compile(r"^\s*(\w+) (.+?) (NOT NULL|NULL)\s*$")


@dataclass(frozen=True)
class CdmColumn:
    name: str
    type: str  # as the DDL writes it: integer (once Integer), date, TIMESTAMP, varchar(50), NUMERIC, TEXT
    required: bool

    @property
    def kind(self) -> str:
        """The type in lower case, without a length: integer, date, timestamp, varchar, numeric, text."""
        return self.type.lower().split("(")[0]


@dataclass(frozen=True)
class CdmTable:
    name: str
    columns: tuple[CdmColumn, ...]
    statement: str  # the DDL's CREATE TABLE, schema placeholder included

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def create(self, schema: str) -> str:
        return self.statement.replace(PLACEHOLDER, schema)


def ddl_text() -> str:
    return resources.files("iectox.data.omop").joinpath("cdm_v5.4_ddl.sql").read_text(encoding="utf-8")


@cache
def cdm_tables() -> dict[str, CdmTable]:
    """The tables of the shipped DDL, in its order (person first, episode_event last)."""
    tables: dict[str, CdmTable] = {}
    for match in _TABLE.finditer(ddl_text()):
        columns = []
        for line in match.group(2).split(","):
            parsed = _COLUMN.match(line.replace("\n", " "))
            if parsed is None:  # a comma inside a type, e.g. numeric(10, 2): none in these tables
                raise ValueError(f"unexpected DDL line in {match.group(1)}: {line!r}")
            columns.append(CdmColumn(parsed.group(1), parsed.group(2), parsed.group(3) == "NOT NULL"))
        tables[match.group(1)] = CdmTable(match.group(1), tuple(columns), match.group(0))
    return tables
