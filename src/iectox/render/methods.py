"""The methods paragraph, written from what the study actually did, so that it can never drift from it.

Every sentence is an English template translated by `iectox.i18n.tr`; only numbers and names are filled in.
"""

from __future__ import annotations

import platform
import re
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

import numpy as np
import pandas as pd

from iectox.analysis import BY_NAME
from iectox.i18n import tr
from iectox.render.adjusted import adjusted_methods
from iectox.render.bsab_crs import bsab_methods_sentence
from iectox.render.document import cohort_list, period_text
from iectox.render.format import stratified_test_name, test_name
from iectox.render.layout import pretty
from iectox.render.survival_table import survival_methods_sentence
from iectox.render.time_to_event import methods_sentence
from iectox.schema import CONTRACT
from iectox.stats.policy import MethodPolicy
from iectox.stats.table import VariableResult
from iectox.study import StudyResult

SCALES = {
    "ASTCT2019": "ASTCT consensus 2019 (Lee et al., Biol Blood Marrow Transplant 2019;25:625-38)",
    "CTCAEv4": "NCI CTCAE v4.03",
    "CTCAEv5": "NCI CTCAE v5.0",
}
RECORDED = {column.name for table in CONTRACT.tables for column in table.columns}


def _join(items: list[str], lang: str) -> str:
    """ "a, b and c" / "a, b et c"."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {tr('and', lang)} {items[-1]}"


def _lower_first(text: str) -> str:
    """ "Test t de Welch" -> "test t de Welch": mid-sentence, but proper names keep their capitals."""
    return text[:1].lower() + text[1:]


def _sep(lang: str) -> str:
    return " ; " if lang == "fr" else "; "


def _results(result: StudyResult) -> list[VariableResult]:
    return [r for _, comparison in result.tables for r in comparison.results]


def _label(r: VariableResult, lang: str) -> str:
    return pretty(tr(r.variable.display_label(), lang))


def design(result: StudyResult, lang: str) -> str:
    cohorts = cohort_list(result, lang)
    groups = _join([f"{c.label} (N = {c.n})" for c in cohorts], lang)
    total = sum(c.n for c in cohorts)
    period = period_text(result, lang)
    by = tr(BY_NAME[result.spec.by].label if result.spec.by in BY_NAME else result.spec.by, lang).lower()
    if period:
        text = tr("The report compares {n} infusions given from {period}, by {by}: {groups}.", lang)
    else:
        text = tr("The report compares {n} infusions, by {by}: {groups}.", lang)
    text = text.format(n=total, period=period, by=by, groups=groups)
    if not result.apart or result.spec.therapy_class is None:
        return text
    apart = tr(
        "The cohorts hold the {therapy_class} infusions only ([cohorts] therapy_class): the {n} infusion(s) of "
        "another therapy class in the period are in none of them. The management audit judges their doses too "
        "(outside its KPIs), and the tables of bispecific antibody doses count every course.",
        lang,
    )
    return f"{text} {apart.format(therapy_class=result.spec.therapy_class, n=result.apart)}"


def grading(result: StudyResult, lang: str) -> str:
    scale = result.spec.analysis.grading_scale
    text = tr(
        "Grading scale: {scale}. Each infusion counts once, at the maximum grade of its CRS (or ICANS) "
        "episodes; grades recorded on another scale are left out, never converted.",
        lang,
    ).format(scale=tr(SCALES.get(scale, scale), lang))
    events = adverse_events_text(result, lang)
    return f"{text} {events}" if events else text


def adverse_events_text(result: StudyResult, lang: str) -> str:
    """The adverse-event table's counting, in one sentence (nothing without the table)."""
    if result.spec.adverse_events is None:
        return ""
    per = result.spec.adverse_events.per
    return (
        tr(
            "In the adverse-event table, each infusion counts once per toxicity, at the highest grade of its "
            "episodes on each scale (gtreg's tbl_ae counting): every infusion of the cohort is in the "
            "denominator, an ungraded episode is the lowest level, and scales are never pooled.",
            lang,
        )
        if per == "infusion"
        else tr(
            "In the adverse-event table, each patient counts once per toxicity, at the highest grade over "
            "their infusions on each scale (gtreg's tbl_ae counting): every patient of the cohort is in the "
            "denominator, an ungraded episode is the lowest level, and scales are never pooled.",
            lang,
        )
    )


def definitions(result: StudyResult, lang: str) -> tuple[tuple[str, str, str], ...]:
    """(label, column, definition) of each derived column the tables use, and of the grouping column."""
    names = [result.spec.by, *dict.fromkeys(r.name for r in _results(result))]
    for name in [n for n in names if n in BY_NAME]:  # a definition citing another column brings its own
        names += [
            w for w in re.findall(r"[a-z_]+", BY_NAME[name].definition) if w in BY_NAME and w not in names
        ]
    derived = [BY_NAME[n] for n in names if n in BY_NAME and n not in RECORDED]
    items = [(tr(d.label, lang), d.name, tr(d.definition, lang)) for d in derived]
    if "corticosteroids_with_tocilizumab" in names:
        window = f"{result.spec.analysis.steroid_window_h:g}"
        items.append(
            (tr("Steroid window", lang), "steroid_window_h", tr("{hours} h.", lang).format(hours=window))
        )
    return tuple(items)


def definitions_text(items: tuple[tuple[str, str, str], ...], lang: str) -> str:
    if not items:
        return ""
    parts = [f"{label} ({name}): {text}" for label, name, text in items]
    return tr("Definitions. ", lang) + " ".join(p if p.endswith(".") else p + "." for p in parts)


def policy_text(policy: MethodPolicy, lang: str) -> str:
    """The test policy in words: `MethodPolicy.describe()` in English, the same facts in French."""
    if lang == "en":
        name, _, rest = policy.describe().partition(": ")
        return f"Test policy “{name}”: {rest}"
    categorical = tr(test_name(policy.categorical), lang)
    fisher = (
        tr("; Fisher's exact test when an expected count is below {n}", lang).format(
            n=f"{policy.fisher_below:g}"
        )
        + (tr(" (2 x 2 tables only)", lang) if policy.fisher_2x2_only else "")
        if policy.fisher_below is not None
        else ""
    )
    grades = tr("chi-squared", lang) if policy.ordinal == "chi2" else tr(test_name("mann_whitney"), lang)
    if policy.ranks_always:
        template = tr(
            "Test policy “{name}”: categorical variables by {categorical}{fisher}; continuous variables by "
            "{rank}, whatever their summary; grades by {grades}.",
            lang,
        )
    else:
        template = tr(
            "Test policy “{name}”: categorical variables by {categorical}{fisher}; continuous variables by "
            "{continuous} (mean, SD) or {rank} (median, IQR); grades by {grades}.",
            lang,
        )
    return template.format(
        name=policy.name,
        categorical=_lower_first(categorical),
        fisher=fisher,
        continuous=_lower_first(tr(test_name(policy.continuous), lang)),
        rank=_lower_first(tr(test_name(policy.rank_test), lang)),
        grades=_lower_first(grades),
    )


def tests_used(result: StudyResult, lang: str) -> str:
    """Every test that produced a p-value, with the variables it was used for."""
    used: dict[tuple[str, str | None], list[str]] = {}
    for r in _results(result):
        if r.test is not None:
            key = (r.test.test, None if r.stratified is None else r.stratified.column)
            used.setdefault(key, [])
            if _label(r, lang) not in used[key]:
                used[key].append(_label(r, lang))
    if not used:
        return tr("No test was run.", lang)
    parts = [
        f"{stratified_test_name(t, strata, lang)} ({_sep(lang).join(labels)})"
        for (t, strata), labels in used.items()
    ]
    text = tr("Tests used: {tests}.", lang).format(tests=_sep(lang).join(parts))
    text += " " + tr("All tests are two-sided; p-values are not adjusted for multiple comparisons.", lang)
    if any(c.show_smd for _, c in result.tables):
        text += " " + tr("SMD: standardised mean difference between the cohorts.", lang)
    return text


def missing_data(result: StudyResult, lang: str) -> str:
    text = tr(
        "Each comparison uses the infusions with a known value (complete cases); missing values are counted "
        "per cohort and shown in the tables.",
        lang,
    )
    counts = {}
    for r in _results(result):
        missing = int(np.asarray(r.missing)[-1])
        if missing:
            counts[_label(r, lang)] = missing
    if counts:
        listed = ", ".join(f"{label} ({n})" for label, n in counts.items())
        text += " " + tr("Missing values: {list}.", lang).format(list=listed)
    else:
        text += " " + tr("No value was missing in the variables compared.", lang)
    if any(r.variable.among for r in _results(result)):
        text += " " + tr(
            "Variables measured in a sub-population (e.g. tocilizumab-treated infusions) use it as "
            "denominator.",
            lang,
        )
    return text


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "?"


def software(lang: str) -> str:
    return tr(
        "Computed with iectox {iectox} (Python {python}, pandas {pandas}, NumPy {numpy}, SciPy {scipy}); "
        "figures with matplotlib {matplotlib}.",
        lang,
    ).format(
        iectox=_version("iectox"),
        python=platform.python_version(),
        pandas=pd.__version__,
        numpy=np.__version__,
        scipy=_version("scipy"),
        matplotlib=_version("matplotlib"),
    )


@dataclass(frozen=True)
class Methods:
    """The methods section by topic: documents lay the definitions out as a list, JSON keeps the text."""

    design: str
    grading: str
    definitions: tuple[tuple[str, str, str], ...]  # (label, column, definition)
    definitions_text: str
    statistics: str
    missing: str
    software: str

    @property
    def paragraphs(self) -> tuple[str, ...]:
        texts = (
            self.design,
            self.grading,
            self.definitions_text,
            self.statistics,
            self.missing,
            self.software,
        )
        return tuple(p for p in texts if p)

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


def build_methods(result: StudyResult, lang: str = "en") -> Methods:
    """The methods section of `result`, written from what it did, in the report's language (built, not
    written to a file: every format of the report lays it out)."""
    items = definitions(result, lang)
    return Methods(
        design=design(result, lang),
        grading=grading(result, lang),
        definitions=items,
        definitions_text=definitions_text(items, lang),
        statistics=" ".join(
            t
            for t in (
                policy_text(result.spec.policy, lang),
                tests_used(result, lang),
                methods_sentence(result, lang),
                survival_methods_sentence(result, lang),
                bsab_methods_sentence(result, lang),
                adjusted_methods(result, lang),
            )
            if t
        ),
        missing=missing_data(result, lang),
        software=software(lang),
    )
