"""The validation rules page of the docs, generated from the rules themselves so it cannot drift."""

from __future__ import annotations

import inspect

from iectox.validate.rules import RULES

CELL_RULES = (
    ("missing_table", "A required table has no sheet (workbook) or file (CSV folder) of its name."),
    ("unknown_table", "Warning: a sheet or CSV file that is not a table is reported and not read."),
    ("missing_column", "A required column has no header in its table."),
    ("unknown_column", "A header that is not a column of the table (with a 'did you mean')."),
    ("duplicate_column", "The same column appears twice in a table."),
    ("unnamed_column", "Values stand under an empty header."),
    (
        "number / integer / boolean / date / datetime",
        "The cell cannot be read as its type (decimal commas, "
        "Excel serial dates and day-first dates when the study says so are accepted).",
    ),
    ("required", "A required cell is blank."),
    ("vocabulary", "A value outside the column's vocabulary (synonyms are accepted), with a 'did you mean'."),
    ("range", "A number outside the plausible range of its column (e.g. weight 20-250 kg, dose > 0)."),
    ("pattern", "An identifier with spaces or characters other than letters, digits, '_', '.', '-'."),
    ("unique", "An identifier used twice; reported on the repeat, naming the first row."),
    ("reference", "An identifier that does not exist in the table it refers to."),
)


def validation_rules_markdown() -> str:
    lines = [
        "# Validation rules",
        "",
        "<!-- Generated from iectox.validate by `iectox dictionary`; do not edit by hand. -->",
        "",
        "Every problem is reported with its file, sheet, row (as numbered in the spreadsheet, header = 1), "
        "column, value, rule and a sentence. A dataset with any error is neither loaded nor written. "
        "After the cell rules, a cell that failed its vocabulary or range is treated as blank by the "
        "cross-field rules, so one wrong value gives one error.",
        "",
        "## Tables, headers and cells",
        "",
        "| rule | what it checks |",
        "| --- | --- |",
        *(f"| `{rule}` | {text} |" for rule, text in CELL_RULES),
        "",
        "## Cross-field rules",
        "",
        "| rule | what must hold |",
        "| --- | --- |",
    ]
    for rule in RULES:
        doc = " ".join(inspect.cleandoc(rule.__doc__ or "").split("\n\n")[0].split())
        lines.append(f"| `{rule.__name__}` | {doc} |")
    return "\n".join(lines) + "\n"
