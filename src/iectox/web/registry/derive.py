"""Database fields derived from the dataset contract (`iectox.schema.CONTRACT`), column by column.

| contract kind  | field                                                      |
|----------------|------------------------------------------------------------|
| text           | `CharField(64)` for a pseudonymous code, else `TextField`   |
| category       | `CharField` whose choices are the vocabulary's codes        |
| integer        | `IntegerField`                                             |
| number         | `FloatField` (the dataset's float64)                       |
| yes/no         | `BooleanField(null=True)`                                  |
| date           | `DateField`                                                |
| date and time  | `WallClockField` and its `<name>_time_known` `BooleanField` |

A required column is NOT NULL; a blank is NULL (never ""), as the dataset's NA. A column that refers to another
table (`infusions.patient_id`) is a foreign key to the referred code, named after it without `_id`, so that its
database column keeps the contract's name. tests/web/test_registry_contract.py proves the models match.
"""

from __future__ import annotations

from django.db import models

from iectox.dataset import time_known_column
from iectox.schema import Column, Kind, Table
from iectox.web.registry.fields import WallClockField

CODE_LENGTH = 64  # the contract's identifier pattern allows at most 64 characters
MODELS = {
    "patients": "Patient",
    "infusions": "Infusion",
    "toxicity_episodes": "ToxicityEpisode",
    "administrations": "Administration",
    "observations": "Observation",
    "outcomes": "Outcome",
    "labs": "LabResult",
}


def reference_name(column: Column) -> str:
    """The foreign key's field name: the column's without `_id` (`patient_id` -> `patient`)."""
    return column.name.removesuffix("_id")


def _reference(table: Table, column: Column) -> models.Field:
    target_table, target_column = str(column.references).split(".")
    kind = models.OneToOneField if column.unique else models.ForeignKey
    return kind(
        f"registry.{MODELS[target_table]}",
        to_field=target_column,
        on_delete=models.PROTECT,  # a patient with infusions is not deleted with them: refused, and said so
        related_name=table.name,
        null=not column.required,
    )


def _field(column: Column) -> models.Field:
    null = not column.required
    if column.kind is Kind.CATEGORY and column.vocabulary is not None:
        choices = [(term.code, term.label) for term in column.vocabulary.terms]
        length = max(CODE_LENGTH, *(len(code) for code, _ in choices))
        return models.CharField(max_length=length, choices=choices, null=null)
    if column.kind is Kind.TEXT:
        if column.pattern is not None:
            return models.CharField(max_length=CODE_LENGTH, null=null, unique=column.unique)
        return models.TextField(null=null)
    kinds = {
        Kind.INTEGER: models.IntegerField,
        Kind.NUMBER: models.FloatField,
        Kind.BOOLEAN: models.BooleanField,
        Kind.DATE: models.DateField,
        Kind.DATETIME: WallClockField,
    }
    return kinds[column.kind](null=null)


def contract_fields(table: Table) -> dict[str, models.Field]:
    """The model fields of `table`, in the contract's column order."""
    fields: dict[str, models.Field] = {}
    for column in table.columns:
        if column.references:
            fields[reference_name(column)] = _reference(table, column)
        else:
            fields[column.name] = _field(column)
        if column.kind is Kind.DATETIME:
            fields[time_known_column(column.name)] = models.BooleanField(null=True)
    return fields


def stored_columns(table: Table) -> list[str]:
    """The dataset columns of `table` as stored (each date-time followed by its `_time_known`); each is the
    attribute name of its model field (a foreign key's `patient_id`)."""
    names = []
    for column in table.columns:
        names.append(column.name)
        if column.kind is Kind.DATETIME:
            names.append(time_known_column(column.name))
    return names
