"""The one exception family of iectox: every error says where (file, sheet, row, column) and what."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field

from iectox.i18n import tr


@dataclass(frozen=True)
class Issue:
    """One problem found in a dataset, located the way the user sees their spreadsheet.

    `row` is the row number shown by Excel or a text editor (the header is row 1), so a pharmacist can go
    straight to the cell. `rule` is a stable identifier (e.g. ``vocabulary``, ``onset_not_before_infusion``)
    that tests and scripts can rely on; `message` is the sentence for people, in English. When `template`
    is set, `message` is `template` filled with `values`, and `text(lang)` fills the template's translation.
    """

    file: str
    sheet: str | None
    row: int | None
    column: str | None
    value: str | None
    rule: str
    message: str
    severity: str = "error"
    template: str = ""  # the English message with {placeholders}; "" when `message` is the only text
    values: Mapping[str, object] = field(default_factory=dict)  # the placeholders' values

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    def text(self, lang: str = "en") -> str:
        """The sentence in `lang`: the template's translation filled with the values, else the message.

        A value whose placeholder ends in `_text` is English words (an expected form, a pattern's name) and
        is translated too; every other value (a cell's content, a column's name) is shown as it is.
        """
        if not self.template:
            return tr(self.message, lang)
        values = {k: tr(str(v), lang) if k.endswith("_text") else v for k, v in self.values.items()}
        return tr(self.template, lang).format(**values)

    def where(self, lang: str = "en") -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(tr("sheet {sheet}", lang).format(sheet=self.sheet))
        if self.row is not None:
            parts.append(tr("row {row}", lang).format(row=self.row))
        if self.column:
            parts.append(tr("column {column}", lang).format(column=self.column))
        return ", ".join(parts)


class IectoxError(Exception):
    """Base class of every error iectox raises on purpose."""


class DatasetInvalid(IectoxError):
    """A dataset failed validation; nothing was loaded or written."""

    def __init__(self, issues: Sequence[Issue]):
        self.issues = list(issues)
        errors = [i for i in self.issues if i.severity == "error"]
        first = errors[0] if errors else None
        summary = f"{len(errors)} error(s) in the dataset"
        if first is not None:
            summary += f"; first: {first.where()}: {first.message}"
        super().__init__(summary)


class SourceError(IectoxError):
    """A file could not be read at all (missing, not a workbook, no header...)."""

    def __init__(self, file: str, message: str, sheet: str | None = None):
        self.file, self.sheet = file, sheet
        where = f"{file}, sheet {sheet}" if sheet else file
        super().__init__(f"{where}: {message}")


class SpecError(IectoxError):
    """A settings, mapping or summary-table file is malformed."""
