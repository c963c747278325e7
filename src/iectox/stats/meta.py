"""Meta-analysis of one effect across centres: fixed effect (inverse variance, Mantel-Haenszel) and random
effects (DerSimonian-Laird, REML), with Cochran's Q, I² and tau².

Multi-centre pooling (`iectox.study.pooling`) gets each centre's 2 x 2 table (events and size in each of two
cohorts) or each centre's means and SDs, never a patient. The formulas are those R's `meta` and `metafor`
document; the tests hold the values of base R written out from those formulas (R 4.2.2, the code beside
each value), since neither package is installed here:

- log odds ratio log(a d / (b c)), variance 1/a + 1/b + 1/c + 1/d, 0.5 added to the four cells of a centre
  with a zero cell (`metafor::escalc(measure = "OR")`'s default `add = 1/2, to = "only0"`); a centre with
  no event, or only events, in both cohorts carries no information on an odds ratio and is left out (`meta`'s
  default `allstudies = FALSE`);
- risk difference p1 - p2, variance p1 (1 - p1) / n1 + p2 (1 - p2) / n2 (`escalc(measure = "RD")`); a
  centre whose variance is 0 cannot be weighted and is left out;
- mean difference m1 - m2, variance s1²/n1 + s2²/n2 (`escalc(measure = "MD")`);
- one cohort's proportion on the logit scale, log(x / (n - x)), variance 1/x + 1/(n - x), 0.5 added to x and
  n - x when either is 0 (`escalc(measure = "PLO")`, `meta::metaprop`'s logit), shown back as a proportion;
- Mantel-Haenszel: the common odds ratio with the Robins-Breslow-Greenland variance (R `mantelhaen.test`,
  `iectox.stats.methods.cmh`), the risk difference with the Greenland-Robins (1985) variance (`meta`'s
  `metabin(sm = "RD", method = "MH")`);
- DerSimonian-Laird tau² = max(0, (Q - (k - 1)) / (sum w - sum w² / sum w));
- REML tau² by Fisher scoring from the DerSimonian-Laird value, as `metafor::rma(method = "REML")`:
  tau² += (Y'PPY - tr P) / tr(PP), P = W - W 1 1' W / sum W, the step halved while it would make tau²
  negative, until a step is below 1e-10 (metafor stops at 1e-5: its printed tau² can differ in the 5th digit);
- I² = tau² / (tau² + s²), s² = (k - 1) sum w / ((sum w)² - sum w²) (metafor's "typical" within-centre
  variance; with DerSimonian-Laird's tau² it is Higgins' (Q - (k - 1)) / Q);
- intervals and p-values on the normal distribution (the packages' defaults, no Hartung-Knapp).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import exp, log, sqrt

import numpy as np

from iectox.i18n import N_
from iectox.stats.methods.cmh import mantel_haenszel_odds_ratio
from iectox.stats.methods.distributions import chi2_sf, norm_ppf, norm_sf
from iectox.stats.methods.result import NotComputable

Z95 = norm_ppf(0.975)
MEASURES = ("OR", "RD", "MD", "PLO")  # log odds ratio, risk difference, mean difference, logit proportion
REML_TOLERANCE = 1e-10
REML_MAX_STEPS = 1000


@dataclass(frozen=True)
class Pooled:
    """One pooled estimate: on the analysis scale (log OR, RD, MD) with its 95% CI and p-value; `model` is
    `fixed_iv`, `fixed_mh`, `random_dl` or `random_reml`; `tau2` and `i2` for the random-effects models."""

    model: str
    estimate: float
    se: float
    low: float
    high: float
    p_value: float
    tau2: float | None = None
    i2: float | None = None


@dataclass(frozen=True)
class MetaAnalysis:
    """Every centre's effect and variance (analysis scale), the pooled estimates, and Cochran's Q."""

    measure: str
    centres: tuple[str, ...]
    effects: tuple[float, ...]
    variances: tuple[float, ...]
    pooled: tuple[Pooled, ...]
    q: float
    q_df: int
    q_p_value: float
    left_out: tuple[str, ...] = ()  # centres without information on this effect

    def model(self, name: str) -> Pooled:
        return next(p for p in self.pooled if p.model == name)

    @property
    def exponentiated(self) -> bool:
        """An odds ratio is shown as exp() of its log; a difference as it is."""
        return self.measure == "OR"


def _pooled(model: str, y: np.ndarray, v: np.ndarray, tau2: float | None, i2: float | None) -> Pooled:
    w = 1.0 / (v + (tau2 or 0.0))
    estimate = float(np.sum(w * y) / np.sum(w))
    se = sqrt(1.0 / float(np.sum(w)))
    p = 2 * norm_sf(abs(estimate / se)) if se > 0 else float("nan")
    return Pooled(model, estimate, se, estimate - Z95 * se, estimate + Z95 * se, p, tau2, i2)


def dersimonian_laird(y: np.ndarray, v: np.ndarray) -> tuple[float, float]:
    """tau² by DerSimonian-Laird, and Cochran's Q (R: `rma(yi, vi, method = "DL")$tau2`, `$QE`)."""
    w = 1.0 / v
    fixed = np.sum(w * y) / np.sum(w)
    q = float(np.sum(w * (y - fixed) ** 2))
    c = float(np.sum(w) - np.sum(w**2) / np.sum(w))
    return max(0.0, (q - (len(y) - 1)) / c), q


def reml(y: np.ndarray, v: np.ndarray, start: float) -> float:
    """tau² by REML: metafor's Fisher scoring (`rma(yi, vi, method = "REML")`), from `start`."""
    tau2 = start
    for _ in range(REML_MAX_STEPS):
        w = 1.0 / (v + tau2)
        p = np.diag(w) - np.outer(w, w) / np.sum(w)
        py = p @ y
        step = (float(py @ py) - float(np.trace(p))) / float(np.sum(p * p.T))
        while tau2 + step < 0:
            step /= 2
        tau2 += step
        if abs(step) <= REML_TOLERANCE:
            return tau2
    raise NotComputable(N_("the REML estimate of tau² did not converge"))


def _i2(v: np.ndarray, tau2: float) -> float:
    w = 1.0 / v
    typical = (len(v) - 1) * np.sum(w) / (np.sum(w) ** 2 - np.sum(w**2))
    return float(tau2 / (tau2 + typical))


def meta_analysis(
    measure: str,
    centres: Sequence[str],
    effects: Sequence[float],
    variances: Sequence[float],
    mantel_haenszel: Pooled | None = None,
    left_out: Sequence[str] = (),
) -> MetaAnalysis:
    """Pool centres' effects (analysis scale) with their variances; at least two centres are needed."""
    y, v = np.asarray(effects, dtype=float), np.asarray(variances, dtype=float)
    if len(y) < 2:
        raise NotComputable(N_("pooling needs at least two centres with information on this effect"))
    if not (np.all(np.isfinite(y)) and np.all(np.isfinite(v)) and np.all(v > 0)):
        raise NotComputable(N_("a centre's effect has no finite, positive variance: it cannot be weighted"))
    tau2_dl, q = dersimonian_laird(y, v)
    tau2_reml = reml(y, v, tau2_dl)
    pooled = [_pooled("fixed_iv", y, v, None, None)]
    if mantel_haenszel is not None:
        pooled.append(mantel_haenszel)
    pooled.append(_pooled("random_dl", y, v, tau2_dl, _i2(v, tau2_dl)))
    pooled.append(_pooled("random_reml", y, v, tau2_reml, _i2(v, tau2_reml)))
    df = len(y) - 1
    return MetaAnalysis(
        measure,
        tuple(centres),
        tuple(map(float, y)),
        tuple(map(float, v)),
        tuple(pooled),
        q,
        df,
        chi2_sf(q, df),
        tuple(left_out),
    )


def log_odds_ratio(a: float, n1: float, c: float, n2: float) -> tuple[float, float] | None:
    """log OR of a/n1 vs c/n2 and its variance; 0.5 added to every cell when one is 0; None when neither
    cohort has both outcomes."""
    b, d = n1 - a, n2 - c
    if (a + c == 0) or (b + d == 0):
        return None
    if min(a, b, c, d) == 0:
        a, b, c, d = a + 0.5, b + 0.5, c + 0.5, d + 0.5
    return log(a * d / (b * c)), 1 / a + 1 / b + 1 / c + 1 / d


def risk_difference(a: float, n1: float, c: float, n2: float) -> tuple[float, float] | None:
    """p1 - p2 and its variance; None when the variance is 0 (every proportion 0 or 1)."""
    p1, p2 = a / n1, c / n2
    variance = p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2
    return (p1 - p2, variance) if variance > 0 else None


def mh_odds_ratio(tables: Sequence[tuple[float, float, float, float]]) -> Pooled:
    """Mantel-Haenszel common log odds ratio of (a, n1, c, n2) tables, Robins-Breslow-Greenland se."""
    x = np.array([[[a, n1 - a], [c, n2 - c]] for a, n1, c, n2 in tables], dtype=float)
    effect = mantel_haenszel_odds_ratio(x)
    estimate = log(effect.estimate)
    se = (log(effect.high) - estimate) / Z95 if effect.high is not None else float("nan")
    return Pooled(
        "fixed_mh", estimate, se, estimate - Z95 * se, estimate + Z95 * se, 2 * norm_sf(abs(estimate / se))
    )


def mh_risk_difference(tables: Sequence[tuple[float, float, float, float]]) -> Pooled:
    """Mantel-Haenszel risk difference with the Greenland-Robins variance (R meta `metabin(sm = "RD")`)."""
    t = np.array(tables, dtype=float)
    a, n1, c, n2 = t[:, 0], t[:, 1], t[:, 2], t[:, 3]
    b, d, n = n1 - a, n2 - c, n1 + n2
    weights = np.sum(n1 * n2 / n)
    estimate = float(np.sum((a * n2 - c * n1) / n) / weights)
    variance = float(np.sum((a * b * n2**3 + c * d * n1**3) / (n1 * n2 * n**2)) / weights**2)
    if not variance > 0:
        raise NotComputable(N_("the Mantel-Haenszel risk difference has variance 0"))
    se = sqrt(variance)
    return Pooled(
        "fixed_mh", estimate, se, estimate - Z95 * se, estimate + Z95 * se, 2 * norm_sf(abs(estimate / se))
    )


def logit_proportion(x: float, n: float) -> tuple[float, float] | None:
    """logit(x / n) and its variance, 0.5 added to both outcomes when one is 0; None for an empty cohort."""
    if n <= 0:
        return None
    events, others = x, n - x
    if events == 0 or others == 0:
        events, others = events + 0.5, others + 0.5
    return log(events / others), 1 / events + 1 / others


def shown(measure: str, value: float) -> float:
    """A value on the scale a reader sees: an odds ratio rather than its log, a proportion rather than its
    logit."""
    if measure == "OR":
        return exp(value)
    if measure == "PLO":
        return 1 / (1 + exp(-value))
    return value
