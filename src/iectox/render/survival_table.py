"""The report's overall survival table: per cohort the infusions, the deaths and the median overall survival
with its 95% CI (Kaplan-Meier), the log-rank p between the cohorts; its footnotes (method, median follow-up by
reverse Kaplan-Meier, infusions left out, a median not reached); and the methods paragraph's sentence.

    table = survival_table(result, fmt, number=9)   # None when the study computed no overall survival

Decided once here, in the report's language; HTML, XLSX and DOCX lay the `Table` out as any other (the
workbook's sheet `overall_survival` holds the medians and their limits as numbers of days).
"""

from __future__ import annotations

from iectox.analysis.time_to_event import REASONS
from iectox.i18n import N_, tr
from iectox.render.document import cohorts_of
from iectox.render.format import Formatter
from iectox.render.layout import Column, Line, Table, Value, table_caption
from iectox.stats.survival import KaplanMeier
from iectox.study import StudyResult
from iectox.study.time_to_event import Survival

TITLE = N_("Overall survival by cohort")
METHOD_NOTE = N_(
    "Overall survival from the infusion day (day 0) to death from any cause, in whole days, censored at the "
    "last follow-up; Kaplan-Meier estimate (R survival::survfit), median with its 95% CI from the log "
    "interval (quantile.survfit); p: log-rank test between the cohorts (survdiff)."
)
NOT_REACHED = N_("NR: not reached (the survival curve, or its confidence limit, stays above 50%).")
FOLLOW_UP = N_("Median follow-up (reverse Kaplan-Meier): {median} days (95% CI {low}–{high}).")
METHODS_SENTENCE = N_(
    "Overall survival from the infusion day by Kaplan-Meier, compared between the cohorts by the log-rank "
    "test (R survival::survfit and survdiff), with the median and its 95% CI."
)


def _days(value: float | None, fmt: Formatter) -> str:
    return fmt.tr("NR") if value is None else fmt.number(value, 0)


def _median(curve: KaplanMeier, fmt: Formatter) -> tuple[Value, bool]:
    """ "841 (721–1003)": the median in days and its limits, NR where the curve or a limit never falls to
    50%; and whether an NR was printed."""
    median = curve.median
    numbers = (median.estimate, median.low, median.high)
    limits = f"({_days(median.low, fmt)}–{_days(median.high, fmt)})"
    return Value((_days(median.estimate, fmt), limits), "interval", numbers, 0), None in numbers


def _lines(survival: Survival, labels: dict[str, str], fmt: Formatter) -> tuple[list[Line], bool]:
    p = survival.test.p_value if survival.test is not None else None
    p_cell = Value((fmt.p_value(p),), "p", (p,), fmt.p_digits) if p is not None else Value.of("-")
    lines = [Line("variable", (Value.of(fmt.tr("Overall survival")), Value(), Value(), Value(), p_cell))]
    curves = dict(zip(survival.cohorts, survival.curves, strict=True))
    not_reached = False
    for key in [*labels, *(cohort for cohort in curves if cohort not in labels)]:
        curve = curves.get(key)
        if curve is None:  # a cohort without an infusion of known follow-up: shown, with nothing to estimate
            cells = (Value(("0",), "number", (0.0,), 0), Value.of("-"), Value.of("-"))
        else:
            median, unreached = _median(curve, fmt)
            not_reached |= unreached
            counts = (Value((str(c),), "number", (float(c),), 0) for c in (curve.n, curve.events))
            cells = (*counts, median)
        lines.append(Line("level", (Value.of(labels.get(key, key)), *cells, Value())))
    return lines, not_reached


def _notes(survival: Survival, fmt: Formatter, not_reached: bool) -> tuple[str, ...]:
    lang = fmt.lang
    notes = [fmt.tr(METHOD_NOTE)]
    follow_up = survival.follow_up
    if follow_up.estimate is not None:
        notes.append(
            fmt.tr(FOLLOW_UP).format(
                median=_days(follow_up.estimate, fmt),
                low=_days(follow_up.low, fmt),
                high=_days(follow_up.high, fmt),
            )
        )
    if not_reached:
        notes.append(fmt.tr(NOT_REACHED))
    if survival.excluded:
        reasons = [f"{fmt.tr(REASONS[r])} ({n})" for r, n in survival.excluded.items()]
        notes.append(
            tr("Overall survival: left out, {reasons}.", lang).format(
                reasons=(" ; " if lang == "fr" else "; ").join(reasons)
            )
        )
    if survival.test is None:
        notes.append(
            tr("Log-rank test not computed: {reason}.", lang).format(reason=fmt.tr(survival.not_tested))
        )
    return tuple(notes)


def survival_table(result: StudyResult, fmt: Formatter, number: int | None = None) -> Table | None:
    """The table in the report's language (numbered `number`), or None when the study computed no overall
    survival (no infusion of its cohorts has a usable follow-up)."""
    tte = result.time_to_event
    survival = None if tte is None else tte.survival
    if survival is None:
        return None
    cohorts = cohorts_of(result)
    labels = {key: cohorts.label(key, fmt.lang) for key in cohorts.keys}
    heads = (
        Column(fmt.tr("Cohort"), "label"),
        Column(fmt.tr("n"), "stat"),
        Column(fmt.tr("Deaths"), "stat"),
        Column(fmt.tr("Median overall survival, days (95% CI)"), "stat"),
        Column("p", "p"),
    )
    lines, not_reached = _lines(survival, labels, fmt)
    title = fmt.tr(TITLE)
    caption = table_caption(title, number, fmt.lang)
    notes = _notes(survival, fmt, not_reached)
    return Table("overall_survival", number, title, caption, heads, tuple(lines), notes)


def survival_methods_sentence(result: StudyResult, lang: str) -> str:
    """The methods paragraph's sentence on overall survival; "" when the study computed none."""
    tte = result.time_to_event
    return "" if tte is None or tte.survival is None else tr(METHODS_SENTENCE, lang)


__all__ = ["survival_methods_sentence", "survival_table"]
