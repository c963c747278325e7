"""The validation rules in the order they are checked and reported.

`READING` holds the rules applied while a file is read (tables, headers, cell types); `VALIDATION` the rules
on typed tables: cell rules, then cross-field rules. Adding a rule is registering one `Rule` in `VALIDATION`
(in this list, or with `VALIDATION.register`): it is then checked on every dataset, its issues reported after
those of the rules before it, and it is listed on docs/validation_rules.md.
"""

from __future__ import annotations

from dataclasses import replace

from iectox.errors import Issue
from iectox.rules import Registry
from iectox.validate.cells import TYPE_RULES
from iectox.validate.characters import CONTROL_CHARACTER, INVISIBLE_CHARACTER
from iectox.validate.content import CELL_RULES, PATTERN, RANGE, REQUIRED, VOCABULARY
from iectox.validate.date_order import DATE_ORDER
from iectox.validate.frames import Frames
from iectox.validate.identifiers import DIRECT_IDENTIFIER_VALUE
from iectox.validate.rules import CROSS_FIELD_RULES
from iectox.validate.settings import Settings
from iectox.validate.structure import HEADER_RULES, TABLE_RULES
from iectox.validate.text_files import TEXT_FILE_RULES
from iectox.validate.uncertain import UNCERTAIN_VALUE
from iectox.validate.workbook import WORKBOOK_RULES

READING = Registry(
    "reading",
    [
        *TABLE_RULES,
        *WORKBOOK_RULES,
        *TEXT_FILE_RULES,
        *HEADER_RULES,
        CONTROL_CHARACTER,
        INVISIBLE_CHARACTER,
        UNCERTAIN_VALUE,
        *TYPE_RULES.values(),
        DATE_ORDER,
    ],
)
VALIDATION = Registry("validation", [DIRECT_IDENTIFIER_VALUE, *CELL_RULES, *CROSS_FIELD_RULES])
# Rules after these see the cells they failed as blank and refused (`Frames.refused`), so one wrong value gives
# one error, not a cascade; cells refused while reading (their type) are refused the same way.
BLANKED_AFTER = (DIRECT_IDENTIFIER_VALUE.id, REQUIRED.id, VOCABULARY.id, RANGE.id, PATTERN.id)


def run_rules(frames: Frames, settings: Settings, registry: Registry | None = None) -> list[Issue]:
    """Every issue of every rule of `registry` (`VALIDATION`), in its order; each rule is passed only the
    settings it declares, by name."""
    clean = replace(
        frames,
        tables={name: frame.copy(deep=False) for name, frame in frames.tables.items()},
        refused={cell: set(rows) for cell, rows in frames.refused.items()},
        text=dict(frames.text),
        rows=dict(frames.rows),
    )
    issues: list[Issue] = []
    for rule in (registry if registry is not None else VALIDATION).values():
        found = list(rule.evaluate(clean, **{name: getattr(settings, name) for name in rule.settings}))
        issues += found
        if rule.id in BLANKED_AFTER:
            _blank(clean, found)
    return issues


def _blank(frames: Frames, issues: list[Issue]) -> None:
    """Refuse the cells of `issues`, each column at once."""
    located = {frames.sources.get(name, (f"{name}.csv", None)): name for name in frames.tables}
    cells: dict[tuple[str, str], list[int]] = {}
    for issue in issues:
        table = located.get((issue.file, issue.sheet))
        if table is not None and issue.row is not None and issue.column is not None:
            cells.setdefault((table, issue.column), []).append(issue.row)
    for (table, column), rows in cells.items():
        frames.refuse(table, column, rows)
