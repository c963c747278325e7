"""A regression table as gtsummary's `tbl_uvregression` and `tbl_regression` merged side by side: each term's
univariable model (outcome ~ term) and the multivariable model (outcome ~ all terms), on the same rows.

Counting unit: by default every infusion is a row and, when a patient had several, the standard errors are
cluster-robust by patient (`cluster`); `unit="patient"` keeps each patient's first infusion instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from iectox.stats.models.regression import Interval, Model, ModelResult, fit_model

Unit = Literal["infusion", "patient"]
UNITS: tuple[str, ...] = ("infusion", "patient")


@dataclass(frozen=True)
class RegressionTable:
    outcome: str
    model: str
    unit: str
    univariable: tuple[ModelResult, ...]  # one per term, in the terms' order
    multivariable: ModelResult

    @property
    def terms(self) -> tuple[str, ...]:
        return self.multivariable.terms


def first_per_patient(
    frame: pd.DataFrame, patient: str = "patient_id", order: str = "infusion_date"
) -> pd.DataFrame:
    """Each patient's first infusion (by `order` when the frame has it, else the first row)."""
    ordered = frame.sort_values(order, kind="stable") if order in frame else frame
    return ordered.drop_duplicates(patient, keep="first").sort_index()


def regression_table(
    frame: pd.DataFrame,
    outcome: str,
    terms: Sequence[str],
    model: Model = "logistic",
    references: Mapping[str, str] | None = None,
    unit: Unit = "infusion",
    patient: str = "patient_id",
    time: str | None = None,
    ci: Interval = "wald",
) -> RegressionTable:
    """The univariable models of each term and the multivariable model of all; the first term is the exposure."""
    if unit not in UNITS:
        raise ValueError(f"unit {unit!r} is not one of {UNITS}")
    rows = first_per_patient(frame, patient) if unit == "patient" else frame
    cluster = patient if unit == "infusion" and patient in rows else None
    univariable = tuple(
        fit_model(rows, outcome, [term], model, references, cluster=cluster, time=time, ci=ci)
        for term in terms
    )
    multivariable = fit_model(
        rows, outcome, list(terms), model, references, cluster=cluster, time=time, ci=ci
    )
    return RegressionTable(outcome, model, unit, univariable, multivariable)
