"""One regression model on the analysis table, as a result that a table can print: each coefficient's ratio
(odds, incidence rate or hazard ratio; a difference for a linear model), its 95% Wald confidence interval and
p-value, the reference level of every categorical term, and notes saying what was left out, what to read with
care, or why no estimate is shown.

| model | R call it reproduces | ratio |
|---|---|---|
| logistic | `glm(y ~ ..., family = binomial)` | odds ratio |
| poisson | `glm(y ~ ..., family = poisson)` | incidence rate ratio |
| negative_binomial | `MASS::glm.nb(y ~ ...)` | incidence rate ratio |
| linear | `glm(y ~ ..., family = gaussian)` | difference |
| cox | `survival::coxph(Surv(time, y) ~ ..., ties = "efron")` (`cluster = ` when clustered) | hazard ratio |

Confidence intervals: `ci="wald"` (default), estimate +- z(0.975) x SE, as R's `confint.default()` (for a
linear model t(0.975) on the residual df, as `confint.lm`); or `ci="profile"`, the profile likelihood
intervals of R 4.2's `confint()` on a glm (MASS's `profile.glm`, reproduced step for step in `profile.py`),
for a logistic, Poisson or linear model with its model-based variance (with robust or clustered errors, and
for Cox and negative binomial models, Wald's: the result's `ci` says which).

Variance: `model` (R's `vcov`), `robust` (sandwich HC0), `survey` (as `survey::svyglm`: HC0 x n / (n - 1),
t on the residual df for p and CI); with `cluster` and several rows of one cluster,
`sandwich::vcovCL(type = "HC0")` (= svyglm with `ids = ~patient`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from iectox.stats.methods.distributions import norm_ppf, norm_sf, t_ppf, t_sf
from iectox.stats.methods.result import NotComputable
from iectox.stats.models import notes as N
from iectox.stats.models.cox import fit_cox
from iectox.stats.models.design import Design, build_design
from iectox.stats.models.families import BINOMIAL, GAUSSIAN, POISSON
from iectox.stats.models.glm import GlmFit, fit_glm
from iectox.stats.models.negbin import fit_negbin
from iectox.stats.models.notes import Note, Refused
from iectox.stats.models.profile import profile_interval
from iectox.stats.models.sandwich import vcov_cl, vcov_hc
from iectox.stats.models.separation import separated, separating_level

Model = Literal["logistic", "poisson", "negative_binomial", "linear", "cox"]
Variance = Literal["model", "robust", "survey"]
Interval = Literal["wald", "profile"]
PROFILED = ("logistic", "poisson", "linear")
MODELS: tuple[str, ...] = ("logistic", "poisson", "negative_binomial", "linear", "cox")
MEASURE = {
    "logistic": "OR",
    "poisson": "IRR",
    "negative_binomial": "IRR",
    "linear": "difference",
    "cox": "HR",
}
R_CALL = {
    "logistic": "glm({formula}, family = binomial)",
    "poisson": "glm({formula}, family = poisson)",
    "negative_binomial": "MASS::glm.nb({formula})",
    "linear": "glm({formula}, family = gaussian)",
    "cox": 'survival::coxph({formula}, ties = "efron")',
}


@dataclass(frozen=True)
class Estimate:
    """One row of a regression table: a continuous term, a level of a categorical term, or its reference
    (`reference` True, no numbers). `estimate`, `low`, `high` are on the ratio scale (a difference for a
    linear model); `coef` and `se` on the model's scale."""

    term: str
    level: str | None
    reference: bool = False
    coef: float | None = None
    se: float | None = None
    estimate: float | None = None
    low: float | None = None
    high: float | None = None
    p_value: float | None = None


@dataclass(frozen=True)
class ModelResult:
    model: str
    outcome: str
    terms: tuple[str, ...]
    estimates: tuple[Estimate, ...]  # the intercept left out, as gtsummary's tables
    n: int
    events: int | None
    notes: tuple[Note, ...]
    variance: str  # "model", "robust", "survey", "cluster"
    r_call: str
    ci: str = "wald"
    theta: float | None = None  # negative binomial
    intercept: float | None = None  # on the model's scale (a propensity score is computed from it)

    @property
    def estimable(self) -> bool:
        return not any(note.refuses for note in self.notes)

    @property
    def measure(self) -> str:
        return MEASURE[self.model]

    def estimate(self, term: str, level: str | None = None) -> Estimate:
        for row in self.estimates:
            if row.term == term and row.level == level:
                return row
        raise KeyError(f"{term}={level} is not a row of the model of {self.outcome}")


def _formula(outcome: str, terms: Sequence[str], model: str, time: str | None) -> str:
    left = f"Surv({time}, {outcome})" if model == "cox" else outcome
    return f"{left} ~ {' + '.join(terms)}"


def _check_outcome(design: Design, model: str) -> None:
    y = design.y
    if model in ("logistic", "cox"):
        if not np.all((y == 0) | (y == 1)):
            raise Refused(Note(N.BAD_OUTCOME, {"expected": "0/1"}))
        events = int(y.sum())
        if events == 0 or (model == "logistic" and events == y.size):
            raise Refused(Note(N.NO_EVENTS, {"events": events, "rows": int(y.size)}))
    elif model in ("poisson", "negative_binomial") and not np.all((y >= 0) & (y == np.round(y))):
        raise Refused(Note(N.BAD_OUTCOME, {"expected": "counts"}))


def _events_note(design: Design, model: str) -> Note | None:
    if model not in ("logistic", "cox"):
        return None
    events = int(design.y.sum())
    limiting = min(events, design.y.size - events) if model == "logistic" else events
    coefficients = sum(1 for c in design.columns if c.term != "(Intercept)")
    per_variable = limiting / max(coefficients, 1)
    if per_variable < N.EVENTS_PER_VARIABLE:
        return Note(
            N.FEW_EVENTS, {"events": limiting, "coefficients": coefficients, "per_variable": per_variable}
        )
    return None


def _fit_glm(design: Design, model: str) -> tuple[GlmFit, float | None]:
    if model == "negative_binomial":
        nb = fit_negbin(design.x, design.y, design.weights)
        return nb.glm, nb.theta
    family = {"logistic": BINOMIAL, "poisson": POISSON, "linear": GAUSSIAN}[model]
    fit = fit_glm(design.x, design.y, family, design.weights)
    if model == "logistic" and (fit.boundary_fitted or not fit.converged) and separated(design.x, design.y):
        raise Refused(Note(N.SEPARATION, {}))
    if model == "poisson" and fit.boundary_fitted:  # a rate fitted as 0: R's coefficient is only large
        raise Refused(Note(N.SEPARATION, {}))
    if not fit.converged:
        raise Refused(Note(N.NOT_CONVERGED, {"iterations": fit.iterations}))
    return fit, None


def _covariance(fit: GlmFit, variance: str, clusters: np.ndarray | None) -> tuple[np.ndarray, str]:
    if clusters is not None:
        return vcov_cl(fit, clusters), "cluster"
    if variance == "robust":
        return vcov_hc(fit, "HC0"), "robust"
    if variance == "survey":
        n = fit.y.size
        return vcov_hc(fit, "HC0") * n / (n - 1), "survey"
    return fit.vcov, "model"


def _rows(
    design: Design,
    coef: np.ndarray,
    se: np.ndarray,
    model: str,
    t_df: float | None,
    limits: dict[int, tuple[float, float]],
) -> tuple[Estimate, ...]:
    quantile = norm_ppf(0.975) if t_df is None else t_ppf(0.975, t_df)
    ratio = model != "linear"
    by_column = {(c.term, c.level): i for i, c in enumerate(design.columns)}
    rows: list[Estimate] = []
    for term in design.terms:
        levels = term.levels[1:] if term.categorical else (None,)
        if term.categorical:
            rows.append(Estimate(term.name, term.reference, reference=True))
        for level in levels:
            i = by_column[(term.name, level)]
            b, s = float(coef[i]), float(se[i])
            z = b / s
            p = 2 * (norm_sf(abs(z)) if t_df is None else t_sf(abs(z), t_df))
            low, high = limits.get(i, (b - quantile * s, b + quantile * s))
            shown = (np.exp(b), np.exp(low), np.exp(high)) if ratio else (b, low, high)
            rows.append(Estimate(term.name, level, False, b, s, *map(float, shown), float(p)))
    return tuple(rows)


def fit_model(
    frame: pd.DataFrame,
    outcome: str,
    terms: Sequence[str],
    model: Model = "logistic",
    references: Mapping[str, str] | None = None,
    weights: str | None = None,
    cluster: str | None = None,
    time: str | None = None,
    variance: Variance = "model",
    ci: Interval = "wald",
) -> ModelResult:
    """`outcome ~ terms` (the first term the exposure) on the complete cases of `frame`.

    Never raises for the data: a model that cannot be estimated returns a result with a refusing note
    (separation, no events, a weight <= 0...) and no numbers. `cluster` (e.g. patient_id): cluster-robust
    standard errors when a cluster has several rows, and a note saying so. `ci`: "wald" or "profile" (above).
    """
    if model not in MODELS:
        raise ValueError(f"model {model!r} is not one of {MODELS}")
    call = R_CALL[model].format(formula=_formula(outcome, terms, model, time))
    frame = frame.reset_index(drop=True)  # rows by position: an index may repeat a label
    extra = [c for c in (time, cluster) if c]
    notes: list[Note] = []
    n, events = 0, None
    try:
        design = build_design(frame, outcome, terms, references, weights, extra, intercept=model != "cox")
        notes += design.notes
        n = int(design.y.size)
        events = int(design.y.sum()) if model in ("logistic", "cox") else None
        _check_outcome(design, model)
        if model != "linear":  # a level without events (or counts) has a ratio of 0: no finite estimate
            level = separating_level(design, events_only=model != "logistic")
            if level is not None:
                raise Refused(Note(N.SEPARATION, {"term": level[0], "level": level[1]}))
        events_note = _events_note(design, model)
        if events_note is not None:
            notes.append(events_note)
        clusters = None
        if cluster is not None:
            ids = frame.loc[design.rows, cluster].astype(str).to_numpy()
            if len(set(ids)) < ids.size:
                clusters = ids
                notes.append(
                    Note(N.CLUSTERS, {"column": cluster, "clusters": len(set(ids)), "rows": int(ids.size)})
                )
        limits: dict[int, tuple[float, float]] = {}
        if model == "cox":
            if np.linalg.matrix_rank(design.x) < design.x.shape[1]:
                raise NotComputable("the model matrix is not of full rank")
            times = frame.loc[design.rows, time].astype(float).to_numpy()
            coef, cov = fit_cox(design.x, times, design.y, clusters)
            se, kind = np.sqrt(np.diag(cov)), "model" if clusters is None else "cluster"
            theta, t_df = None, None
        else:
            fit, theta = _fit_glm(design, model)
            cov, kind = _covariance(fit, variance, clusters)
            coef, se = fit.coef, np.sqrt(np.diag(cov))
            # summary.svyglm and summary.glm (Gaussian) use t on the residual df; the others z
            survey_or_linear = kind == "survey" or (model == "linear" and kind == "model")
            t_df = float(fit.df_residual) if survey_or_linear else None
            if variance == "survey" and clusters is not None:  # svyglm on ids = ~patient: G - k df
                t_df = float(len(set(clusters)) - fit.coef.size)
            if ci == "profile" and kind == "model" and model in PROFILED:
                limits = {i: profile_interval(fit, i) for i in range(1, fit.coef.size)}
    except Refused as refusal:
        return ModelResult(
            model,
            outcome,
            tuple(terms),
            (),
            n,
            events,
            (*notes, *refusal.earlier, refusal.note),
            variance,
            call,
        )
    except NotComputable as error:
        note = Note(N.COLLINEAR if "rank" in str(error) else N.NOT_CONVERGED, {"reason": str(error)})
        return ModelResult(model, outcome, tuple(terms), (), n, events, (*notes, note), variance, call)
    rows = _rows(design, coef, se, model, t_df, limits)
    intercept = float(coef[0]) if design.columns and design.columns[0].term == "(Intercept)" else None
    return ModelResult(
        model,
        outcome,
        tuple(terms),
        rows,
        n,
        events,
        tuple(notes),
        kind,
        call,
        ci="profile" if limits else "wald",
        theta=theta,
        intercept=intercept,
    )
