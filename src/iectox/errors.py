"""The one exception family of iectox: every error says where (file, sheet, row, column) and what."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field

from iectox.i18n import N_, tr
from iectox.message import Message, fill, shown


@dataclass(frozen=True)
class Issue:
    """One problem found in a dataset, located the way the user sees their spreadsheet.

    `row` is the row number shown by Excel or a text editor (the header is row 1), so a pharmacist can go
    straight to the cell. `rule` is a stable identifier (e.g. ``vocabulary``, ``onset_not_before_infusion``)
    that tests and scripts can rely on; `message` is the sentence for people, in English. `template` is the
    rule's English template (marked with `iectox.i18n.N_`) and `values` what fills its placeholders, so that
    `text(lang)` rebuilds the sentence in another language. An issue made without a template is its own
    template.
    """

    file: str
    sheet: str | None
    row: int | None
    column: str | None
    value: str | None
    rule: str
    message: str
    severity: str = "error"
    template: str | None = None
    values: Mapping[str, object] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if self.template is None:
            object.__setattr__(self, "template", self.message)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    def text(self, lang: str = "en") -> str:
        """The sentence in `lang`: the template's translation filled with the values, else the message.

        A value whose placeholder ends in `_text` is English words (an expected form, a pattern's name) and
        is translated too; every other value (a cell's content, a column's name) is shown as it is.
        """
        if not self.values:
            return tr(self.template or self.message, lang)
        return fill(self.template or self.message, self.values, lang)

    def where(self, lang: str = "en") -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(tr("sheet {sheet}", lang).format(sheet=self.sheet))
        if self.row is not None:
            parts.append(tr("row {row}", lang).format(row=self.row))
        if self.column:
            parts.append(tr("column {column}", lang).format(column=self.column))
        return ", ".join(parts)


SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):/")  # a URL's scheme, even before one slash only


def without_password(url: str) -> str:
    """A database URL as a message or a log may quote it: its password replaced by ***, its user name kept
    ("postgresql://iectox:***@db:5432/registry"). Everything between the user name and the last @ is taken for
    the password, an @ or a / in it included, and a URL too malformed to parse (one slash after the scheme)
    is read the same way, so that no form of a URL repeats its password."""
    if "@" not in url:
        return url
    head, _, host = url.rpartition("@")
    scheme = SCHEME.match(head)
    credentials = head[scheme.end() :].lstrip("/") if scheme else head
    user, password, _ = credentials.partition(":")
    return f"{scheme.group(1) + '://' if scheme else ''}{user}{':***' if password else ''}@{host}"


class IectoxError(Exception):
    """Base class of every error iectox raises on purpose."""

    def text(self, lang: str = "en") -> str:
        """The sentence in `lang`; errors whose sentence is data (`SourceError`, `OutputRefused`) translate it."""
        return str(self)


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
    """A file could not be read at all (missing, not a workbook, no header...).

    `message` is an English sentence, or an English template (marked with `N_`) filled with `values`, so
    that `text(lang)` gives it in the user's language."""

    def __init__(self, file: str, message: str, sheet: str | None = None, **values: object):
        self.file, self.sheet = file, sheet
        self.reason = Message(message, **values) if values else message
        where = f"{file}, sheet {sheet}" if sheet else file
        super().__init__(f"{where}: {self.reason}")

    def text(self, lang: str = "en") -> str:
        where = (
            f"{self.file}, {tr('sheet {sheet}', lang).format(sheet=self.sheet)}" if self.sheet else self.file
        )
        return f"{where}: {shown(self.reason, lang)}"


class OutputRefused(IectoxError):
    """iectox will not write where it was asked to: it would replace what the user keeps there.

    `reason` is an English template (its French in the catalogs) filled with `values`."""

    def __init__(self, path: str, reason: str, **values: object):
        self.path = path
        self.message = Message(
            N_("{path}: {reason}; nothing was written"), path=path, reason=Message(reason, **values)
        )
        super().__init__(str(self.message))

    def text(self, lang: str = "en") -> str:
        return self.message.text(lang)


class SpecError(IectoxError):
    """A settings, mapping or summary-table file is malformed.

    The message says it all; `file`, `key`, `value` and `allowed` say it again for programs (a study editor
    that puts the cursor on the key), when the code that raised it knew them.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        key: str | None = None,
        value: object = None,
        allowed: tuple[object, ...] = (),
    ):
        self.file, self.key, self.value, self.allowed = file, key, value, allowed
        super().__init__(message)
