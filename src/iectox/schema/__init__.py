"""The study dataset contract, declared once; templates, validation and docs derive from it."""

from iectox.schema.contract import CONTRACT
from iectox.schema.model import Column, Kind, Schema, Table, Term, Vocabulary
from iectox.schema.therapies import INDICATION, THERAPY, approved_since, therapy_class

__all__ = [
    "CONTRACT",
    "INDICATION",
    "THERAPY",
    "Column",
    "Kind",
    "Schema",
    "Table",
    "Term",
    "Vocabulary",
    "approved_since",
    "therapy_class",
]
