"""How close the generated cohort comes to each published number, measured on the dataset itself.

Every figure is recomputed from the generated tables (not from the generator's internals), the way an
analyst would: counts per level, means and SDs, and the p-values for the tests the table implies.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from iectox.analysis import infusion_table
from iectox.dataset import Dataset
from iectox.published import SummaryTable, Variable
from iectox.published.consistency import LEVELS_VS_N
from iectox.published.summary_table import decimals
from iectox.schema import INDICATION
from iectox.schema.model import fold
from iectox.schema.vocabularies import EPISODE_OUTCOME, SEX
from iectox.stats.methods import pearson_chi2, student_t, welch_t, yates_chi2
from iectox.synth.contradictions import SynthFinding
from iectox.synth.moments import p_window
from iectox.synth.targets import KNOWN, GroupTargets

EXACT, PRINTED = "exact", "to printed precision"


@dataclass(frozen=True)
class CalibrationRecord:
    """One published number: `statistic` is a level, 'mean', 'sd' or 'p' (group None for a p-value)."""

    name: str
    group: str | None
    statistic: str
    target: str
    achieved: str
    status: str


class Measures:
    """The quantities of the published table, recomputed per setting from the analysis table of the dataset:
    the same definitions as any report of it (`iectox.analysis`)."""

    def __init__(self, data: Dataset):
        self.frame = infusion_table(data).set_index("infusion_id")

    def rows(self, setting: str) -> pd.DataFrame:
        return self.frame[self.frame["cohort"] == setting]

    def treated(self, setting: str) -> pd.DataFrame:
        rows = self.rows(setting)
        return rows[rows["tocilizumab"].fillna(False).astype(bool)]

    def levels(self, variable: Variable, group: str, setting: str) -> dict[str, int]:
        """Generated count for each level the group prints ('Other': indications it does not name)."""
        rows = self.rows(setting)
        levels = list(variable.counts.get(group, {}))
        name = variable.name
        if name == "sex":
            return {lvl: int((rows["sex"] == SEX.normalise(lvl)).sum()) for lvl in levels}
        if name == "indication":
            named = {INDICATION.normalise(lvl) for lvl in levels} - {"other"}
            return {
                lvl: int((~rows["indication"].isin(named)).sum())
                if INDICATION.normalise(lvl) == "other"
                else int((rows["indication"] == INDICATION.normalise(lvl)).sum())
                for lvl in levels
            }
        if name in ("crs_grade", "icans_grade"):
            return self._grades(rows[name], levels)
        treated = self.treated(setting)
        if name == "tocilizumab":
            return {lvl: len(treated) if fold(lvl) == "yes" else len(rows) - len(treated) for lvl in levels}
        if name == "corticosteroids_with_tocilizumab":
            yes = int(treated["corticosteroids_with_tocilizumab"].fillna(False).sum())
            return {lvl: yes if fold(lvl) == "yes" else len(treated) - yes for lvl in levels}
        if name == "crs_outcome":
            return {
                lvl: int((treated["crs_outcome"] == EPISODE_OUTCOME.normalise(lvl)).sum()) for lvl in levels
            }
        raise KeyError(name)

    @staticmethod
    def _grades(grade: pd.Series, levels: list[str]) -> dict[str, int]:
        out = {}
        for lvl in levels:
            key = fold(lvl)
            if key == "no":
                out[lvl] = int((grade == 0).sum())
            elif key == "yes":
                out[lvl] = int((grade >= 1).sum())
            else:
                out[lvl] = int((grade == int(key.removeprefix("grade"))).sum())
        return out

    def values(self, name: str, setting: str) -> np.ndarray:
        """Per-infusion values of a continuous variable (treated infusions for the tocilizumab ones)."""
        if name in ("age", "weight"):
            column = self.rows(setting)["age" if name == "age" else "weight_kg"]
            return column.dropna().to_numpy(float)
        if name in ("tocilizumab_dose_mg", "tocilizumab_injections", "days_crs_onset_to_tocilizumab"):
            return self.treated(setting)[name].to_numpy(dtype=float, na_value=np.nan)
        raise KeyError(name)


def _fmt(value: float, places: int) -> str:
    return f"{value:.{places}f}"


def _count_records(
    variable: Variable,
    targets: dict[str, GroupTargets],
    measures: Measures,
    findings: dict[tuple[str, str | None], SynthFinding],
) -> list[CalibrationRecord]:
    records = []
    for group, levels in variable.counts.items():
        got = measures.levels(variable, group, targets[group].setting)
        for level, printed in levels.items():
            achieved = got[level]
            if achieved == printed:
                status = EXACT
            else:
                finding = findings.get((variable.name, group))
                why = f"{finding.message}; {finding.resolution}" if finding else f"generated {achieved}"
                status = f"not calibrated: {why}"
            records.append(
                CalibrationRecord(variable.name, group, level, str(printed), str(achieved), status)
            )
    return records


def _moment_records(
    variable: Variable, targets: dict[str, GroupTargets], measures: Measures
) -> list[CalibrationRecord]:
    records = []
    for group, summary in variable.summary.items():
        values = measures.values(variable.name, targets[group].setting)
        for field in ("mean", "sd"):
            if getattr(summary, field) is None:
                continue
            target = float(getattr(summary, field))
            places = summary.decimals(field)
            achieved = float(np.mean(values)) if field == "mean" else float(np.std(values, ddof=1))
            if field == "mean" and math.isclose(achieved, target, rel_tol=1e-12, abs_tol=1e-9):
                status = EXACT
            elif _fmt(achieved, places) == summary.printed[field]:
                status = PRINTED
            else:
                status = f"not calibrated: generated {achieved:.{places + 2}f}"
            records.append(
                CalibrationRecord(
                    variable.name, group, field, summary.printed[field], _fmt(achieved, places), status
                )
            )
    return records


def _p_record(
    variable: Variable, table: SummaryTable, targets: dict[str, GroupTargets], measures: Measures
) -> CalibrationRecord | None:
    printed = variable.reported_p
    if printed is None:
        return None
    window = p_window(printed)
    present = variable.summary if variable.is_continuous else variable.counts
    groups = [g for g in table.group_ids if g in present]
    p, test = None, None
    with_sd = all(s.sd is not None for s in variable.summary.values())
    if variable.is_continuous and with_sd and len(groups) == 2:
        if variable.stated_test in (None, "welch_t", "student_t"):
            a, b = (measures.values(variable.name, targets[g].setting) for g in groups)
            result = (student_t if variable.stated_test == "student_t" else welch_t)(a, b)
            p, test = result.p_value, result.method
    elif not variable.is_continuous and variable.stated_test in (None, "pearson_chi2", "yates_chi2"):
        counts = [measures.levels(variable, g, targets[g].setting) for g in groups]
        observed = np.array([[c[lvl] for lvl in counts[0]] for c in counts])
        result = (yates_chi2 if variable.stated_test == "yates_chi2" else pearson_chi2)(observed)
        p, test = result.p_value, result.method
    if p is None or window is None:
        why = (
            "no SD is published, so the p-value cannot be aimed at"
            if variable.is_continuous
            else "the test cannot be recomputed from the published numbers"
        )
        return CalibrationRecord(variable.name, None, "p", printed, "", f"not calibrated: {why}")
    places = decimals(printed.lstrip("."))
    achieved = _fmt(p, places)
    if window[0] <= p < window[1]:
        status = PRINTED
    else:
        status = (
            f"not calibrated: {test} on the generated data gives {achieved}; the source's test is "
            "not stated (rechecked by the p-value audit)"
        )
    return CalibrationRecord(variable.name, None, "p", printed, achieved, status)


def calibration_records(
    table: SummaryTable, targets: list[GroupTargets], findings: list[SynthFinding], data: Dataset
) -> list[CalibrationRecord]:
    """One record per published number, in table order: target as printed, achieved, status."""
    by_group = {t.id: t for t in targets}
    by_place = {(f.variable, f.group): f for f in findings if f.kind == LEVELS_VS_N}
    measures = Measures(data)
    records: list[CalibrationRecord] = []
    for variable in table.variables:
        if variable.name not in KNOWN:
            records.append(
                CalibrationRecord(
                    variable.name, None, "", "", "", "not calibrated: no generator for this variable"
                )
            )
            continue
        if variable.is_continuous:
            records.extend(_moment_records(variable, by_group, measures))
        else:
            records.extend(_count_records(variable, by_group, measures, by_place))
        p = _p_record(variable, table, by_group, measures)
        if p is not None:
            records.append(p)
    return records
