"""A table as laid out on a page: columns of a kind, lines of a type, cells that keep their numbers.

HTML, DOCX, XLSX, Markdown and the pandas view all read the same `Table`: each cell's text was made once by
the formatter (`iectox.render.format`), and its numbers ride along, so the workbook can store numbers and
the page can align a count and its share without ever reading the text back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from iectox.i18n import tr

ColumnKind = Literal["label", "group", "overall", "p", "stat"]
ValueKind = Literal["text", "n_pct", "mean_sd", "median_iqr", "p", "number", "interval", "percent_interval"]
LineType = Literal["variable", "level", "summary", "missing"]


@dataclass(frozen=True)
class Column:
    """A column as shown: `kind` label, group (a cohort), overall, p (p- and q-values) or stat (SMD...)."""

    label: str
    kind: ColumnKind
    n: int | None = None
    colour: str | None = None


@dataclass(frozen=True)
class Value:
    """One cell: its text in the parts that line up, and for a statistic its kind, unrounded numbers and
    the decimals they were printed with.

    `parts` ("230", "(63.7%)"); `numbers` (230.0, 63.7) as the comparison holds them (a share in percent);
    `mark` a footnote mark printed after the text ("¹", the test of a p-value).
    """

    parts: tuple[str, ...] = ()
    kind: ValueKind = "text"
    numbers: tuple[float | None, ...] = ()
    digits: int = 0
    mark: str = ""

    @property
    def text(self) -> str:
        return " ".join(p for p in self.parts if p) + self.mark

    @classmethod
    def of(cls, text: str) -> Value:
        return cls((text,) if text else ())


@dataclass(frozen=True)
class Line:
    """One line of a table: a variable's own line, or one of its levels, summaries or missing values
    (shown indented under it)."""

    row_type: LineType
    cells: tuple[Value, ...]

    @property
    def level(self) -> bool:
        return self.row_type != "variable"

    @classmethod
    def of_text(cls, cells: tuple[str, ...], level: bool) -> Line:
        """A line of plain text cells (a table that is not a comparison, such as the management KPIs)."""
        return cls("level" if level else "variable", tuple(Value.of(c) for c in cells))


def table_caption(title: str, number: int | None, lang: str) -> str:
    """A table's caption, made here only: "Table 2. Demographics" for a table numbered in a report, its title
    alone for a table shown on its own (`number` None)."""
    if number is None:
        return title
    word = tr("Table", lang)  # outside the f-string, where the catalog's extraction finds it
    return f"{word} {number}. {title}"


def figure_caption(caption: str, number: int, lang: str) -> str:
    """A figure's caption, made here only: "Figure 3. CRS grade by cohort", numbered in its document."""
    word = tr("Figure", lang)  # outside the f-string, where the catalog's extraction finds it
    return f"{word} {number}. {caption}"


@dataclass(frozen=True)
class Table:
    id: str
    number: int | None  # None for a table shown on its own, outside a report
    title: str
    caption: str
    columns: tuple[Column, ...]
    lines: tuple[Line, ...]
    footnotes: tuple[str, ...]


def pretty(text: str) -> str:
    """Typographic signs where labels use ASCII (">= 3" -> "≥ 3")."""
    return text.replace(">=", "≥").replace("<=", "≤")
