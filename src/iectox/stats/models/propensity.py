"""Propensity-score weighting: a logistic model of the exposure (e.g. routine care rather than a trial) on the
covariates, weights for the population the comparison speaks of, the balance they reach, and the outcome
compared with those weights and robust standard errors.

With ps = P(treated | covariates) and z = 1 for the treated group:

| estimand | treated | control | compares as if |
|---|---|---|---|
| ate (IPTW) | 1 / ps | 1 / (1 - ps) | everyone had received each |
| att | 1 | ps / (1 - ps) | the treated had not been |
| overlap | 1 - ps | ps | in the patients who could have received either (Li, Morgan, Zaslavsky 2018) |

The outcome model is fitted with the weights and survey's variance (`survey::svyglm` on
`svydesign(ids = ~1, weights = ~w)`; with several infusions of a patient, `ids = ~patient_id`), so that its
standard errors do not treat the weights as counts of patients.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from iectox.stats.models.balance import kish_ess, smd
from iectox.stats.models.design import is_categorical
from iectox.stats.models.notes import Note
from iectox.stats.models.regression import Model, ModelResult, fit_model

Estimand = Literal["ate", "att", "overlap"]
ESTIMANDS: tuple[str, ...] = ("ate", "att", "overlap")
TREATED = "__treated__"
WEIGHT = "__weight__"


@dataclass(frozen=True)
class Balance:
    term: str
    categorical: bool
    before: float  # tableone's SMD, unweighted
    after: float  # with the weights


@dataclass(frozen=True)
class GroupWeights:
    group: str
    n: int
    weight_sum: float
    ess: float  # Kish's effective sample size
    outcome_mean: float | None = None  # the weighted mean of the outcome, when one is compared


@dataclass(frozen=True)
class Weighting:
    exposure: str
    treated: str
    control: str
    estimand: str
    covariates: tuple[str, ...]
    propensity: ModelResult  # the propensity model (its OR per covariate)
    weights: (
        np.ndarray
    )  # per row of the frame given, by position; NaN outside the groups or where a value is missing
    groups: tuple[GroupWeights, ...]  # control first, as the tables show the reference first
    balance: tuple[Balance, ...]
    notes: tuple[Note, ...]

    @property
    def estimable(self) -> bool:
        return self.propensity.estimable and not any(note.refuses for note in self.notes)


@dataclass(frozen=True)
class WeightedComparison:
    weighting: Weighting
    outcome: str
    model: ModelResult  # outcome ~ exposure with the weights; the exposure's row is the weighted effect
    groups: tuple[GroupWeights, ...]


def weights_for(ps: np.ndarray, treated: np.ndarray, estimand: str) -> np.ndarray:
    if estimand == "ate":
        return np.where(treated, 1 / ps, 1 / (1 - ps))
    if estimand == "att":
        return np.where(treated, 1.0, ps / (1 - ps))
    if estimand == "overlap":
        return np.where(treated, 1 - ps, ps)
    raise ValueError(f"estimand {estimand!r} is not one of {ESTIMANDS}")


def propensity_weights(
    frame: pd.DataFrame,
    exposure: str,
    treated: str,
    control: str,
    covariates: Sequence[str],
    estimand: Estimand = "ate",
) -> Weighting:
    """The propensity model `I(exposure == treated) ~ covariates` on the rows of the two groups, the weights of
    `estimand`, each group's weight sum and effective sample size, and each covariate's SMD before and after.
    A propensity model that cannot be estimated (separation...) gives no weights: its notes say why."""
    in_groups = frame[exposure].astype("string").isin([treated, control]).fillna(False).to_numpy(dtype=bool)
    rows = frame[in_groups].reset_index(drop=True)  # by position: an index may repeat a label
    rows[TREATED] = (rows[exposure].astype("string") == treated).astype(float)
    model = fit_model(rows, TREATED, list(covariates), "logistic")
    weights = np.full(len(frame), np.nan)
    if not model.estimable:
        return Weighting(exposure, treated, control, estimand, tuple(covariates), model, weights, (), (), ())
    complete = rows[list(covariates)].notna().all(axis=1).to_numpy()
    used = rows[complete]
    x = _linear_predictor(used, model)
    ps = 1 / (1 + np.exp(-x))
    is_treated = used[TREATED].to_numpy() == 1
    w = weights_for(ps, is_treated, estimand)
    weights[np.flatnonzero(in_groups)[complete]] = w
    groups = tuple(
        GroupWeights(name, int(mask.sum()), float(w[mask].sum()), kish_ess(w[mask]))
        for name, mask in ((control, ~is_treated), (treated, is_treated))
    )
    modelled = {row.term for row in model.estimates}
    balance = tuple(
        Balance(
            term,
            is_categorical(used[term]),
            smd(used[term], np.ones(len(used)), is_treated, is_categorical(used[term])),
            smd(used[term], w, is_treated, is_categorical(used[term])),
        )
        for term in covariates
        if term in modelled  # a covariate with one value only is left out of the model and of the balance
    )
    return Weighting(
        exposure, treated, control, estimand, tuple(covariates), model, weights, groups, balance, ()
    )


def _linear_predictor(rows: pd.DataFrame, model: ModelResult) -> np.ndarray:
    """x'b of the propensity model for every row, from its coefficients (intercept recovered from the fit)."""
    eta = np.full(len(rows), model.intercept or 0.0)
    for row in model.estimates:
        if row.reference or row.coef is None:
            continue
        if row.level is None:
            eta += row.coef * rows[row.term].astype(float).to_numpy()
        else:
            eta += row.coef * (rows[row.term].astype(str) == row.level).to_numpy()
    return eta


def weighted_comparison(
    frame: pd.DataFrame,
    outcome: str,
    weighting: Weighting,
    model: Model = "linear",
    cluster: str | None = None,
) -> WeightedComparison:
    """`outcome ~ exposure` with the weights (control the reference) and svyglm's variance; the weighted mean
    of the outcome in each group. `frame` is the frame given to `propensity_weights` (its weights are by
    position). Rows without the outcome are left out (the model's note counts them)."""
    rows = frame.reset_index(drop=True).assign(**{WEIGHT: weighting.weights})
    if not weighting.estimable:
        empty = ModelResult(
            model, outcome, (weighting.exposure,), (), 0, None, weighting.propensity.notes, "survey", ""
        )
        return WeightedComparison(weighting, outcome, empty, ())
    rows = rows[rows[WEIGHT].notna()]
    result = fit_model(
        rows,
        outcome,
        [weighting.exposure],
        model,
        references={weighting.exposure: weighting.control},
        weights=WEIGHT,
        cluster=cluster,
        variance="survey",
    )
    known = rows[rows[outcome].notna()]
    groups = []
    for group in weighting.groups:
        mask = known[weighting.exposure].astype("string") == group.group
        w = known.loc[mask, WEIGHT].to_numpy()
        y = known.loc[mask, outcome].astype(float).to_numpy()
        mean = float(np.sum(w * y) / np.sum(w)) if w.size else None
        groups.append(
            GroupWeights(group.group, int(mask.sum()), float(w.sum()), kish_ess(w) if w.size else 0.0, mean)
        )
    return WeightedComparison(weighting, outcome, result, tuple(groups))
