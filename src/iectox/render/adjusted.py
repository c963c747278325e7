"""The adjusted comparisons of a report laid out: the regression table (univariable and multivariable models
side by side, as gtsummary's `tbl_uvregression` and `tbl_regression` merged), the propensity-score weighted
comparison and the covariate balance, each a `layout.Table` that every format lays out; the notes of
`iectox.stats.models` worded here, in the report's language; and the sentences of the methods paragraph
(report.json's records: `render/adjusted_records.py`).
"""

from __future__ import annotations

from iectox.analysis import BY_NAME
from iectox.i18n import N_, tr
from iectox.render.format import Formatter
from iectox.render.layout import Column, Line, Table, Value, pretty, table_caption
from iectox.stats.models import ModelResult, Note, RegressionTable, WeightedComparison
from iectox.stats.models import notes as N
from iectox.study import StudyResult
from iectox.study.adjusted import INDICATION_GROUP, AdjustedResult

NOTES = {
    N.MISSING_ROWS: N_("Infusions left out for a missing value (complete cases): {rows}."),
    N.CONSTANT_COVARIATE: N_("{term}: one value only in these infusions, left out of the model."),
    N.EMPTY_LEVEL: N_("{term}: no infusion is {level}; the level is left out."),
    N.FEW_EVENTS: N_(
        "{events} events for {coefficients} coefficients ({per_variable} per coefficient, fewer than 10): "
        "the estimates may be biased and their intervals too narrow."
    ),
    N.CLUSTERS: N_(
        "{clusters} patients received {rows} infusions: standard errors robust to the infusions of one "
        "patient (clustered by patient, as R sandwich::vcovCL)."
    ),
    N.SEPARATION: N_("Not estimable: the covariates predict the outcome perfectly (separation)."),
    N.NONPOSITIVE_WEIGHT: N_("Not estimable: {rows} weights are missing or not above 0."),
    N.NO_EVENTS: N_("Not estimable: {events} events in {rows} infusions."),
    N.COLLINEAR: N_("Not estimable: a covariate is a combination of the others."),
    N.NOT_CONVERGED: N_("Not estimable: the model did not converge."),
    N.EXPOSURE_CONSTANT: N_("Not estimable: {term} has fewer than two values in these infusions."),
    N.BAD_OUTCOME: N_("Not estimable: the outcome is not a yes/no or count variable."),
    N.TOO_FEW_ROWS: N_("Not estimable: {rows} infusions for {coefficients} coefficients."),
}
SEPARATION_AT = N_("Not estimable: every infusion with {term} = {level} has the same outcome (separation).")
INDICATION_GROUP_LABEL = N_("Indication group")
GRADE_LABELS = {"crs_grade_2_plus": N_("CRS grade >= 2"), "icans_grade_2_plus": N_("ICANS grade >= 2")}
GROUP_LABELS = {
    "lbcl": N_("Large B-cell lymphoma"),
    "other_lymphoma": N_("Other lymphoma"),
    "b_all": N_("B-cell acute lymphoblastic leukaemia"),
    "myeloma": N_("Multiple myeloma"),
    "other": N_("Other"),
}
UNITS = {"days": N_("days"), "hours": N_("hours")}  # the units of outcomes, in the report's language
HEADS = {  # a regression table's estimate columns and the first words of its footnote, per measure
    "OR": (N_("Univariable OR"), N_("Multivariable OR"), N_("OR: odds ratio")),
    "IRR": (N_("Univariable IRR"), N_("Multivariable IRR"), N_("IRR: incidence rate ratio")),
    "HR": (N_("Univariable HR"), N_("Multivariable HR"), N_("HR: hazard ratio")),
    "difference": (N_("Univariable difference"), N_("Multivariable difference"), N_("Difference of means")),
}
TITLES = {
    "OR": N_("Adjusted odds ratio of {outcome}: {compared} vs {reference}"),
    "IRR": N_("Adjusted incidence rate ratio of {outcome}: {compared} vs {reference}"),
    "HR": N_("Adjusted hazard ratio of {outcome}: {compared} vs {reference}"),
    "difference": N_("Adjusted difference in {outcome}: {compared} vs {reference}"),
}
MODEL_NAMES = {
    "logistic": N_("Logistic regression (as R glm, binomial)"),
    "poisson": N_("Poisson regression (as R glm, poisson)"),
    "negative_binomial": N_("Negative binomial regression (as R MASS::glm.nb)"),
    "linear": N_("Linear regression (as R glm, gaussian)"),
    "cox": N_("Cox regression (as R survival::coxph, Efron's ties)"),
}
INTERVALS = {  # how a regression table's confidence intervals were computed, for its footnote
    "wald": N_("Wald, as R confint.default"),
    "profile": N_("profile likelihood, as R confint"),
}
INTERVAL_WORDS = {"wald": N_("Wald"), "profile": N_("profile likelihood")}
ESTIMANDS = {
    "ate": N_("inverse probability of treatment weights (average effect in all infusions, IPTW)"),
    "att": N_("weights for the average effect in the {compared}"),
    "overlap": N_("overlap weights"),
}


def term_label(term: str, lang: str) -> str:
    if term == INDICATION_GROUP:
        return tr(INDICATION_GROUP_LABEL, lang)
    if term in GRADE_LABELS:
        return pretty(tr(GRADE_LABELS[term], lang))
    return pretty(tr(BY_NAME[term].label, lang)) if term in BY_NAME else term


def outcome_label(term: str, lang: str) -> str:
    """An outcome as a table names it: its label and unit ("CRS onset to first tocilizumab (days)")."""
    unit = BY_NAME[term].unit if term in BY_NAME else None
    return f"{term_label(term, lang)} ({tr(UNITS.get(unit, unit), lang)})" if unit else term_label(term, lang)


def mid_sentence(text: str) -> str:
    """ "Age" -> "age" inside a sentence; "CRS" stays."""
    return text[:1].lower() + text[1:] if len(text) > 1 and text[1].islower() else text


def listing(items: list[str], lang: str) -> str:
    """ "a, b and c" / "a, b et c"."""
    return items[0] if len(items) < 2 else f"{', '.join(items[:-1])} {tr('and', lang)} {items[-1]}"


def level_label(result: StudyResult, term: str, level: str, lang: str) -> str:
    if term == result.spec.by and level in result.spec.labels:
        return tr(result.spec.labels[level], lang)
    if term == INDICATION_GROUP:
        return tr(GROUP_LABELS.get(level, level), lang)
    vocabulary = BY_NAME[term].vocabulary if term in BY_NAME else None
    if vocabulary is not None and level in vocabulary.codes:
        return tr(vocabulary.term(level).label, lang)
    return level


def note_text(note: Note, result: StudyResult, lang: str) -> str:
    values = dict(note.values)
    if "term" in values:
        if "level" in values:
            values["level"] = level_label(result, values["term"], values["level"], lang)
        values["term"] = term_label(values["term"], lang)
    if "per_variable" in values:
        values["per_variable"] = Formatter(lang).number(values["per_variable"], 1)
    template = SEPARATION_AT if note.id == N.SEPARATION and "term" in values else NOTES[note.id]
    return tr(template, lang).format(**values)


def _notes(models: list[ModelResult]) -> list[Note]:
    """Every model's notes once; a univariable model of a constant covariate says what the multivariable says."""
    seen: list[Note] = []
    for model in models:
        for note in model.notes:
            if note.id == N.EXPOSURE_CONSTANT and len(model.terms) == 1:
                note = Note(N.CONSTANT_COVARIATE, dict(note.values))
            if note not in seen:
                seen.append(note)
    return seen


def _estimate_cells(model: ModelResult, term: str, level: str | None, fmt: Formatter) -> tuple[Value, ...]:
    if not model.estimable:
        return (Value.of("-"), Value(), Value())
    try:
        row = model.estimate(term, level)
    except KeyError:
        return (Value(), Value(), Value())
    if row.reference:
        return (Value.of(fmt.tr("Ref.")), Value(), Value())
    low, high = fmt.number(row.low, 2), fmt.number(row.high, 2)
    return (
        Value((fmt.number(row.estimate, 2),), "number", (row.estimate,), 2),
        Value((f"{low}{fmt.separator}{high}",), "interval", (row.low, row.high), 2),
        Value((fmt.p_value(row.p_value),), "p", (row.p_value,), fmt.p_digits),
    )


def regression_table_layout(
    table: RegressionTable, result: StudyResult, fmt: Formatter, number: int, adjusted: AdjustedResult
) -> Table:
    lang = fmt.lang
    outcome = term_label(table.outcome, lang)
    multi = table.multivariable
    univariable, multivariable, measure = HEADS[multi.measure]
    columns = (
        Column(fmt.tr("Characteristic"), "label"),
        Column(fmt.tr(univariable), "stat"),
        Column(fmt.tr("95% CI"), "stat"),
        Column("p", "p"),
        Column(fmt.tr(multivariable), "stat"),
        Column(fmt.tr("95% CI"), "stat"),
        Column("p", "p"),
    )
    lines = []
    for term, single in zip(table.terms, table.univariable, strict=True):
        shown = {row.level for row in multi.estimates if row.term == term} or {
            row.level for row in single.estimates if row.term == term
        }
        constant = Note(N.CONSTANT_COVARIATE, {"term": term}) in multi.notes  # left out, said in a footnote
        if (
            not shown and not constant and not (single.estimable and multi.estimable)
        ):  # refused: its notes say why
            cells = (*_estimate_cells(single, term, None, fmt), *_estimate_cells(multi, term, None, fmt))
            lines.append(Line("variable", (Value.of(term_label(term, lang)), *cells)))
            continue
        if not shown:
            continue
        label = Value.of(term_label(term, lang))
        if shown == {None}:
            cells = (*_estimate_cells(single, term, None, fmt), *_estimate_cells(multi, term, None, fmt))
            lines.append(Line("variable", (label, *cells)))
            continue
        lines.append(Line("variable", (label, *(Value() for _ in columns[1:]))))
        levels = [row.level for row in (multi if multi.estimable else single).estimates if row.term == term]
        for level in levels:
            cells = (*_estimate_cells(single, term, level, fmt), *_estimate_cells(multi, term, level, fmt))
            lines.append(Line("level", (Value.of(level_label(result, term, str(level), lang)), *cells)))
    footnotes = [
        fmt.tr(
            "{measure}; CI: confidence interval ({interval}). {model}: univariable, one model per "
            "characteristic; multivariable, all together. {n} infusions{events}."
        ).format(
            measure=fmt.tr(measure),
            interval=fmt.tr(INTERVALS[multi.ci]),
            model=fmt.tr(MODEL_NAMES[multi.model]),
            n=multi.n,
            events=""
            if multi.events is None
            else fmt.tr(", {events} with {outcome}").format(events=multi.events, outcome=outcome),
        ),
        *(note_text(note, result, lang) for note in _notes([*table.univariable, multi])),
    ]
    compared = level_label(result, adjusted.exposure, adjusted.compared or "", lang)
    reference = level_label(result, adjusted.exposure, adjusted.reference, lang)
    title = fmt.tr(TITLES[multi.measure]).format(outcome=outcome, compared=compared, reference=reference)
    caption = table_caption(title, number, fmt.lang)
    return Table(f"adjusted_{table.outcome}", number, title, caption, columns, tuple(lines), tuple(footnotes))


def _mean(value: float | None, fmt: Formatter) -> Value:
    return Value((fmt.number(value, 2),), "number", (value,), 2) if value is not None else Value()


def weighted_layout(
    comparison: WeightedComparison, result: StudyResult, fmt: Formatter, number: int
) -> Table:
    lang = fmt.lang
    weighting = comparison.weighting
    outcome = outcome_label(comparison.outcome, lang)
    names = [level_label(result, weighting.exposure, g.group, lang) for g in comparison.groups]
    columns = (
        Column(fmt.tr("Characteristic"), "label"),
        *(Column(name, "stat") for name in names),
        Column(fmt.tr("Difference (95% CI)"), "stat"),
        Column("p", "p"),
    )
    lines: list[Line] = []
    model = comparison.model
    if comparison.groups and model.estimable:
        row = model.estimate(weighting.exposure, weighting.treated)
        low, high = fmt.number(row.low, 2), fmt.number(row.high, 2)
        difference = Value(
            (fmt.number(row.estimate, 2), f"({low}{fmt.separator}{high})"),
            "interval",
            (row.estimate, row.low, row.high),
            2,
        )
        p = Value((fmt.p_value(row.p_value),), "p", (row.p_value,), fmt.p_digits)
        lines.append(
            Line(
                "variable",
                (
                    Value.of(fmt.tr("{outcome}, weighted mean").format(outcome=outcome)),
                    *(_mean(g.outcome_mean, fmt) for g in comparison.groups),
                    difference,
                    p,
                ),
            )
        )
        lines.append(
            Line(
                "level",
                (
                    Value.of(fmt.tr("Infusions")),
                    *(Value((str(g.n),), "number", (g.n,), 0) for g in comparison.groups),
                    Value(),
                    Value(),
                ),
            )
        )
        lines.append(
            Line(
                "level",
                (
                    Value.of(fmt.tr("Effective sample size (Kish)")),
                    *(Value((fmt.number(g.ess, 1),), "number", (g.ess,), 1) for g in comparison.groups),
                    Value(),
                    Value(),
                ),
            )
        )
    else:
        lines.append(Line("variable", (Value.of(outcome), *(Value.of("-") for _ in columns[1:]))))
    covariates = listing([mid_sentence(term_label(t, lang)) for t in weighting.covariates], lang)
    estimand = fmt.tr(ESTIMANDS[weighting.estimand]).format(compared=names[-1] if names else "")
    footnotes = [
        fmt.tr(
            "Weights: {estimand}, from a logistic propensity model of the cohort on {covariates}, among the "
            "infusions with a known {outcome}. Difference: weighted linear model with robust standard errors (as "
            "R survey::svyglm); 95% CI and p on t with the residual degrees of freedom."
        ).format(estimand=estimand, covariates=covariates, outcome=mid_sentence(outcome)),
        *(note_text(note, result, lang) for note in _notes([weighting.propensity, model])),
    ]
    title = fmt.tr("Propensity-weighted comparison: {outcome}").format(outcome=outcome)
    caption = table_caption(title, number, fmt.lang)
    return Table(
        f"weighted_{comparison.outcome}", number, title, caption, columns, tuple(lines), tuple(footnotes)
    )


def balance_layout(comparison: WeightedComparison, result: StudyResult, fmt: Formatter, number: int) -> Table:
    lang = fmt.lang
    columns = (
        Column(fmt.tr("Characteristic"), "label"),
        Column(fmt.tr("SMD, unweighted"), "stat"),
        Column(fmt.tr("SMD, weighted"), "stat"),
    )
    lines = tuple(
        Line(
            "variable",
            (
                Value.of(term_label(b.term, lang)),
                Value((fmt.number(b.before, 3),), "number", (b.before,), 3),
                Value((fmt.number(b.after, 3),), "number", (b.after,), 3),
            ),
        )
        for b in comparison.weighting.balance
    )
    footnotes = (
        fmt.tr(
            "SMD: standardised mean difference as R tableone's svyCreateTableOne computes it: weighted means "
            "over the square root of the mean of the two weighted variances (survey's svyvar); for a "
            "categorical characteristic, Yang and Dalton's multi-level SMD. Below 0.1 is usually read as balanced."
        ),
    )
    outcome = outcome_label(comparison.outcome, lang)
    title = fmt.tr("Covariate balance before and after weighting ({outcome})").format(outcome=outcome)
    caption = table_caption(title, number, fmt.lang)
    return Table(f"balance_{comparison.outcome}", number, title, caption, columns, lines, footnotes)


def adjusted_tables(result: StudyResult, fmt: Formatter, first: int) -> tuple[Table, ...]:
    """The tables of the study's adjusted comparisons, numbered from `first`; none without an [adjusted] section."""
    adjusted = result.adjusted
    if adjusted is None:
        return ()
    tables: list[Table] = []
    for table in adjusted.regressions:
        tables.append(regression_table_layout(table, result, fmt, first + len(tables), adjusted))
    for comparison in adjusted.weighted:
        tables.append(weighted_layout(comparison, result, fmt, first + len(tables)))
        tables.append(balance_layout(comparison, result, fmt, first + len(tables)))
    return tuple(tables)


def adjusted_methods(result: StudyResult, lang: str) -> str:
    """One sentence per kind of adjusted comparison the study made, for the methods paragraph."""
    adjusted = result.adjusted
    if adjusted is None:
        return ""
    covariates = listing([mid_sentence(term_label(t, lang)) for t in adjusted.spec.covariates], lang)
    compared = level_label(result, adjusted.exposure, adjusted.compared or "", lang)
    reference = level_label(result, adjusted.exposure, adjusted.reference, lang)
    sentences = []
    if adjusted.regressions:
        outcomes = listing([mid_sentence(term_label(t.outcome, lang)) for t in adjusted.regressions], lang)
        sentences.append(
            tr(
                "Odds ratios of {outcomes} between cohorts ({reference} the reference) were estimated by logistic "
                "regression, univariable and adjusted for {covariates} (as R glm), with 95% confidence intervals "
                "({interval}).",
                lang,
            ).format(
                outcomes=outcomes,
                reference=reference,
                covariates=covariates,
                interval=tr(INTERVAL_WORDS[adjusted.regressions[0].multivariable.ci], lang),
            )
        )
        if adjusted.spec.unit == "patient":
            sentences.append(tr("Each patient counts once, at the first infusion.", lang))
        elif any(n.id == N.CLUSTERS for t in adjusted.regressions for n in t.multivariable.notes):
            sentences.append(
                tr(
                    "Standard errors are robust to the several infusions of a patient (clustered by patient).",
                    lang,
                )
            )
    if adjusted.weighted:
        outcomes = listing([outcome_label(c.outcome, lang) for c in adjusted.weighted], lang)
        estimand = tr(ESTIMANDS[adjusted.spec.estimand], lang).format(compared=compared)
        sentences.append(
            tr(
                "{outcomes} was compared between {compared} and {reference} with {estimand} from a logistic "
                "propensity model on the same covariates, by a weighted linear model with robust standard errors "
                "(as R survey::svyglm); balance is shown as standardised mean differences before and after "
                "weighting, with Kish's effective sample size.",
                lang,
            ).format(outcomes=outcomes, compared=compared, reference=reference, estimand=estimand)
        )
    return " ".join(sentences)
