"""report.json's `adjusted`: every model of a study's adjusted comparisons as numbers (estimates, notes as ids
and values, the R call, the interval and variance used), with the footnotes its tables print."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from iectox.render.layout import Table
from iectox.stats.models import ModelResult
from iectox.study import StudyResult


def _model_records(model: ModelResult) -> dict[str, Any]:
    return {
        "model": model.model,
        "measure": model.measure,
        "r_call": model.r_call,
        "ci": model.ci,
        "variance": model.variance,
        "n": model.n,
        "events": model.events,
        "estimable": model.estimable,
        "estimates": [asdict(row) for row in model.estimates],
        "notes": [{"id": note.id, **note.values} for note in model.notes],
    }


def adjusted_records(result: StudyResult, tables: tuple[Table, ...]) -> dict[str, Any] | None:
    """report.json's `adjusted`: every model's numbers and notes (ids and values), with the tables' footnotes."""
    adjusted = result.adjusted
    if adjusted is None:
        return None
    footnotes = {table.id: list(table.footnotes) for table in tables}
    return {
        "exposure": adjusted.exposure,
        "reference": adjusted.reference,
        "compared": adjusted.compared,
        "unit": adjusted.spec.unit,
        "regressions": [
            {
                "outcome": table.outcome,
                "footnotes": footnotes.get(f"adjusted_{table.outcome}", []),
                "univariable": [_model_records(model) for model in table.univariable],
                "multivariable": _model_records(table.multivariable),
            }
            for table in adjusted.regressions
        ],
        "weighted": [
            {
                "outcome": comparison.outcome,
                "estimand": comparison.weighting.estimand,
                "footnotes": footnotes.get(f"weighted_{comparison.outcome}", []),
                "groups": [asdict(group) for group in comparison.groups],
                "balance": [asdict(balance) for balance in comparison.weighting.balance],
                "propensity": _model_records(comparison.weighting.propensity),
                "model": _model_records(comparison.model),
            }
            for comparison in adjusted.weighted
        ],
    }
