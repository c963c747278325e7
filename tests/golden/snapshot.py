"""The demo's numbers in a layout-independent long form, so that a redesign can be checked cell by cell.

`make demo` rebuilds the seed study (synthetic cohort, seed `DEFAULT_SEED`), adds the demo's synthetic
bispecific antibody courses (`iectox.synth.demo`: apart from the CAR-T cohorts, whose numbers they leave
alone), runs the study and writes the report; the numbers it prints come from the frames below. Each frame
is stored under `tests/golden/data/`. When an output's structure changes, only the extraction here changes:
the stored numbers must not.

Regenerate (only when a number is meant to change, saying why in the same commit):

    .venv/bin/python -m tests.golden.snapshot --write
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from iectox.analysis import infusion_table
from iectox.grading import grade_dataset
from iectox.study import StudyResult, run_study, seed_study
from iectox.synth import calibrate
from iectox.synth.demo import demo_dataset
from iectox.synth.generate import DEFAULT_SEED

DATA = Path(__file__).parent / "data"


def comparison_cells(result: StudyResult) -> pd.DataFrame:
    """Every number of every comparison table: one row per table, variable, level, column and statistic."""
    rows = []
    for spec, comparison in result.tables:
        for r in comparison.results:
            for row in r.rows:
                for column, cell in enumerate(row.cells):
                    for index, value in enumerate(cell.values):
                        rows.append((spec.id, r.name, str(row.level), column, cell.kind, index, value))
    columns = ["table", "variable", "level", "column", "statistic", "index", "value"]
    return pd.DataFrame(rows, columns=columns)


def comparison_tests(result: StudyResult) -> pd.DataFrame:
    """Per variable: n and missing per column, the test, its p-value and statistic, the SMD."""
    rows = []
    for spec, comparison in result.tables:
        for r in comparison.results:
            rows.append(
                {
                    "table": spec.id,
                    "variable": r.name,
                    "n": " ".join(f"{v:g}" for v in r.n),
                    "missing": " ".join(f"{v:g}" for v in r.missing),
                    "test": None if r.test is None else r.test.test,
                    "p_value": None if r.test is None else r.test.p_value,
                    "statistic": None if r.test is None else r.test.statistic,
                    "df": None if r.test is None else r.test.df,
                    "smd": r.smd,
                }
            )
    return pd.DataFrame(rows)


def adverse_event_cells(result: StudyResult) -> pd.DataFrame:
    """Every count and share of the adverse-event table: one row per row id and column."""
    table = result.adverse_events
    assert table is not None
    rows = [
        (row.id, column, cell.values[0], cell.values[1])
        for row in table.rows
        for column, cell in enumerate(row.cells)
    ]
    return pd.DataFrame(rows, columns=["row", "column", "n", "percent"])


def published_checks(result: StudyResult) -> pd.DataFrame:
    return pd.DataFrame(
        [
            (c.table, c.variable, c.group, c.statistic, c.published, c.reproduced, c.agrees)
            for c in result.checks
        ],
        columns=["table", "variable", "group", "statistic", "published", "reproduced", "agrees"],
    )


def audit_frames(result: StudyResult) -> dict[str, pd.DataFrame]:
    audit = result.management
    assert audit is not None
    findings = pd.DataFrame(
        [(f.severity, f.rule, f.infusion_id, f.episode_id, f.administration_id) for f in audit.findings],
        columns=["severity", "rule", "infusion_id", "episode_id", "administration_id"],
    ).sort_values(["severity", "rule", "infusion_id", "episode_id", "administration_id"], na_position="first")
    return {
        "audit_findings": findings.reset_index(drop=True),
        "audit_episodes": audit.episodes,
        "audit_timings": audit.timings,
        "audit_adherence": audit.adherence,
        "audit_kpis_by_cohort": audit.kpis_by_cohort,
        "audit_kpis_by_quarter": audit.kpis_by_quarter,
        "audit_tocilizumab": audit.tocilizumab,
        "audit_corticosteroid_courses": audit.corticosteroid_courses,
        "audit_corticosteroid_exposure": audit.corticosteroid_exposure,
        "audit_bsab_doses": audit.bsab_doses,
    }


def time_to_event(result: StudyResult) -> pd.DataFrame:
    """Per syndrome and cohort: n, events, competing deaths, and at each report day the cumulative incidence,
    its variance and 95% limits; Gray's statistic and p on each syndrome's first row; then overall survival:
    the log-rank test and the median follow-up, and per cohort the median and its 95% CI."""
    tte = result.time_to_event
    assert tte is not None
    rows = []
    for item in tte.incidence:
        for k, curve in enumerate(item.curves):
            estimate, low, high = curve.interval(tte.days)
            variance = curve.at(tte.days)[1]
            for day, e, v, lo, hi in zip(tte.days, estimate, variance, low, high, strict=True):
                test = item.test if k == 0 and day == tte.days[0] else None
                rows.append(
                    (item.endpoint, curve.group, curve.n, curve.events, curve.competing, day, e, v, lo, hi,
                     None if test is None else test.statistic, None if test is None else test.p_value)
                )  # fmt: skip
    survival = tte.survival
    assert survival is not None and survival.test is not None
    follow_up = survival.follow_up
    rows.append(
        ("overall_survival", None, sum(c.n for c in survival.curves), sum(c.events for c in survival.curves),
         None, None, follow_up.estimate, None, follow_up.low, follow_up.high, survival.test.statistic,
         survival.test.p_value)
    )  # fmt: skip
    for cohort, curve in zip(survival.cohorts, survival.curves, strict=True):  # the median and its 95% CI
        median = curve.median
        rows.append(
            ("overall_survival", cohort, curve.n, curve.events, None, None, median.estimate, None, median.low,
             median.high, None, None)
        )  # fmt: skip
    columns = ["endpoint", "cohort", "n", "events", "competing", "day", "estimate", "variance", "low", "high"]
    return pd.DataFrame(rows, columns=[*columns, "statistic", "p_value"])


def adjusted_models(result: StudyResult) -> pd.DataFrame:
    """Every coefficient of the seed study's adjusted comparisons (its [adjusted] section): one row per model,
    term and level, and each model's notes (ids), n and events."""
    adjusted = result.adjusted
    assert adjusted is not None
    models = [(f"{t.outcome} univariable", m) for t in adjusted.regressions for m in t.univariable]
    models += [(f"{t.outcome} multivariable", t.multivariable) for t in adjusted.regressions]
    for comparison in adjusted.weighted:
        models += [(f"{comparison.outcome} propensity", comparison.weighting.propensity)]
        models += [(f"{comparison.outcome} weighted", comparison.model)]
    rows = []
    for name, model in models:
        notes = " ".join(n.id for n in model.notes)
        rows.append((name, "", "", model.n, model.events, notes, None, None, None, None, None))
        for e in model.estimates:
            rows.append((name, e.term, e.level, None, None, None, e.coef, e.se, e.estimate, e.low, e.high))
    columns = ["model", "term", "level", "n", "events", "notes", "coef", "se", "estimate", "low", "high"]
    frame = pd.DataFrame(rows, columns=columns)
    p_values = [
        None if e is None else e for _, m in models for e in (None, *(x.p_value for x in m.estimates))
    ]
    return frame.assign(p_value=p_values)


def adjusted_weighting(result: StudyResult) -> pd.DataFrame:
    """The weighted comparisons' groups (n, weight sum, Kish ESS, weighted mean) and balance (SMD before, after)."""
    adjusted = result.adjusted
    assert adjusted is not None
    rows = []
    for comparison in adjusted.weighted:
        for g in comparison.groups:
            rows.append((comparison.outcome, "group", g.group, g.n, g.weight_sum, g.ess, g.outcome_mean))
        for b in comparison.weighting.balance:
            rows.append((comparison.outcome, "smd", b.term, None, b.before, b.after, None))
    return pd.DataFrame(rows, columns=["outcome", "row", "name", "n", "value1", "value2", "value3"])


def bsab_crs(result: StudyResult) -> pd.DataFrame:
    """CRS per bispecific antibody dose: per product and dose, patients dosed, CRS, grade >= 2, median hours."""
    table = result.bsab_crs
    assert table is not None
    rows = [
        (p.product, p.patients, d.dose, d.dosed, d.crs, d.crs_grade2, d.median_hours, d.timed)
        for p in table.products
        for d in p.doses
    ]
    columns = ["product", "patients", "dose", "dosed", "crs", "crs_grade2", "median_hours", "timed"]
    return pd.DataFrame(rows, columns=columns)


def snapshot() -> dict[str, pd.DataFrame]:
    """The demo's numbers, computed as `iectox demo` computes them."""
    dataset = demo_dataset(calibrate(seed=DEFAULT_SEED).dataset, DEFAULT_SEED)
    result = run_study(dataset, seed_study())
    graded = grade_dataset(dataset)
    keep = ["infusion_id", "observed_at", "crs_grade", "crs_reason", "icans_grade", "icans_reason"]
    return {
        "analysis_table": infusion_table(dataset, result.spec.analysis),
        "comparison_cells": comparison_cells(result),
        "comparison_tests": comparison_tests(result),
        "published_checks": published_checks(result),
        "adverse_events": adverse_event_cells(result),
        "time_to_event": time_to_event(result),
        "adjusted_models": adjusted_models(result),
        "adjusted_weighting": adjusted_weighting(result),
        **audit_frames(result),
        "graded_observations": graded[keep],
        "bsab_crs": bsab_crs(result),
    }


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Every cell as text, floats with all their digits, blanks as empty strings: what is stored."""

    def cell(value: object) -> str:
        if value is None or value is pd.NA or value is pd.NaT:
            return ""
        if isinstance(value, float):
            return "" if value != value else repr(value)
        return str(value)

    return frame.reset_index(drop=True).astype(object).map(cell)


def write(folder: Path = DATA) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in snapshot().items():
        as_text(frame).to_csv(folder / f"{name}.csv", index=False)


def read(name: str, folder: Path = DATA) -> pd.DataFrame:
    return pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit(__doc__)
    write()
