"""The validation rules page of the docs, generated from the rules' own declarations so it cannot drift."""

from __future__ import annotations

from collections.abc import Iterable

from iectox.rules import Rule
from iectox.schema.dictionary import generated_from
from iectox.validate import registry
from iectox.validate.content import ColumnCheck

HEADER = ("| rule | {what} | severity | source |", "| --- | --- | --- | --- |")


def _rows(rules: Iterable[Rule]) -> list[str]:
    return [f"| `{rule.id}` | {rule.title} | {rule.severity} | {rule.source} |" for rule in rules]


def validation_rules_markdown() -> str:
    checked = list(registry.VALIDATION.values())  # read when called: a rule registered later is listed too
    cell = [rule for rule in checked if isinstance(rule.evaluate, ColumnCheck)]
    cross_field = [rule for rule in checked if not isinstance(rule.evaluate, ColumnCheck)]
    lines = [
        "# Validation rules",
        "",
        generated_from("iectox.validate"),
        "",
        "Every problem is reported with its file, sheet, row (as numbered in the spreadsheet, header = 1), "
        "column, value, rule and a sentence. A dataset with any error is neither loaded nor written. "
        "One wrong value gives one error: a cell refused by a rule (its type, vocabulary, range or pattern, "
        "a required blank) is blank for the rules after it, which report neither that cell nor a row that "
        "reads it again, and references to a table whose identifiers were refused are checked once these are "
        "fixed. Nothing is guessed: a value marked uncertain, dates whose order the study has not given "
        "and a title above the headers are refused with what to do, each said once. A message quotes the "
        "offending cell only (at most 60 characters, hidden characters shown as `<U+XXXX>`), and never a "
        "value that looks like a direct identifier. Rules are checked and reported in the order of these "
        "tables.",
        "",
        "## Tables, headers and cells",
        "",
        HEADER[0].format(what="what it checks"),
        HEADER[1],
        *_rows([*registry.READING.values(), *cell]),
        "",
        "## Cross-field rules",
        "",
        HEADER[0].format(what="what must hold"),
        HEADER[1],
        *_rows(cross_field),
    ]
    return "\n".join(lines) + "\n"
