"""The adverse-event table laid out for a reader, in HTML, XLSX, DOCX and JSON, from its numbers.

    table = adverse_event_table(episodes, infusions, "cohort", per="patient")
    shown = adverse_event_layout(table, Formatter("fr"), "Toxicities", labels={"clinical_trial": "Trials"})
    adverse_event_records(table, Formatter("fr"))   # numbers and ids, footnotes worded, for JSON

One column per cohort (headed with its denominator), then overall; per toxicity and scale a block: its name and
scale, any grade, unknown grade, each grade, grade >= 3, then the units graded on another scale only and those
not assessed. The study report shows the same `Table` (`iectox.render.document`); the table alone is written
by `iectox.render.adverse_events_files`.
"""

from __future__ import annotations

from collections.abc import Mapping

from iectox.i18n import N_
from iectox.render.comparison import EXCLUDED_NOTE
from iectox.render.figures import colour_at
from iectox.render.format import Formatter
from iectox.render.layout import Column, Line, Table, Value, pretty, table_caption
from iectox.schema.vocabularies import GRADING_SCALE
from iectox.stats.adverse_events import AdverseEventTable, Note, Row
from iectox.study.adverse_events import TITLE

HEAD = N_("Toxicity, maximum grade")
BLOCK = N_("{toxicity}, {scale}")
LABELS = {
    "any": "Any grade",  # in the catalog through locale/unmarked.py (stats/build.py), as the comparison shows it
    "unknown": N_("Unknown grade"),
    "high": N_("Grade >= 3"),
    "other_scale": N_("Graded on another scale only"),
    "not_assessed": N_("Not assessed"),
}
LINE_TYPES = {
    "toxicity": "variable",
    "unknown": "missing",
    "other_scale": "missing",
    "not_assessed": "missing",
}
NOTES = {
    "infusion": N_("Maximum grade per infusion: n (%) of the cohort's infusions (N under its name)."),
    "patient": N_(
        "Worst grade per patient over their infusions: n (%) of the cohort's patients (N under its name)."
    ),
    "scales": N_(
        "Grades are counted on the scale they were recorded on, never pooled across scales. Unknown grade: "
        "recorded without a grade on this scale (an ungraded episode beside a graded one counts at the grade "
        "recorded)."
    ),
    "mixed_scales": N_(
        "{toxicity}: grades recorded on {scales}; each scale is a block of its own over every unit, and a "
        "unit graded on another scale only is counted as such."
    ),
    "not_recorded": N_("{toxicity}: no episode recorded in the dataset; not shown."),
    "computed_only": N_(
        "{toxicity}: no episode recorded in the dataset; only its grades computed from the labs are shown."
    ),
    "computed": N_(
        "{toxicities}: grades computed from the labs (ICAHT: the ANC, EHA/EBMT 2023; IEC-HS: the laboratory "
        "criteria, the treatments and the recorded grades, Hines 2023), each a block of its own, never pooled "
        "with the grades recorded in the episodes; not assessed: no ANC (ICAHT), no ferritin after infusion "
        "(IEC-HS)."
    ),
    "several_cohorts": N_(
        "{count} patients had infusions in more than one cohort: counted in each, once overall."
    ),
}


COMPUTED_TOXICITIES = {"ICAHT-early": N_("Early ICAHT"), "ICAHT-late": N_("Late ICAHT")}
COMPUTED_SCALES = {  # the scales of the grades computed from the labs (`stats.adverse_events_computed`)
    "EHA-EBMT2023": N_("EHA/EBMT 2023, computed from the ANC"),
    "Hines2023-computed": N_("ASTCT 2023 (Hines), computed from the labs and treatments"),
}


def scale_label(scale: str, fmt: Formatter) -> str:
    return fmt.tr(COMPUTED_SCALES[scale] if scale in COMPUTED_SCALES else GRADING_SCALE.term(scale).label)


def toxicity_label(toxicity: str, fmt: Formatter) -> str:
    return fmt.tr(COMPUTED_TOXICITIES.get(toxicity, toxicity))


def row_label(row: Row, fmt: Formatter) -> str:
    if row.row_type == "toxicity":
        return fmt.tr(BLOCK).format(
            toxicity=toxicity_label(row.syndrome, fmt), scale=scale_label(row.scale, fmt)
        )
    if row.row_type == "grade":
        return fmt.tr(f"Grade {row.grade}")
    return pretty(fmt.tr(LABELS[row.row_type]))


def note_text(note: Note, table: AdverseEventTable, fmt: Formatter) -> str:
    values = note.values
    if note.id == "denominator":
        return fmt.tr(NOTES[table.per])
    if note.id == "excluded":
        return fmt.tr(EXCLUDED_NOTE).format(n=values["count"], by=values["by"])
    toxicity = fmt.tr(str(values.get("syndrome", "")))
    scales = ", ".join(scale_label(s, fmt) for s in values.get("scales", ()))
    toxicities = ", ".join(toxicity_label(t, fmt) for t in values.get("toxicities", ()))
    return fmt.tr(NOTES[note.id]).format(
        toxicity=toxicity, scales=scales, count=values.get("count"), toxicities=toxicities
    )


def adverse_event_layout(
    table: AdverseEventTable,
    fmt: Formatter | None = None,
    title: str = TITLE,
    *,
    labels: Mapping[str, str] | None = None,
    number: int | None = None,
    table_id: str = "adverse_events",
) -> Table:
    """The table as shown; `labels` names the cohorts (their codes otherwise)."""
    fmt = fmt or Formatter()
    labels = labels or {}
    columns = [Column(fmt.tr(HEAD), "label")]
    for i, group in enumerate(table.groups):
        columns.append(Column(fmt.tr(labels.get(group, group)), "group", table.sizes[i], colour_at(i)))
    columns.append(Column(fmt.tr("Overall"), "overall", table.sizes[-1]))
    lines = []
    for row in table.rows:
        cells = [Value(fmt.cell_parts(c), c.kind, c.values, fmt.digits) for c in row.cells]
        cells += [Value()] * (len(columns) - 1 - len(cells))
        lines.append(Line(LINE_TYPES.get(row.row_type, "level"), (Value((row_label(row, fmt),)), *cells)))
    shown = pretty(fmt.tr(title)) if title else ""
    caption = table_caption(shown, number, fmt.lang)
    notes = tuple(note_text(note, table, fmt) for note in table.notes)
    return Table(table_id, number, shown, caption, tuple(columns), tuple(lines), notes)


def adverse_event_records(table: AdverseEventTable, fmt: Formatter | None = None) -> dict[str, object]:
    """The table's numbers and ids (`AdverseEventTable.records`), with its footnotes in `fmt`'s language."""
    fmt = fmt or Formatter()
    return {**table.records(), "footnotes": [note_text(note, table, fmt) for note in table.notes]}
