"""From a published summary table to calibration targets per group.

Every count is taken as printed, except where the table contradicts itself (see `contradictions`).
Variables the table does not report fall back to plausible defaults (and are then not calibrated).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from iectox.errors import SpecError
from iectox.published import SummaryTable, Variable, consistency_findings
from iectox.published.consistency import yes_level
from iectox.schema import INDICATION
from iectox.schema.model import Vocabulary, fold
from iectox.schema.vocabularies import EPISODE_OUTCOME, SEX, TOXICITY_STATUS
from iectox.synth.contradictions import (
    SynthFinding,
    crs_outcome_over_treated,
    grade_levels_vs_n,
    in_table_order,
    median_labels,
    sex_levels_vs_n,
    steroids_alone_footnote,
    steroids_among_treated,
)
from iectox.synth.moments import sds_for_p
from iectox.synth.products import OTHER_INDICATIONS
from iectox.synth.select import largest_remainder

KNOWN = (
    "sex",
    "age",
    "weight",
    "indication",
    "crs_grade",
    "icans_grade",
    "tocilizumab",
    "tocilizumab_dose_mg",
    "days_crs_onset_to_tocilizumab",
    "tocilizumab_injections",
    "corticosteroids_with_tocilizumab",
    "crs_outcome",
)
MINUTES_PER_DAY = 1440

#  Plausible defaults for what a table does not report (shares of the group, or of the treated).
DEFAULT_SEX = {"male": 0.62, "female": 0.38}
DEFAULT_INDICATION = {
    "dlbcl_3l_plus": 0.4,
    "dlbcl_2l": 0.2,
    "multiple_myeloma": 0.2,
    "mcl": 0.07,
    "fl": 0.05,
    "b_all": 0.05,
    "pmbcl": 0.03,
}
DEFAULT_CRS = {0: 0.2, 1: 0.55, 2: 0.2, 3: 0.04, 4: 0.01}
DEFAULT_ICANS = {0: 0.75, 1: 0.08, 2: 0.08, 3: 0.07, 4: 0.02}
DEFAULT_AGE, DEFAULT_WEIGHT = (60.0, 13.0), (72.0, 15.0)
DEFAULT_TREATED_OF_CRS, DEFAULT_STEROID_OF_TREATED = 0.65, 0.5
DEFAULT_DELAY_DAYS, DEFAULT_INJECTIONS = 1.5, 1.7


@dataclass(frozen=True)
class Moments:
    """A continuous target: the mean to hit exactly (via the sum) and the SD to aim at."""

    mean: float
    sd: float
    sd_target: float


@dataclass(frozen=True)
class GroupTargets:
    """Every count and moment the generator must produce for one group of the table."""

    id: str
    label: str
    setting: str
    n: int
    sex: Mapping[str, int]
    age: Moments
    weight: Moments
    indication: Mapping[str, int]
    crs: Mapping[int, int]  # grade -> infusions; 0 = no CRS
    crs_unknown: int
    icans: Mapping[int, int]
    icans_unknown: int
    treated: int  # infusions given tocilizumab (all with CRS)
    dose_total_mg: int | None  # sum over treated of each patient's mean mg per injection
    delay_total_min: int  # sum over treated of CRS onset -> first tocilizumab, minutes
    injections_total: int
    steroid_treated: int  # treated infusions that also get a corticosteroid
    crs_deaths: int  # treated infusions that die during their CRS episode
    steroid_alone: int | None  # corticosteroid without tocilizumab, when the source says
    calibrated: frozenset[str] = field(default_factory=frozenset)


def setting_of(group_id: str, label: str) -> str:
    """clinical_trial when the group's id or label mentions a trial, standard_of_care otherwise."""
    return "clinical_trial" if "trial" in fold(group_id) + fold(label) else "standard_of_care"


def _grade(level: str, variable: str) -> int | None:
    key = fold(level)
    if key == "no":
        return 0
    if re.fullmatch(r"grade\d", key):
        return int(key[-1])
    if key == "yes":
        return None
    raise SpecError(f"{variable}: level {level!r} is neither 'No', 'Yes' nor 'Grade k'")


def _shares(counts: Mapping[object, float], n: int) -> dict:
    keys = list(counts)
    return dict(zip(keys, (int(c) for c in largest_remainder([counts[k] for k in keys], n)), strict=True))


def _first_level(variable: Variable, group: str, code: str, vocabulary: Vocabulary) -> int | None:
    """The count of the first level that means `code` in the vocabulary ('Recovery' -> resolved)."""
    for level, count in variable.counts.get(group, {}).items():
        if vocabulary.normalise(level) == code:
            return count
    return None


class _Builder:
    """Reads the table once, group by group, collecting the findings on the way."""

    def __init__(self, table: SummaryTable, tune_p: bool):
        self.table = table
        self.findings: list[SynthFinding] = []
        self.sd_targets: dict[tuple[str, str], float] = {}
        self.checks = {(f.variable, f.group): f for f in consistency_findings(table)}
        if tune_p:
            self._tune_p_values()

    def _tune_p_values(self) -> None:
        """SDs inside their printed precision that put each t-test p at the centre of its printed window."""
        groups = self.table.group_ids
        for name in ("age", "weight"):
            variable = self.table.get(name)
            if variable is None or len(groups) != 2:
                continue
            if variable.stated_test not in (None, "welch_t", "student_t"):
                continue
            summaries = [variable.summary.get(g) for g in groups]
            if any(s is None or s.mean is None or s.sd is None for s in summaries) or not variable.reported_p:
                continue
            ns = tuple(self.table.n(variable, g) for g in groups)
            solved = sds_for_p(
                (summaries[0].mean, summaries[1].mean),
                (summaries[0].sd, summaries[1].sd),  # type: ignore[union-attr]
                (summaries[0].decimals("sd"), summaries[1].decimals("sd")),
                ns,  # type: ignore[union-attr,arg-type]
                variable.reported_p,
                equal_var=variable.stated_test == "student_t",
            )
            if solved is not None:
                self.sd_targets.update({(name, g): s for g, s in zip(groups, solved, strict=True)})

    def note(self, finding: SynthFinding | None) -> None:
        if finding is not None:
            self.findings.append(finding)

    def group(self, group_id: str) -> GroupTargets:
        g = self.table.group(group_id)
        if g.n is None:
            raise SpecError(f"{self.table.source}: group {group_id!r} has no n; the generator needs it")
        n, calibrated = g.n, set()
        get = self.table.get
        sex = self._sex(get("sex"), group_id, n, calibrated)
        age = self._moments(get("age"), group_id, DEFAULT_AGE, calibrated)
        weight = self._moments(get("weight"), group_id, DEFAULT_WEIGHT, calibrated)
        setting = setting_of(group_id, g.label)
        indication = self._indication(get("indication"), group_id, n, setting, calibrated)
        crs, crs_unknown = self._grades(get("crs_grade"), group_id, n, DEFAULT_CRS, "crs_status", calibrated)
        icans, icans_unknown = self._grades(
            get("icans_grade"), group_id, n, DEFAULT_ICANS, "icans_status", calibrated
        )
        crs_yes = sum(c for grade, c in crs.items() if grade > 0)
        treated = self._yes(get("tocilizumab"), group_id, round(DEFAULT_TREATED_OF_CRS * crs_yes), calibrated)
        if treated > crs_yes:
            raise SpecError(f"tocilizumab, {group_id}: {treated} treated but only {crs_yes} with CRS")
        steroid = self._yes(
            get("corticosteroids_with_tocilizumab"),
            group_id,
            round(DEFAULT_STEROID_OF_TREATED * treated),
            calibrated,
        )
        deaths = self._crs_deaths(get("crs_outcome"), group_id, treated, calibrated)
        dose = self._mean(get("tocilizumab_dose_mg"), group_id, calibrated)
        delay = self._mean(get("days_crs_onset_to_tocilizumab"), group_id, calibrated) or DEFAULT_DELAY_DAYS
        injections = self._mean(get("tocilizumab_injections"), group_id, calibrated) or DEFAULT_INJECTIONS
        steroid_alone, finding = steroids_alone_footnote(
            get("icans_grade"), group_id, g.label, treated, steroid
        )
        self.note(finding)
        return GroupTargets(
            group_id,
            g.label,
            setting,
            n,
            sex,
            age,
            weight,
            indication,
            crs,
            crs_unknown,
            icans,
            icans_unknown,
            treated,
            None if dose is None else round(dose * treated),
            round(delay * treated * MINUTES_PER_DAY),
            min(4 * treated, max(treated, round(injections * treated))),
            steroid,
            deaths,
            steroid_alone,
            frozenset(calibrated),
        )

    def _sex(self, variable: Variable | None, group: str, n: int, calibrated: set[str]) -> dict[str, int]:
        if variable is None or group not in variable.counts:
            return _shares(DEFAULT_SEX, n)
        counts: dict[str, int] = {}
        for level, count in variable.counts[group].items():
            code = SEX.normalise(level)
            if code is None:
                raise SpecError(f"sex, {group}: level {level!r} is not a sex the contract knows")
            counts[code] = counts.get(code, 0) + count
        counts, finding = sex_levels_vs_n(counts, group, n)
        self.note(finding)
        calibrated.add("sex")
        return counts

    def _moments(
        self, variable: Variable | None, group: str, default: tuple[float, float], calibrated: set[str]
    ) -> Moments:
        summary = None if variable is None else variable.summary.get(group)
        if variable is None or summary is None or summary.mean is None or summary.sd is None:
            return Moments(default[0], default[1], default[1])
        calibrated.add(variable.name)
        sd_target = self.sd_targets.get((variable.name, group), summary.sd)
        return Moments(summary.mean, summary.sd, sd_target)

    def _indication(
        self, variable: Variable | None, group: str, n: int, setting: str, calibrated: set[str]
    ) -> dict[str, int]:
        if variable is None or group not in variable.counts:
            return _shares(DEFAULT_INDICATION, n)
        named: dict[str, int] = {}
        other = 0
        for level, count in variable.counts[group].items():
            code = INDICATION.normalise(level)
            if code is None:
                raise SpecError(
                    f"indication, {group}: {level!r} is not an indication the contract knows; "
                    "its synonyms are listed in iectox.schema.therapies.INDICATION"
                )
            if code == "other":
                other += count
            else:
                named[code] = named.get(code, 0) + count
        other += max(0, n - sum(named.values()) - other)
        calibrated.add("indication")
        return {**named, **split_other(named, other, setting)}

    def _grades(
        self,
        variable: Variable | None,
        group: str,
        n: int,
        default: Mapping[int, float],
        status: str,
        calibrated: set[str],
    ) -> tuple[dict[int, int], int]:
        if variable is None or group not in variable.counts:
            return _shares(default, n), 0
        counts = variable.counts[group]
        levels = tuple(counts)
        graded = {_grade(lvl, variable.name): c for lvl, c in counts.items() if lvl != yes_level(levels)}
        grades: dict[int, int] = {k: v for k, v in graded.items() if k is not None}
        if None in graded:  # 'Yes' without grade rows: spread it over the default grade mix
            spread = {k: v for k, v in default.items() if k > 0}
            for k, v in _shares(spread, graded[None]).items():
                grades[k] = grades.get(k, 0) + v
        calibrated.add(variable.name)
        check = self.checks.get((variable.name, group))
        grades, unknown, finding = grade_levels_vs_n(variable, group, n, grades, status, check)
        self.note(finding)
        return grades, unknown

    def _yes(self, variable: Variable | None, group: str, default: int, calibrated: set[str]) -> int:
        if variable is None or group not in variable.counts:
            return default
        yes = _first_level(variable, group, "yes", TOXICITY_STATUS)
        if yes is None:
            raise SpecError(f"{variable.name}, {group}: needs a 'Yes' level")
        calibrated.add(variable.name)
        check = self.checks.get((variable.name, group))
        if variable.name == "corticosteroids_with_tocilizumab" and check is not None:
            self.note(steroids_among_treated(check))
        return yes

    def _crs_deaths(self, variable: Variable | None, group: str, treated: int, calibrated: set[str]) -> int:
        if variable is None or group not in variable.counts:
            return 0
        deaths = _first_level(variable, group, "death", EPISODE_OUTCOME) or 0
        recovered = _first_level(variable, group, "resolved", EPISODE_OUTCOME) or 0
        check = self.checks.get(("crs_outcome", group))
        finding = crs_outcome_over_treated(group, treated, deaths, recovered, check)
        calibrated.add("crs_outcome")
        self.note(finding)
        return deaths

    def _mean(self, variable: Variable | None, group: str, calibrated: set[str]) -> float | None:
        summary = None if variable is None else variable.summary.get(group)
        if summary is None or summary.mean is None:
            return None
        calibrated.add(variable.name)  # type: ignore[union-attr]
        return summary.mean


def split_other(named: Mapping[str, int], other: int, setting: str) -> dict[str, int]:
    """Spread an 'Other' row over indications not named, each below the smallest named count."""
    if other <= 0:
        return {}
    shares = {k: v for k, v in OTHER_INDICATIONS[setting].items() if k not in named}
    cap = min(named.values()) - 1 if named else other
    out = {k: 0 for k in shares}
    left = other
    while left > 0 and shares:
        room = {k: cap - out[k] for k in shares if out[k] < cap}
        if not room:
            break
        split = largest_remainder([shares[k] for k in room], left)
        for k, extra in zip(room, split, strict=True):
            take = min(int(extra), room[k])
            out[k] += take
            left -= take
    if left:
        out["other"] = out.get("other", 0) + left
    return {k: v for k, v in out.items() if v}


def build_targets(table: SummaryTable, tune_p: bool = True) -> tuple[list[GroupTargets], list[SynthFinding]]:
    """Targets per group (in table order) and the findings resolved on the way."""
    builder = _Builder(table, tune_p)
    targets = [builder.group(g) for g in table.group_ids]
    settings = [t.setting for t in targets]
    if len(set(settings)) != len(settings):
        raise SpecError(
            f"{table.source}: two groups map to the same setting ({', '.join(settings)}); the "
            "generator tells groups apart by setting"
        )
    return targets, in_table_order(builder.findings + median_labels(table), table)
