"""OMOP CDM v5.4 export: a dataset as the person, observation_period, death, condition_occurrence,
drug_exposure, measurement, observation, episode and episode_event tables (docs/omop.md).

    export = write_duckdb(dataset, "out/omop.duckdb")            # a new file, renamed into place
    export = write_postgres(dataset, "postgresql://...", "cdm")  # one transaction into schema cdm
    export.counts, export.left_out                               # rows per table; rows OMOP could not take

It sits above grading: the measurement table carries the CRS and ICANS grades iectox computes from each bedside
observation beside the grades recorded. The tables follow the official DDL (`ddl.py`), the concept ids come
from the shipped concept table (`concepts.py`), and the dataset is validated first, as every dataset written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from iectox.dataset import Dataset
from iectox.omop.concepts import LOCAL_FROM, Concept, concepts
from iectox.omop.ddl import cdm_tables
from iectox.omop.tables import OmopTables, omop_tables
from iectox.omop.writer import MARK, check_schema, write_duckdb_file, write_postgres_schema
from iectox.validate import ensure_valid

__all__ = [
    "LOCAL_FROM",
    "MARK",
    "Concept",
    "OmopExport",
    "OmopTables",
    "cdm_tables",
    "check_schema",
    "concepts",
    "omop_tables",
    "write_duckdb",
    "write_postgres",
]


@dataclass(frozen=True)
class OmopExport:
    """What was written: rows per table, and rows left out per table for lack of a date or year OMOP requires."""

    counts: dict[str, int]
    left_out: dict[str, int]


def _checked(dataset: Dataset) -> OmopTables:
    ensure_valid(dataset)
    return omop_tables(dataset)


def write_duckdb(dataset: Dataset, path: str | Path) -> OmopExport:
    """The OMOP tables of a valid dataset into the DuckDB file `path`, whole or not at all."""
    tables = _checked(dataset)
    write_duckdb_file(tables, Path(path))
    return OmopExport(tables.counts(), tables.left_out)


def write_postgres(dataset: Dataset, url: str, schema: str = "cdm") -> OmopExport:
    """The OMOP tables of a valid dataset into `schema` of a PostgreSQL database, in one transaction."""
    check_schema(schema)
    tables = _checked(dataset)
    write_postgres_schema(tables, url, schema)
    return OmopExport(tables.counts(), tables.left_out)
