"""Adjusted comparisons: regression models matching R (glm, MASS::glm.nb, survival::coxph), robust and
cluster-robust standard errors (sandwich, survey), and propensity-score weighting with its balance.

numpy and scipy.special only at import; statsmodels is imported by the Cox model when one is fitted.
"""

from iectox.stats.models.balance import kish_ess
from iectox.stats.models.notes import Note
from iectox.stats.models.propensity import (
    ESTIMANDS,
    Balance,
    GroupWeights,
    WeightedComparison,
    Weighting,
    propensity_weights,
    weighted_comparison,
)
from iectox.stats.models.regression import MODELS, Estimate, ModelResult, fit_model
from iectox.stats.models.tables import RegressionTable, first_per_patient, regression_table

__all__ = [
    "ESTIMANDS",
    "MODELS",
    "Balance",
    "Estimate",
    "GroupWeights",
    "ModelResult",
    "Note",
    "RegressionTable",
    "WeightedComparison",
    "Weighting",
    "first_per_patient",
    "fit_model",
    "kish_ess",
    "propensity_weights",
    "regression_table",
    "weighted_comparison",
]
