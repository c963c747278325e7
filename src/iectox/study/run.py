"""Running a study: from a dataset and a spec to its comparison tables and the published-vs-reproduced check."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import pandas as pd

from iectox import i18n
from iectox.analysis import BY_NAME, infusion_table
from iectox.dataset import Dataset
from iectox.management.audit import Audit, audit
from iectox.published import SummaryTable
from iectox.published.recheck import printed_p
from iectox.published.summary_table import Variable as PublishedVariable
from iectox.published.summary_table import decimals
from iectox.stats.adverse_events import AdverseEventTable
from iectox.stats.compare import Comparison, compare
from iectox.stats.table import VariableResult
from iectox.study.adjusted import AdjustedResult, run_adjusted
from iectox.study.adverse_events import study_adverse_events
from iectox.study.bsab_crs import BsabCrs, bsab_crs_by_dose
from iectox.study.levels import check_levels
from iectox.study.population import study_population
from iectox.study.spec import StudySpec, TableSpec, load_management_pathway, load_reference
from iectox.study.time_to_event import TimeToEvent, time_to_event


@dataclass(frozen=True)
class Check:
    """One published number next to the same number computed from the patient-level rows."""

    table: str
    variable: str
    group: str | None
    statistic: str
    published: str
    reproduced: str
    agrees: bool | None  # None when the two cannot be compared (e.g. a p-value from an unstated test)
    value: float | None = None  # our number, unrounded (reproduced is its English text)
    digits: int = 0  # the decimals it is printed with
    test: str | None = None  # the test that made our p-value


@dataclass(frozen=True)
class StudyResult:
    spec: StudySpec
    frame: pd.DataFrame  # one row per infusion
    tables: tuple[tuple[TableSpec, Comparison], ...]
    reference: SummaryTable | None
    checks: tuple[Check, ...]
    management: Audit | None = None  # the management audit, when the spec has a [management] section
    left_out: int = 0  # infusions of the dataset outside the study's period (`iectox.study.period`)
    adverse_events: AdverseEventTable | None = None  # when the spec has an [adverse_events] section
    time_to_event: TimeToEvent | None = None  # CRS and ICANS cumulative incidence, overall survival
    adjusted: AdjustedResult | None = None  # the [adjusted] section's models, when the spec has one
    bsab_crs: BsabCrs | None = None  # CRS per bispecific dose, when the study holds bispecific courses
    apart: int = 0  # infusions of the period outside the cohorts' therapy class (`iectox.study.population`)


def _matches(printed: str, value: float | None) -> bool:
    if value is None or value != value:
        return False
    number = printed.lstrip("<>")
    return round(value, decimals(number)) == round(float(number), decimals(number))


def _group_keys(spec: StudySpec, reference: SummaryTable) -> dict[str, int]:
    """Published group id -> our group index: by the group's setting (a 'trial' group is the clinical trials)."""
    order = list(spec.order or [])
    keys = {}
    for group in reference.groups:
        wanted = "clinical_trial" if "trial" in f"{group.id} {group.label}".lower() else "standard_of_care"
        if wanted in order:
            keys[group.id] = order.index(wanted)
    return keys


def _row_value(result: VariableResult, level: str, index: int) -> float | None:
    """Our count for a published level, matched by label, by code, or through the column's vocabulary."""
    wanted = level.strip().lower()
    vocabulary = BY_NAME[result.name].vocabulary if result.name in BY_NAME else None
    code = vocabulary.normalise(level) if vocabulary is not None else None
    for row in result.rows:
        names = {row.label.strip().lower(), str(row.level).lower()}
        if code is not None and row.level == code:
            names.add(wanted)
        if wanted == "no" and result.kind == "toxicity":
            names.add("grade 0")
        if wanted in names and row.cells:
            return row.cells[index].values[0]
    if result.kind == "toxicity" and wanted == "no" and result.counts is not None and result.counts.size:
        return float(result.counts[index][0])
    return None


def _checks(
    table: TableSpec, comparison: Comparison, reference: SummaryTable, keys: dict[str, int], digits: int
) -> list[Check]:
    checks: list[Check] = []
    published = {v.name: v for v in reference.variables}
    for name, ref in table.references.items():
        variable: PublishedVariable | None = published.get(ref)
        if variable is None:
            continue
        result = comparison.result(name)
        for group_id, index in keys.items():
            for level, count in (variable.counts or {}).get(group_id, {}).items():
                ours = _row_value(result, level, index)
                shown = "-" if ours is None else f"{ours:.0f}"
                pooled = level.strip().lower() == "other" and result.variable.top is not None
                agrees = None if pooled else ours == count  # "Other" pools other levels than ours
                checks.append(Check(table.id, name, group_id, level, str(count), shown, agrees, ours))
            summary = (variable.summary or {}).get(group_id)
            if summary is not None:
                for statistic, value in (("mean", summary.mean), ("sd", summary.sd)):
                    if value is None:
                        continue
                    row = next((r for r in result.rows if r.level == "mean_sd"), None)
                    ours = None if row is None else row.cells[index].values[0 if statistic == "mean" else 1]
                    printed = summary.printed.get(statistic, str(value))
                    digits = max(decimals(printed), 1)
                    checks.append(
                        Check(
                            table.id,
                            name,
                            group_id,
                            statistic,
                            printed,
                            "-" if ours is None else f"{ours:.{digits}f}",
                            _matches(printed, ours),
                            ours,
                            digits,
                        )
                    )
        if variable.reported_p is not None:
            p = result.p_value
            test = result.test.test if result.test else "not tested"
            digits = max(decimals(variable.reported_p.lstrip("<>")), 1)
            checks.append(
                Check(
                    table.id,
                    name,
                    None,
                    "p",
                    variable.reported_p,
                    "-" if p is None else f"{i18n.p_value(p, digits, 'en')} ({test})",
                    p is not None and printed_p(variable.reported_p).matches(p),
                    p,
                    digits,
                    result.test.test if result.test else None,
                )
            )
    return checks


def study_cohorts(spec: StudySpec, frame: pd.DataFrame) -> pd.Series:
    """Each infusion's cohort as the study defines it (its `by` column, its `order`), indexed by infusion_id:
    the management audit groups its KPIs by the study's cohorts, as the tables do. An infusion in none of
    the ordered cohorts is blank, as it is in no column of the tables."""
    cohorts = frame.set_index("infusion_id")[spec.by]
    return cohorts if spec.order is None else cohorts.where(cohorts.isin(list(spec.order)))


def run_study(
    dataset: Dataset,
    spec: StudySpec,
    graded: pd.DataFrame | None = None,
    before_audit: Callable[[StudyResult], object] | None = None,
) -> StudyResult:
    """The study's tables and checks on the infusions of its period (those outside it are left out and counted:
    `left_out`); `SpecError` when a cohort or level it names is not in the data.

    When the spec names a therapy class, the tables, checks, adverse events, time to event and adjusted models
    count that class's infusions (`frame`), and the others are counted in `apart`: the CRS per bispecific dose
    and the management audit take every infusion of the period, the audit's KPIs those of the cohorts.

    `graded` is the per-infusion episodes graded elsewhere (`iectox.engine` at national scale, where the
    observations never reach memory); by default the audit grades the dataset's observations itself.

    The management audit runs last. `before_audit`, if given, is called with the result so far (everything
    but `management`) before it starts: `iectox report` hands the study's figures to another process then, to
    be drawn while this one audits.
    """
    population = study_population(dataset, spec)
    dataset, compared = population.of_period, population.compared
    frame = infusion_table(compared, spec.analysis)
    check_levels(spec, frame)
    tables = []
    for table in spec.tables:
        comparison = compare(
            frame, spec.by, table.variables, spec.policy, spec.order, dict(spec.labels), strata=table.strata
        )
        tables.append((table, comparison.add_p().add_overall().add_smd()))
    reference = load_reference(spec)
    checks: list[Check] = []
    if reference is not None:
        keys = _group_keys(spec, reference)
        for table, comparison in tables:
            checks += _checks(table, comparison, reference, keys, spec.digits)
    adverse = spec.adverse_events
    scale = spec.analysis.grading_scale
    events = (
        None
        if adverse is None
        else study_adverse_events(adverse, compared, frame, spec.by, spec.order, scale)
    )
    survival = time_to_event(frame, spec.by, spec.order)
    adjusted = (
        None if spec.adjusted is None else run_adjusted(spec.adjusted, frame, spec.by, spec.order, spec.path)
    )
    by_dose = bsab_crs_by_dose(dataset, scale)
    result = StudyResult(
        spec,
        frame,
        tuple(tables),
        reference,
        tuple(checks),
        None,
        population.left_out,
        events,
        survival,
        adjusted,
        by_dose,
        population.apart,
    )
    pathway = load_management_pathway(spec)
    if pathway is None:
        return result
    if before_audit is not None:
        before_audit(result)
    cohorts = study_cohorts(spec, frame).reindex(dataset["infusions"]["infusion_id"])  # blank: apart
    return replace(result, management=audit(dataset, pathway, graded, cohorts=cohorts))
