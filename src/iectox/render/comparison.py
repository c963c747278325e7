"""A comparison table laid out for a reader: columns, lines and footnotes formatted once, from its numbers.

    fmt = Formatter("fr", digits=1, p_digits=3)
    comparison_frame(table, fmt)        # a pandas frame, one line per variable and per level
    comparison_markdown(table, fmt)     # the same, with its footnotes
    footnotes(table, fmt)               # ["n (%) ; Moyenne (ET) ; ...", "¹ Test du khi-deux de Pearson"]

`comparison_table` builds the `layout.Table` every format lays out (the report's HTML, DOCX and XLSX, a
table on its own, the frame and Markdown); nothing downstream reads its text back.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from iectox.analysis import BY_NAME
from iectox.i18n import N_
from iectox.message import shown
from iectox.render import intervals
from iectox.render.figures import colour_at
from iectox.render.format import Formatter, stratified_test_name, superscript
from iectox.render.layout import Column, Line, Table, Value, pretty, table_caption
from iectox.stats.compare import Comparison
from iectox.stats.table import Footnote, VariableResult

STATISTICS_NOTE = N_("n (%); Mean (SD); Median [IQR]")
ADJUSTMENT_NOTES = {
    "holm": N_("q-values: Holm adjustment"),
    "bh": N_("q-values: Benjamini-Hochberg adjustment"),
    "bonferroni": N_("q-values: Bonferroni adjustment"),
    "hochberg": N_("q-values: Hochberg adjustment"),
    "by": N_("q-values: Benjamini-Yekutieli adjustment"),
}
EXCLUDED_NOTE = N_("{n} rows without {by} are left out.")
SUBPOPULATION_NOTE = N_("{names}: among infusions with {among} (n = {counts}).")


def _label(r: VariableResult, fmt: Formatter) -> str:
    return pretty(fmt.tr(r.label))


def footnote_text(note: Footnote, comparison: Comparison, fmt: Formatter) -> str:
    """One footnote in the formatter's language."""
    if note.kind == "statistics":
        return fmt.tr(STATISTICS_NOTE)
    if note.kind == "test":
        return f"{superscript(note.mark or 0)} {stratified_test_name(note.test or '', note.strata, fmt.lang)}"
    if note.kind == "adjustment":
        return fmt.tr(ADJUSTMENT_NOTES[str(note.method)])
    if note.kind == "excluded":
        return fmt.tr(EXCLUDED_NOTE).format(n=note.count, by=comparison.by)
    if note.kind in ("interval", "difference"):
        return intervals.footnote_text(note, comparison, fmt)
    labels = [_label(comparison.result(name), fmt) for name in note.variables]
    if note.kind == "subpopulation":
        among = fmt.tr(BY_NAME[note.among].label if note.among in BY_NAME else str(note.among))
        counts = fmt.separator.join(str(n) for n in note.sizes)
        return fmt.tr(SUBPOPULATION_NOTE).format(names=", ".join(labels), among=among.lower(), counts=counts)
    return f"{labels[0]}: {shown(note.message or '', fmt.lang)}"  # untested, warning


def footnotes(comparison: Comparison, fmt: Formatter | None = None) -> list[str]:
    fmt = fmt or Formatter()
    return [footnote_text(note, comparison, fmt) for note in comparison.footnotes()]


def columns(comparison: Comparison, fmt: Formatter) -> tuple[Column, ...]:
    sizes = comparison.groups.sizes
    shown = [Column(fmt.tr("Characteristic"), "label")]
    for i, label in enumerate(comparison.groups.labels):
        shown += intervals.ci_columns(
            comparison, fmt, Column(fmt.tr(label), "group", int(sizes[i]), colour_at(i))
        )
    if comparison.show_overall:
        shown += intervals.ci_columns(comparison, fmt, Column(fmt.tr("Overall"), "overall", int(sizes.sum())))
    if comparison.show_p:
        shown.append(Column(fmt.tr("p-value"), "p"))
    if comparison.q_method:
        shown.append(Column(fmt.tr("q-value"), "p"))
    if comparison.show_smd:
        shown.append(Column(fmt.tr("SMD"), "stat"))
    shown += intervals.difference_columns(comparison, fmt)
    return tuple(shown)


def _p(p: float | None, fmt: Formatter, mark: str = "") -> Value:
    text = fmt.p_value(p)
    return Value((text,), "p", (p,), fmt.p_digits, mark) if text else Value()


def _variable_values(
    r: VariableResult, comparison: Comparison, fmt: Formatter, marks: dict[str, int]
) -> list[Value]:
    """The p-value (marked with its test's footnote), q-value, SMD and difference on a variable's line."""
    values = []
    if comparison.show_p:
        values.append(_p(r.p_value, fmt, superscript(marks[r.test.test])) if r.test else Value())
    if comparison.q_method:
        values.append(_p(r.q_value, fmt))
    if comparison.show_smd:
        values.append(Value((fmt.number(r.smd, 3),), "number", (r.smd,), 3) if r.smd is not None else Value())
    if comparison.show_difference:
        values += intervals.difference_values(r.effect, fmt)
    return values


def _lines(r: VariableResult, comparison: Comparison, fmt: Formatter, marks: dict[str, int]) -> list[Line]:
    """A variable's lines: its own (label, then p, q, SMD...), then its levels, summaries and missing values,
    one cell per cohort (and overall)."""
    groups = comparison.groups.k + comparison.show_overall
    extra = _variable_values(r, comparison, fmt, marks)
    lines = []
    for i, row in enumerate(r.rows):
        label = Value((pretty(fmt.tr(row.label)),))
        cells = [Value(fmt.cell_parts(c), c.kind, c.values, fmt.digits) for c in row.cells[:groups]]
        cells += [Value()] * (groups - len(cells))
        if comparison.ci_level is not None:
            ci = intervals.row_values(row, r.intervals[i] if r.intervals else (), groups, fmt)
            cells = [value for pair in zip(cells, ci, strict=True) for value in pair]
        after = extra if row.row_type == "variable" else [Value()] * len(extra)
        lines.append(Line(row.row_type, (label, *cells, *after)))
    return lines


def comparison_table(
    comparison: Comparison,
    fmt: Formatter | None = None,
    title: str = "",
    *,
    number: int | None = None,
    table_id: str = "table",
) -> Table:
    """The table as shown: the study report numbers its tables ("Table 2. Demographics"); a table on its
    own is captioned by its title, or not at all."""
    fmt = fmt or Formatter()
    if comparison.policy.rounding == "half_up":
        fmt = replace(fmt, half_up=True)
    notes = comparison.footnotes()
    marks = {note.test: note.mark for note in notes if note.kind == "test"}  # the p-values' footnote marks
    lines = tuple(line for r in comparison.results for line in _lines(r, comparison, fmt, marks))
    title = pretty(fmt.tr(title)) if title else ""
    caption = table_caption(title, number, fmt.lang)
    texts = tuple(footnote_text(note, comparison, fmt) for note in notes)
    return Table(table_id, number, title, caption, columns(comparison, fmt), lines, texts)


def table_frame(table: Table) -> pd.DataFrame:
    """A laid-out table as a pandas frame of text: cohorts headed with their N, levels indented."""
    heads = [c.label if c.n is None else f"{c.label} (N = {c.n})" for c in table.columns]
    rows = [
        [("    " if line.level else "") + line.cells[0].text, *(v.text for v in line.cells[1:])]
        for line in table.lines
    ]
    return pd.DataFrame(rows, columns=heads)


def comparison_frame(comparison: Comparison, fmt: Formatter | None = None) -> pd.DataFrame:
    """The table as people read it: one line per variable and per level, formatted by `fmt`."""
    return table_frame(comparison_table(comparison, fmt))


def table_markdown(table: Table) -> str:
    """A laid-out table in Markdown (a pipe table), then its footnotes."""
    frame = table_frame(table)
    head = "| " + " | ".join(frame.columns) + " |"
    rule = "| " + " | ".join("---" for _ in frame.columns) + " |"
    body = [
        "| " + " | ".join(str(v).replace("|", "\\|") for v in row) + " |"
        for row in frame.itertuples(index=False)
    ]
    caption = [f"**{table.caption}**\n"] if table.caption else []
    notes = [f"\n{note}" for note in table.footnotes]
    return "\n".join([*caption, head, rule, *body]) + "\n" + "".join(notes) + "\n"


def comparison_markdown(comparison: Comparison, fmt: Formatter | None = None, title: str = "") -> str:
    return table_markdown(comparison_table(comparison, fmt, title))
