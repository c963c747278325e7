"""The data dictionary (Markdown), derived from the contract so the docs can never disagree with the code.

`docs/data_dictionary.md` is this function's output, regenerated with `iectox dictionary`; a test fails when
the committed file is stale. The wording of allowed values (`value_rule`) is shared with the XLSX template.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping

from iectox.schema import contract as contract_module
from iectox.schema.labs import ANALYTES
from iectox.schema.model import Column, Kind, Schema, Table, Vocabulary

# Friendlier headings for term attributes; an attribute not listed here is shown under its own name.
ATTRIBUTE_HEADINGS = {
    "therapy_class": "Class",
    "target": "Target",
    "approvals": "First EU approval (indication: month)",
    "max_grade": "Highest grade",
    "syndromes": "Grades",
}


GENERATED = "by `iectox dictionary`; do not edit by hand. -->"
"""How a page `iectox dictionary` writes ends its first line: the command recognises its own pages by it."""


def generated_from(package: str) -> str:
    """The first line of a page `iectox dictionary` generates from `package`."""
    return f"<!-- Generated from {package} {GENERATED}"


def value_rule(column: Column) -> str:
    """The allowed values of a column in words, as a data-entry person reads them."""
    if column.vocabulary is not None:
        return f"a code of the '{column.vocabulary.name}' list"
    if column.kind is Kind.BOOLEAN:
        return "yes or no"
    if column.kind is Kind.DATE:
        return "a date, yyyy-mm-dd"
    if column.kind is Kind.DATETIME:
        return "yyyy-mm-dd hh:mm, or yyyy-mm-dd when the hour was not recorded"
    if column.kind in (Kind.INTEGER, Kind.NUMBER):
        return range_rule(column)
    return column.pattern_name or ""


def range_rule(column: Column) -> str:
    """A numeric column's range in words, e.g. 'a whole number from 0 to 10'."""
    noun = "a whole number" if column.kind is Kind.INTEGER else "a number"
    low, high = bound_text(column.minimum), bound_text(column.maximum)
    if low is not None and high is not None:
        if column.exclusive_minimum:
            return f"{noun} above {low} and up to {high}"
        return f"{noun} from {low} to {high}"
    if low is not None:
        return f"{noun} above {low}" if column.exclusive_minimum else f"{noun} of at least {low}"
    if high is not None:
        return f"{noun} of at most {high}"
    return noun


def bound_text(bound: float | None) -> str | None:
    """A bound as written by people: 110, not 110.0."""
    if bound is None:
        return None
    return str(int(bound)) if float(bound).is_integer() else str(bound)


def data_dictionary_markdown(schema: Schema | None = None) -> str:
    """The whole data dictionary: tables, vocabularies, and the conventions for incomplete times."""
    if schema is None:
        schema = contract_module.CONTRACT
    parts = [
        "# Data dictionary",
        "",
        generated_from("iectox.schema"),
        "",
        "An iectox dataset is a workbook with one sheet per table (or a folder with one CSV file per table). "
        "Headers are the column names below. **Required** columns must be filled on every row; optional "
        'columns may be left blank, which always means "not known". Coded columns take a code of their '
        "vocabulary; the labels and synonyms listed with each vocabulary are accepted on import and stored "
        "as the code.",
        "",
        "## Tables",
        "",
    ]
    for table in schema.tables:
        parts += _table_section(table)
    parts += ["## Vocabularies", ""]
    for vocab in vocabularies(schema):
        parts += _vocabulary_section(vocab, schema)
    if "labs" in schema.table_names:
        parts += _lab_units()
    parts += ["## Incomplete times", "", *_time_conventions(schema)]
    return "\n".join(parts).rstrip("\n") + "\n"


def vocabularies(schema: Schema) -> list[Vocabulary]:
    """Every vocabulary the contract uses, once each, in order of first use."""
    seen: dict[str, Vocabulary] = {}
    for table in schema.tables:
        for column in table.columns:
            if column.vocabulary is not None:
                seen.setdefault(column.vocabulary.name, column.vocabulary)
    return list(seen.values())


def _anchor(vocab: Vocabulary) -> str:
    return "vocabulary-" + vocab.name.replace("_", "-")


def _cell(text: object) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def _row(cells: list[object]) -> str:
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def _table_section(table: Table) -> list[str]:
    status = "required" if table.required else "optional (may be absent or empty)"
    lines = [f"### `{table.name}`", "", table.description, "", f"Table {status}."]
    if table.key:
        lines[-1] += f" One row per `{table.key}`."
    lines += [
        "",
        _row(["Column", "Type", "Required", "Unit", "Allowed values or range", "Description"]),
        _row(["---"] * 6),
    ]
    for column in table.columns:
        lines.append(
            _row(
                [
                    f"`{column.name}`",
                    column.kind.value,
                    "yes" if column.required else "no",
                    column.unit or "",
                    _allowed(column),
                    _description(column),
                ]
            )
        )
    return [*lines, ""]


def _allowed(column: Column) -> str:
    if column.vocabulary is not None:
        return f"[{column.vocabulary.name}](#{_anchor(column.vocabulary)})"
    return value_rule(column)


def _description(column: Column) -> str:
    text = column.description
    if column.unique:
        text += " Unique."
    if column.references:
        text += f" Must exist in `{column.references}`."
    if column.example:
        text += f" Example: `{column.example}`."
    return text


def _vocabulary_section(vocab: Vocabulary, schema: Schema) -> list[str]:
    users = [
        f"`{t.name}.{c.name}`"
        for t in schema.tables
        for c in t.columns
        if c.vocabulary is not None and c.vocabulary.name == vocab.name
    ]
    lines = [f'<a id="{_anchor(vocab)}"></a>', "", f"### {vocab.name}", ""]
    if vocab.description:
        lines += [vocab.description, ""]
    lines += [f"Used by {', '.join(users)}.", ""]
    attributes = list(dict.fromkeys(key for term in vocab.terms for key in term.attrs))
    headings = ["Code", "Label", *(ATTRIBUTE_HEADINGS.get(a, a) for a in attributes), "Also accepted"]
    lines += [_row(headings), _row(["---"] * len(headings))]
    for term in vocab.terms:
        extra = [_attribute(term.attrs.get(a)) for a in attributes]
        lines.append(_row([f"`{term.code}`", term.label, *extra, ", ".join(term.synonyms)]))
    return [*lines, ""]


def _attribute(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {v}" for k, v in value.items()) or "none"
    if isinstance(value, tuple | list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _lab_units() -> list[str]:
    """Each analyte's units, their factor into its canonical unit, and its plausible range with the reason."""
    lines = [
        "## Lab units and ranges",
        "",
        "A lab value is stored in the unit typed and compared in its analyte's canonical unit (value x factor). "
        "A unit not listed for the analyte is refused (lab_unit_for_analyte); a value outside the range, in "
        "the canonical unit, is refused as a typing error (lab_value_plausible). Units are read ignoring case: "
        "for a cell count `G/L` is 10⁹/L.",
        "",
        _row(["Analyte", "Canonical unit", "Units allowed (factor)", "Plausible range", "Why"]),
        _row(["---"] * 5),
    ]
    for a in ANALYTES.values():
        units = ", ".join(f"`{unit}` (x{factor:g})" for unit, factor in a.factors.items())
        span = f"{bound_text(a.low)}-{bound_text(a.high)}"
        lines.append(_row([f"`{a.code}`", f"`{a.canonical}`", units, span, a.why]))
    return [*lines, ""]


def _time_conventions(schema: Schema) -> list[str]:
    """The contract module's own statement of the convention, so it is written in one place only."""
    doc = inspect.cleandoc(contract_module.__doc__ or "")
    body = doc.split("\n\n", 1)[1] if "\n\n" in doc else doc
    lines: list[str] = []
    for paragraph in body.split("\n\n"):
        lines += [" ".join(paragraph.split()), ""]
    timed = [f"`{t.name}.{c.name}`" for t in schema.tables for c in t.columns if c.kind is Kind.DATETIME]
    return [*lines, f"Date-and-time columns: {', '.join(timed)}.", ""]
