"""A study: its spec (TOML), and running it on a dataset."""

from iectox.study.run import Check, StudyResult, run_study
from iectox.study.spec import (
    StudySpec,
    TableSpec,
    load_management_pathway,
    load_reference,
    load_study,
    seed_study,
)

__all__ = [
    "Check",
    "StudyResult",
    "StudySpec",
    "TableSpec",
    "load_management_pathway",
    "load_reference",
    "load_study",
    "run_study",
    "seed_study",
]
