"""The one protocol of a report's output format, and its registry.

A format is an object: an id, the suffix of its file, and a `write(report, path)` that lays out the
report's `Document` (decided once, in one language) into that file. `write_report` writes every registered
format, so adding one (say Markdown) is adding one object:

    FORMATS.register(ReportFormat("markdown", ".md", write_markdown, stage="Markdown"))
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from iectox.registry import Registry
from iectox.render.document import Document
from iectox.render.format import Formatter
from iectox.study import StudyResult

ANALYSIS_TABLE = "analysis_table.csv"  # every row of the analysis table, whatever its length


@dataclass(frozen=True)
class Figure:
    """A figure of the report, saved as PNG (for DOCX) and SVG (inlined in HTML)."""

    name: str
    caption: str
    png: Path
    svg: Path


@dataclass(frozen=True)
class PlannedFigure:
    """A figure of the report before it is drawn: its name and caption (known at once, so that every file
    can name it), and how to draw it (`draw()`, a matplotlib Figure: in this process or a worker's)."""

    name: str
    caption: str
    draw: Callable[[], Any]

    def record(self, folder: Path) -> Figure:
        """The figure as the report lists it once saved in `folder` (`iectox.render.figures.save`)."""
        return Figure(self.name, self.caption, folder / f"{self.name}.png", folder / f"{self.name}.svg")


@dataclass(frozen=True)
class Report:
    """What every format writes from: the study, its document, the formatter, the figures already saved,
    and every file the report writes (so report.json can list them)."""

    result: StudyResult
    document: Document
    formatter: Formatter
    folder: Path
    figures: tuple[Figure, ...]
    management_figures: tuple[Figure, ...]
    files: tuple[Path, ...]
    figures_saved: Callable[[], object] = lambda: None  # returns once the figure files are written


@dataclass(frozen=True)
class ReportFormat:
    """One output format: `write(report, path)` writes the whole file (atomically) and returns its path."""

    id: str
    suffix: str
    write: Callable[[Report, Path], Path]
    stage: str = ""  # the progress label ("HTML"); the id when empty
    # Whether `write` needs the figure files from its start: it is then called once they are written. A format
    # that shows none says False, and so does one that reads them late, after calling `report.figures_saved()`
    # (DOCX: its tables first), so that it is written while the figures are drawn (`iectox.render.drawing`).
    figures: bool = True

    def __post_init__(self) -> None:
        if not self.suffix.startswith("."):
            raise ValueError(f"format {self.id!r}: suffix {self.suffix!r} must start with '.'")


class Formats(Registry[ReportFormat]):
    """The report's formats, in the order they are written; ids and suffixes are unique."""

    kind = "format"

    def __init__(self, formats: Iterable[ReportFormat] = ()) -> None:
        super().__init__("report", formats)

    def register(self, fmt: ReportFormat) -> ReportFormat:
        """Add `fmt` last; a second format writing the same suffix is refused, as it would overwrite a file."""
        if fmt.id not in self and any(f.suffix == fmt.suffix for f in self.values()):
            raise ValueError(f"report format {fmt.id!r}: another format writes {fmt.suffix} files")
        return super().register(fmt)

    def unregister(self, format_id: str) -> ReportFormat:
        """Remove a format registered for one run (a plug-in, a test); the others keep their order."""
        fmt = self[format_id]
        del self._members[format_id]
        return fmt
