"""A pooled multi-centre study laid out as the single-centre report's tables (`iectox.render.layout.Table`), so
that HTML, DOCX and XLSX show them the same way: the pooled counts per cohort with the Cochran-Mantel-Haenszel
p-value, the pooled effects (fixed and random effects, heterogeneity), and the time-to-event counts."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from openpyxl import Workbook

from iectox.i18n import N_
from iectox.render.format import Formatter
from iectox.render.layout import Column, Line, Table, Value, pretty, table_caption
from iectox.render.xlsx import table_sheet
from iectox.stats.meta import MetaAnalysis, Pooled, shown
from iectox.study.packet import MISSING
from iectox.study.pooling import PooledStudy, PooledVariable

MASKED = "—"
MEAN_SD = "Mean (SD)"  # translated through its line in locale/unmarked.py (the comparison tables' own)
MODELS = {
    "fixed_iv": N_("Fixed, inverse variance"),
    "fixed_mh": N_("Fixed, Mantel-Haenszel"),
    "random_dl": N_("Random, DerSimonian-Laird"),
    "random_reml": N_("Random, REML"),
}
MEASURES = {
    "OR": N_("Odds ratio"),
    "RD": N_("Risk difference"),
    "MD": N_("Mean difference"),
    "PLO": N_("Proportion"),
}
OUTCOMES = {
    "event": N_("events"),
    "competing": N_("competing deaths"),
    "death": N_("deaths"),
    "censored": N_("censored"),
}
ENDPOINTS = {"crs": N_("CRS"), "icans": N_("ICANS"), "survival": N_("Overall survival")}


def _cohorts(pooled: PooledStudy) -> list[tuple[str, int]]:
    """Each cohort's label (English, as the study names it) and pooled size."""
    return [(str(g["label"]), int(g["n"])) for g in pooled.groups]


def _count_line(variable: PooledVariable, key: str, label: str, groups: list[str], fmt: Formatter) -> Line:
    cells = [Value.of(fmt.tr(pretty(label)))]
    for g in groups:
        count, n = variable.counts[g][key], variable.n[g]
        if count is None:
            cells.append(Value.of(MASKED))
        elif n and key != MISSING:
            cells.append(
                Value(
                    (str(count), f"({fmt.percent(100 * count / n)})"),
                    "n_pct",
                    (count, 100 * count / n),
                    fmt.digits,
                )
            )
        else:
            cells.append(Value((str(count),), "number", (float(count),)))
    cells.append(Value.of(""))
    return Line("missing" if key == MISSING else "level", tuple(cells))


def _variable_lines(variable: PooledVariable, groups: list[str], fmt: Formatter) -> list[Line]:
    p = variable.test.p_value if variable.test is not None else None
    mark = Value((fmt.p_value(p),), "p", (p,), fmt.p_digits) if p is not None else Value.of("")
    head = Line("variable", (Value.of(fmt.tr(variable.label)), *(Value.of("") for _ in groups), mark))
    if variable.type == "continuous":
        cells = [Value.of(fmt.tr(MEAN_SD))]
        for g in groups:
            s = variable.summary.get(g)
            if s is None:
                cells.append(Value.of(MASKED))
                continue
            parts = (fmt.number(s["mean"]), f"({fmt.number(s['sd'])})")
            cells.append(Value(parts, "mean_sd", (s["mean"], s["sd"]), fmt.digits))
        return [head, Line("summary", (*cells, Value.of("")))]
    lines = [head]
    for key, label in variable.levels:
        if key == MISSING and not any(variable.counts[g][key] for g in groups):
            continue
        lines.append(_count_line(variable, key, "Missing" if key == MISSING else label, groups, fmt))
    return lines


def count_tables(pooled: PooledStudy, fmt: Formatter) -> list[Table]:
    """One table per study table: pooled counts per cohort, p of the test stratified by centre."""
    groups = [g["id"] for g in pooled.groups]
    columns = (
        Column(fmt.tr("Characteristic"), "label"),
        *(Column(fmt.tr(label), "group", n) for label, n in _cohorts(pooled)),
        Column(fmt.tr("p (stratified by centre)"), "p"),
    )
    notes = [
        fmt.tr("n (%); Mean (SD) of all the values of the centres together."),
        fmt.tr(
            "{masked}: masked in at least one centre (a count from 1 to {limit} or its complement)."
        ).format(masked=MASKED, limit=max(pooled.min_cell) - 1),
        fmt.tr(
            "p: Cochran-Mantel-Haenszel test stratified by centre, on the centres that masked no cell of the variable."
        ),
    ]
    tables = []
    for table in pooled.tables:
        lines = [line for v in table.variables for line in _variable_lines(v, groups, fmt)]
        untested = [
            fmt.tr("{variable}: not tested: {reason}").format(
                variable=fmt.tr(v.label), reason=fmt.tr(v.not_tested)
            )
            for v in table.variables
            if v.not_tested
        ]
        footnotes = (*notes, *untested)
        tables.append(
            Table(f"pooled_{table.id}", None, fmt.tr(table.title), "", columns, tuple(lines), footnotes)
        )
    return tables


def _estimate(measure: str, p: Pooled, fmt: Formatter) -> Value:
    low, high = shown(measure, p.low), shown(measure, p.high)
    value = shown(measure, p.estimate)
    digits = 2
    text = f"{fmt.number(value, digits)} ({fmt.number(low, digits)}{fmt.separator}{fmt.number(high, digits)})"
    return Value((text,), "interval", (value, low, high), digits)


def _merged(reasons: tuple[str, ...]) -> list[str]:
    """ "OR: why" and "RD: why" with the same why become one "OR+RD: why": one line in the table."""
    by_message: dict[str, list[str]] = {}
    for reason in reasons:
        measure, _, message = reason.partition(": ")
        by_message.setdefault(message, []).append(measure)
    return [f"{'+'.join(measures)}: {message}" for message, measures in by_message.items()]


def effect_rows(pooled: PooledStudy) -> list[tuple[PooledVariable, str, MetaAnalysis | None, str, str]]:
    """(variable, outcome label, analysis or None, reason, cohort label of a proportion) for every pooled
    effect, in table order: the two cohorts' comparison, then each cohort's pooled proportion."""
    rows = []
    labels = [str(g["label"]) for g in pooled.groups]
    for table in pooled.tables:
        for variable in table.variables:
            for effect in variable.effects:
                rows += [(variable, effect.label, a, "", "") for a in effect.analyses]
                rows += [(variable, effect.label, None, r, "") for r in _merged(effect.reasons)]
                rows += [
                    (variable, effect.label, a, "", cohort)
                    for a, cohort in zip(effect.proportions, labels, strict=False)
                    if a is not None
                ]
    return rows


def effects_table(pooled: PooledStudy, fmt: Formatter) -> Table:
    """Each outcome's pooled effect, first cohort against the second, by the four models, and heterogeneity."""
    first, second = (fmt.tr(label) for label, _ in _cohorts(pooled)[:2])
    columns = (
        Column(fmt.tr("Outcome"), "label"),
        Column(fmt.tr("Measure"), "stat"),
        Column(fmt.tr("Centres"), "stat"),
        *(Column(fmt.tr(label), "stat") for label in MODELS.values()),
        Column("Q (p)", "stat"),
        Column("I²", "stat"),
        Column("tau² (REML)", "stat"),
    )
    lines = []
    for variable, label, analysis, reason, cohort in effect_rows(pooled):
        name = f"{fmt.tr(variable.label)}: {fmt.tr(pretty(label))}"
        if analysis is None:
            measures, _, message = reason.partition(": ")
            named = ", ".join(fmt.tr(MEASURES[m]) for m in measures.split("+"))
            shown_reason = f"{named}: {fmt.tr(message)}"
            lines.append(Line.of_text((name, shown_reason, *("" for _ in columns[2:])), level=True))
            continue
        models = {p.model: p for p in analysis.pooled}
        reml = models["random_reml"]
        cells = [
            Value.of(name),
            Value.of(fmt.tr(MEASURES[analysis.measure]) + (f", {fmt.tr(cohort)}" if cohort else "")),
            Value((str(len(analysis.centres)),), "number", (float(len(analysis.centres)),)),
            *(_estimate(analysis.measure, models[m], fmt) if m in models else Value.of("") for m in MODELS),
            Value(
                (f"{fmt.number(analysis.q, 2)} ({fmt.p_value(analysis.q_p_value)})",),
                "number",
                (analysis.q,),
                2,
            ),
            Value((fmt.percent(100 * (reml.i2 or 0.0)),), "number", (100 * (reml.i2 or 0.0),), fmt.digits),
            Value((fmt.number(reml.tau2, 4),), "number", (reml.tau2,), 4),
        ]
        lines.append(Line("level", tuple(cells)))
    notes = (
        fmt.tr("{first} against {second}; 95% CI on the normal distribution.").format(
            first=first, second=second
        ),
        fmt.tr(
            "Odds ratios with 0.5 added to the cells of a centre with a zero cell; a centre without the "
            "information an effect needs is left out of it."
        ),
        fmt.tr("Q: Cochran's heterogeneity test; I² and tau² of the REML random-effects model."),
    )
    return Table(
        "pooled_effects", None, fmt.tr("Pooled effects across centres"), "", columns, tuple(lines), notes
    )


def time_to_event_table(pooled: PooledStudy, fmt: Formatter) -> Table:
    """Per endpoint and day interval, each cohort's numbers at risk and outcomes, added up across centres."""
    columns = [Column(fmt.tr("Endpoint and days"), "label")]
    for label, n in _cohorts(pooled):
        columns.append(Column(f"{fmt.tr(label)}: {fmt.tr('at risk')}", "group", n))
    lines = []
    for endpoint in pooled.endpoints:
        lines.append(
            Line.of_text((fmt.tr(ENDPOINTS[endpoint.endpoint]), *("" for _ in columns[1:])), level=False)
        )
        for i, interval in enumerate(endpoint.intervals):
            cells = [Value.of(interval)]
            for g in pooled.groups:
                at_risk = endpoint.at_risk[g["id"]][i]
                counts = [endpoint.counts[g["id"]][f"{interval}/{o}"] for o in endpoint.outcomes]
                outcomes = ", ".join(
                    f"{fmt.tr(OUTCOMES[o])} {MASKED if c is None else c}"
                    for o, c in zip(endpoint.outcomes, counts, strict=True)
                )
                cells.append(Value.of(f"{MASKED if at_risk is None else at_risk} ({outcomes})"))
            lines.append(Line("level", tuple(cells)))
    notes = (fmt.tr("Days from the infusion; at risk: at the start of the interval (outcomes during it)."),)
    title = fmt.tr("Time to event across centres")
    return Table("pooled_time_to_event", None, title, "", tuple(columns), tuple(lines), notes)


def pooled_tables(pooled: PooledStudy, fmt: Formatter) -> list[Table]:
    """Every table of the pooled study, numbered and captioned as the report's ("Table 1. Demographics")."""
    tables = [*count_tables(pooled, fmt), effects_table(pooled, fmt), time_to_event_table(pooled, fmt)]
    return [
        replace(t, number=i, caption=table_caption(t.title, i, fmt.lang)) for i, t in enumerate(tables, 1)
    ]


def pooled_workbook(tables: list[Table]) -> Workbook:
    """One sheet per table, laid out as the report's table sheets (counts, shares and p-values as numbers);
    saved by `iectox.io.sheets.save_workbook`, which neutralises formula-like text."""
    book = Workbook()
    book.remove(book.active)
    for table in tables:
        table_sheet(book.create_sheet(table.id.removeprefix("pooled_")[:31]), table)
    return book


def _analysis_record(analysis: MetaAnalysis) -> dict[str, Any]:
    return {
        "measure": analysis.measure,
        "centres": list(analysis.centres),
        "effects": list(analysis.effects),
        "variances": list(analysis.variances),
        "left_out": list(analysis.left_out),
        "q": analysis.q,
        "q_df": analysis.q_df,
        "q_p_value": analysis.q_p_value,
        "pooled": [p.__dict__ for p in analysis.pooled],
    }


def pooled_record(pooled: PooledStudy) -> dict[str, Any]:
    """pooled.json: numbers and ids, no text made for a reader."""
    tables = []
    for table in pooled.tables:
        variables = []
        for v in table.variables:
            variables.append(
                {
                    "name": v.name,
                    "label": v.label,
                    "type": v.type,
                    "levels": [{"key": k, "label": lbl} for k, lbl in v.levels],
                    "counts": v.counts,
                    "n": v.n,
                    "masked_by": [
                        {"level": lvl, "group": g, "centres": list(c)} for (lvl, g), c in v.masked_by.items()
                    ],
                    "summary": v.summary,
                    "test": None
                    if v.test is None
                    else {
                        "test": v.test.test,
                        "statistic": v.test.statistic,
                        "df": v.test.df,
                        "p_value": v.test.p_value,
                        "method": v.test.method,
                    },
                    "not_tested": v.not_tested,
                    "strata": list(v.strata),
                    "effects": [
                        {
                            "proportions": [
                                None if a is None else _analysis_record(a) for a in e.proportions
                            ],
                            "outcome": e.outcome,
                            "label": e.label,
                            "reasons": list(e.reasons),
                            "analyses": [_analysis_record(a) for a in e.analyses],
                        }
                        for e in v.effects
                    ],
                }
            )
        tables.append({"id": table.id, "title": table.title, "variables": variables})
    return {
        "format": "iectox-pooled/1",
        "study": pooled.study,
        "centres": [{"centre": c, "file": f} for c, f in zip(pooled.centres, pooled.files, strict=True)],
        "groups": list(pooled.groups),
        "tables": tables,
        "time_to_event": [
            {
                "endpoint": e.endpoint,
                "intervals": list(e.intervals),
                "outcomes": list(e.outcomes),
                "counts": e.counts,
                "at_risk": {g: list(v) for g, v in e.at_risk.items()},
            }
            for e in pooled.endpoints
        ],
    }
