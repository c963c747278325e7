"""The report's time-to-event table: the cumulative incidence of CRS and of ICANS by cohort at the study's
days, with its 95% CI and Gray's p; its footnotes (method, infusions left out, the median follow-up); the
sentence of the methods paragraph; and the same numbers for report.json.

    table = time_to_event_table(result, fmt, number=8)   # None when the study computed none

Decided once here, in the report's language; HTML, XLSX and DOCX lay the `Table` out as any other.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from iectox.analysis.time_to_event import ENDPOINTS, REASONS
from iectox.i18n import N_, tr
from iectox.render.document import cohorts_of
from iectox.render.format import Formatter
from iectox.render.layout import Column, Line, Table, Value, table_caption
from iectox.stats.survival import CumulativeIncidence
from iectox.study import StudyResult
from iectox.study.time_to_event import Incidence, TimeToEvent

TITLE = N_("Cumulative incidence of CRS and ICANS by cohort")
METHOD_NOTE = N_(
    "Cumulative incidence (Aalen-Johansen) from the infusion day (day 0) to the first onset, in whole days "
    "(tied days kept as ties), death before onset as a competing risk, follow-up censored at the last "
    "visit; % (95% CI), the interval on the log(-log) scale from the variance of R cmprsk::cuminc; p: "
    "Gray's test between the cohorts. -: beyond the cohort's follow-up."
)
METHODS_SENTENCE = N_(
    "Time to CRS and to ICANS: cumulative incidence from the infusion day with death as a competing risk "
    "(Aalen-Johansen; variance and Gray's test as R cmprsk::cuminc), given at days {days} with 95% CI; "
    "median follow-up by reverse Kaplan-Meier."
)


def _joined(items: list[str], lang: str) -> str:
    return (" ; " if lang == "fr" else "; ").join(items)


def _estimate(curve: CumulativeIncidence, day: int, fmt: Formatter) -> Value:
    """ "76.1% (71.3–80.2)": the estimate at `day` and its limits, in percent; "-" beyond the follow-up."""
    (estimate,), (low,), (high,) = curve.interval([day])
    if estimate != estimate:
        return Value(("-",), "interval", (None, None, None), fmt.digits)
    numbers = tuple(None if v != v else 100 * float(v) for v in (estimate, low, high))
    limits = "" if numbers[1] is None else f"({fmt.number(numbers[1])}–{fmt.number(numbers[2])})"
    return Value((fmt.percent(100 * float(estimate)), limits), "interval", numbers, fmt.digits)


def _lines(incidence: Incidence, labels: dict[str, str], days: tuple[int, ...], fmt: Formatter) -> list[Line]:
    p = incidence.test.p_value if incidence.test is not None else None
    p_cell = Value((fmt.p_value(p),), "p", (p,), fmt.p_digits) if p is not None else Value.of("-")
    blank = [Value() for _ in range(3 + len(days))]
    lines = [Line("variable", (Value.of(fmt.tr(ENDPOINTS[incidence.endpoint])), *blank, p_cell))]
    curves = {curve.group: curve for curve in incidence.curves}
    for key in [*labels, *(group for group in curves if group not in labels)]:
        curve = curves.get(key)
        if curve is None:  # a cohort without an infusion of known time: shown, with nothing to estimate
            cells = (Value(("0",), "number", (0.0,), 0), *(Value.of("-") for _ in range(2 + len(days))))
        else:
            counts = (curve.n, curve.events, curve.competing)
            numbers = (Value((str(c),), "number", (float(c),), 0) for c in counts)
            cells = (*numbers, *(_estimate(curve, day, fmt) for day in days))
        lines.append(Line("level", (Value.of(labels.get(key, key)), *cells, Value())))
    return lines


def _notes(tte: TimeToEvent, fmt: Formatter) -> tuple[str, ...]:
    lang = fmt.lang
    notes = [fmt.tr(METHOD_NOTE)]
    for incidence in tte.incidence:
        name = fmt.tr(ENDPOINTS[incidence.endpoint])
        if incidence.excluded:
            reasons = [f"{fmt.tr(REASONS[r])} ({n})" for r, n in incidence.excluded.items()]
            notes.append(
                tr("{endpoint}: left out, {reasons}.", lang).format(
                    endpoint=name, reasons=_joined(reasons, lang)
                )
            )
        if incidence.test is None:
            notes.append(
                tr("{endpoint}: Gray's test not computed: {reason}.", lang).format(
                    endpoint=name, reason=fmt.tr(incidence.not_tested)
                )
            )
    follow_up = tte.survival.follow_up if tte.survival is not None else None
    if follow_up is not None and follow_up.estimate is not None:
        notes.append(
            tr("Median follow-up (reverse Kaplan-Meier): {median} days (95% CI {low}–{high}).", lang).format(
                median=fmt.number(follow_up.estimate, 0),
                low=fmt.number(follow_up.low, 0),
                high=fmt.number(follow_up.high, 0),
            )
        )
    return tuple(notes)


def time_to_event_table(result: StudyResult, fmt: Formatter, number: int | None = None) -> Table | None:
    """The table in the report's language (numbered `number`), or None when the study computed no time to
    event or no cohort has an infusion with a known time."""
    tte = result.time_to_event
    if tte is None or not any(i.curves for i in tte.incidence):
        return None
    cohorts = cohorts_of(result)
    labels = {key: cohorts.label(key, fmt.lang) for key in cohorts.keys}
    heads = [
        Column(fmt.tr("Syndrome and cohort"), "label"),
        Column(fmt.tr("n"), "stat"),
        Column(fmt.tr("Events"), "stat"),
        Column(fmt.tr("Deaths first"), "stat"),
        *(Column(fmt.tr("Day {day}, % (95% CI)").format(day=day), "stat") for day in tte.days),
        Column("p", "p"),
    ]
    lines = [line for incidence in tte.incidence for line in _lines(incidence, labels, tte.days, fmt)]
    title = fmt.tr(TITLE)
    caption = table_caption(title, number, fmt.lang)
    return Table("time_to_event", number, title, caption, tuple(heads), tuple(lines), _notes(tte, fmt))


def methods_sentence(result: StudyResult, lang: str) -> str:
    """The methods paragraph's sentence on time to event; "" when the study computed none."""
    tte = result.time_to_event
    if tte is None or not any(i.curves for i in tte.incidence):
        return ""
    days = ", ".join(str(d) for d in tte.days[:-1]) + f" {tr('and', lang)} {tte.days[-1]}"
    return tr(METHODS_SENTENCE, lang).format(days=days)


def _number(value: float | None) -> float | None:
    return None if value is None or value != value else float(value)


def time_to_event_records(result: StudyResult) -> dict[str, Any] | None:
    """report.json's `time_to_event`: every number of the table, the tests, overall survival."""
    tte = result.time_to_event
    if tte is None:
        return None
    incidence = []
    for item in tte.incidence:
        curves = []
        for curve in item.curves:
            estimate, low, high = curve.interval(tte.days)
            variance = curve.at(tte.days)[1]
            curves.append(
                {
                    "cohort": curve.group,
                    "n": curve.n,
                    "events": curve.events,
                    "competing_deaths": curve.competing,
                    "at_days": [
                        {
                            "day": d,
                            "estimate": _number(e),
                            "variance": _number(v),
                            "low": _number(lo),
                            "high": _number(h),
                        }
                        for d, e, v, lo, h in zip(tte.days, estimate, variance, low, high, strict=True)
                    ],
                }
            )
        test = item.test
        incidence.append(
            {
                "endpoint": item.endpoint,
                "cohorts": curves,
                "gray_test": None
                if test is None
                else {"statistic": test.statistic, "df": test.df, "p_value": test.p_value},
                "not_tested": item.not_tested or None,
                "excluded": dict(item.excluded),
            }
        )
    records: dict[str, Any] = {
        "days": list(tte.days),
        "cumulative_incidence": incidence,
        "overall_survival": None,
    }
    survival = tte.survival
    if survival is not None:
        records["overall_survival"] = {
            "cohorts": [
                {
                    "cohort": cohort,
                    "n": curve.n,
                    "deaths": curve.events,
                    "median": _number(curve.median.estimate),
                    "median_low": _number(curve.median.low),
                    "median_high": _number(curve.median.high),
                    "survival_at_days": [float(s) for s in np.asarray(curve.at(tte.days))],
                }
                for cohort, curve in zip(survival.cohorts, survival.curves, strict=True)
            ],
            "log_rank": None
            if survival.test is None
            else {
                "statistic": survival.test.statistic,
                "df": survival.test.df,
                "p_value": survival.test.p_value,
            },
            "not_tested": survival.not_tested or None,
            "median_follow_up": {
                "estimate": _number(survival.follow_up.estimate),
                "low": _number(survival.follow_up.low),
                "high": _number(survival.follow_up.high),
            },
            "excluded": dict(survival.excluded),
        }
    return records


__all__ = ["methods_sentence", "time_to_event_records", "time_to_event_table"]
