"""A study's adjusted comparisons (its `[adjusted]` section): the cohorts compared by logistic regression
adjusted for covariates, and outcomes compared with propensity-score weights.

    [adjusted]
    reference = "clinical_trial"          # the cohort the ratios are relative to (default: the first in order)
    covariates = ["age", "weight_kg", "indication_group", "therapy_class"]
    logistic = ["crs_any"]                # one regression table per outcome: a yes/no column, or crs_grade_2_plus,
                                          # icans_grade_2_plus (maximum grade >= 2)
    weighted = ["days_crs_onset_to_tocilizumab"]   # compared with propensity-score weights
    estimand = "ate"                      # ate, att or overlap
    unit = "infusion"                     # or "patient": each patient's first infusion only
    ci = "wald"                           # or "profile": R confint()'s profile likelihood intervals

Covariates are columns of the analysis table, or `indication_group`: the indication in five groups
(`INDICATION_GROUPS`), since a model cannot estimate one coefficient per rare indication.
A weighted outcome is compared among the infusions where it is recorded (the delay to tocilizumab, among
the treated): the propensity model is fitted on those.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd

from iectox.errors import SpecError
from iectox.stats.models import (
    ESTIMANDS,
    RegressionTable,
    WeightedComparison,
    propensity_weights,
    regression_table,
    weighted_comparison,
)
from iectox.stats.models.tables import UNITS, first_per_patient
from iectox.study.reading import choice, non_empty, not_allowed, table, typed
from iectox.study.variables import column

KEYS: dict[str, type] = {
    "reference": str,
    "covariates": list,
    "logistic": list,
    "weighted": list,
    "estimand": str,
    "unit": str,
    "ci": str,
}
INTERVALS = ("wald", "profile")
INDICATION_GROUP = "indication_group"
INDICATION_GROUPS = MappingProxyType(
    {
        "dlbcl_2l": "lbcl",
        "dlbcl_3l_plus": "lbcl",
        "pmbcl": "lbcl",
        "fl": "other_lymphoma",
        "mcl": "other_lymphoma",
        "cll": "other_lymphoma",
        "b_all": "b_all",
        "multiple_myeloma": "myeloma",
    }
)  # any other indication: "other"
GROUP_ORDER = ("lbcl", "other_lymphoma", "b_all", "myeloma", "other")  # the first is the reference
GRADE_OUTCOMES = MappingProxyType({"crs_grade_2_plus": "crs_grade", "icans_grade_2_plus": "icans_grade"})
SEVERE_FROM = 2  # grade >= 2: the toxicity treated with tocilizumab or corticosteroids


@dataclass(frozen=True)
class AdjustedSpec:
    reference: str | None
    covariates: tuple[str, ...]
    logistic: tuple[str, ...]
    weighted: tuple[str, ...]
    estimand: str = "ate"
    unit: str = "infusion"
    ci: str = "wald"


@dataclass(frozen=True)
class AdjustedResult:
    spec: AdjustedSpec
    exposure: str
    reference: str  # the cohort the ratios are relative to
    compared: str | None  # the other cohort, when there are two (the weighted comparisons need two)
    regressions: tuple[RegressionTable, ...]
    weighted: tuple[WeightedComparison, ...]


MODELLED = ("categorical", "boolean", "ordinal", "continuous")  # what a model can take; not ids, dates, text


def _columns(
    path: Path, key: str, raw: object, yes_no: bool = False, numeric: bool = False
) -> tuple[str, ...]:
    """Columns of the analysis table a model can use: yes/no ones for a logistic outcome, numbers for a
    weighted (linear) outcome, any but ids, dates and free text for a covariate."""
    names = non_empty(path, key, typed(path, key, raw, list), "column")
    kinds, wanted = (
        (("boolean",), "a yes/no column (a logistic model needs one)")
        if yes_no
        else (("continuous", "ordinal", "boolean"), "a number (a weighted mean is compared)")
        if numeric
        else (MODELLED, "a column a model can take (not an id, a date or free text)")
    )
    for name in names:
        if (name == INDICATION_GROUP and not (yes_no or numeric)) or (name in GRADE_OUTCOMES and yes_no):
            continue
        derived = column(path, key, name)
        if derived.kind not in kinds:
            raise SpecError(
                f"{path}: {key}: {name!r} ({derived.kind}) is not {wanted}",
                file=str(path),
                key=key,
                value=name,
                allowed=(wanted,),
            )
    return tuple(names)


def adjusted_spec(path: Path, doc: dict[str, Any]) -> AdjustedSpec | None:
    """The `[adjusted]` section, every key checked; None when the study has none."""
    if "adjusted" not in doc:
        return None
    section = table(path, "[adjusted]", doc["adjusted"], KEYS)
    reference = section.get("reference")
    return AdjustedSpec(
        reference=None if reference is None else typed(path, "[adjusted] reference", reference, str),
        covariates=_columns(path, "[adjusted] covariates", section.get("covariates", [INDICATION_GROUP])),
        logistic=_columns(
            path, "[adjusted] logistic", section.get("logistic", []) or ["crs_any"], yes_no=True
        ),
        weighted=_columns(path, "[adjusted] weighted", section.get("weighted", []), numeric=True)
        if "weighted" in section
        else (),
        estimand=choice(path, "[adjusted] estimand", section.get("estimand", "ate"), ESTIMANDS),
        unit=choice(path, "[adjusted] unit", section.get("unit", "infusion"), UNITS),
        ci=choice(path, "[adjusted] ci", section.get("ci", "wald"), INTERVALS),
    )


def with_derived(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with the columns only models use: the indication group, and each grade >= 2 (blank when the
    grade is)."""
    groups = frame["indication"].astype("string").map(dict(INDICATION_GROUPS)).fillna("other")
    present = [g for g in GROUP_ORDER if g in set(groups.dropna())]
    derived = {INDICATION_GROUP: pd.Categorical(groups.where(frame["indication"].notna()), present)}
    for name, grade in GRADE_OUTCOMES.items():
        if grade in frame:
            derived[name] = (frame[grade] >= SEVERE_FROM).astype("boolean")
    return frame.assign(**derived)


def run_adjusted(
    spec: AdjustedSpec,
    frame: pd.DataFrame,
    by: str,
    order: tuple[object, ...] | None,
    path: Path | None = None,
) -> AdjustedResult:
    """The regression tables and weighted comparisons of the study's cohorts (`by`, in `order`); `SpecError`
    when the reference is not one of them, or when a weighted comparison is asked of other than two cohorts."""
    where = path or Path("study")
    cohorts = [str(c) for c in (order or sorted(frame[by].dropna().astype(str).unique()))]
    if spec.reference is not None and spec.reference not in cohorts:
        raise not_allowed(
            where,
            "[adjusted] reference",
            spec.reference,
            cohorts,
            f"one of the cohorts of {by} ({', '.join(cohorts)})",
        )
    if spec.weighted and len(cohorts) != 2:
        raise SpecError(
            f"{where}: [adjusted] weighted: a propensity-weighted comparison compares 2 cohorts, not "
            f"{len(cohorts)} ({', '.join(cohorts)}); name two in [cohorts] order",
            file=str(where),
            key="[adjusted] weighted",
            value=list(spec.weighted),
            allowed=("two cohorts in [cohorts] order",),
        )
    reference = spec.reference if spec.reference is not None else cohorts[0]
    others = [c for c in cohorts if c != reference]
    rows = with_derived(frame)
    rows = rows[rows[by].astype("string").isin(cohorts)]
    rows = rows.assign(**{by: pd.Categorical(rows[by].astype("string"), [reference, *others])})
    terms = [by, *spec.covariates]
    regressions = tuple(
        regression_table(rows, outcome, terms, "logistic", {by: reference}, unit=spec.unit, ci=spec.ci)  # type: ignore[arg-type]
        for outcome in spec.logistic
    )
    weighted = []
    compared = others[0] if len(others) == 1 else None
    if compared is not None:
        counted = first_per_patient(rows) if spec.unit == "patient" else rows
        cluster = "patient_id" if spec.unit == "infusion" else None
        for outcome in spec.weighted:
            known = counted[counted[outcome].notna()]
            weighting = propensity_weights(
                known, by, compared, reference, list(spec.covariates), spec.estimand
            )  # type: ignore[arg-type]
            weighted.append(weighted_comparison(known, outcome, weighting, "linear", cluster))
    return AdjustedResult(spec, by, reference, compared, regressions, tuple(weighted))
