"""A study's report, in every format a pharmacist needs, from one `StudyResult`.

    files = write_report(run_study(dataset, spec), Path("out/report"), lang="fr")

The words and numbers are decided once (`document.build_document`); each format only lays them out, so the
HTML page, the workbook, the Word document and report.json always say the same thing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from iectox.i18n import LANGUAGES, tr
from iectox.io.atomic import atomic_file
from iectox.render.document import build_document, cohorts_of
from iectox.render.docx import write_docx
from iectox.render.figures import FIGURES, save
from iectox.render.html import write_html
from iectox.render.management import build_management, write_management_figures
from iectox.render.methods import write_methods
from iectox.render.records import write_json
from iectox.render.xlsx import write_xlsx
from iectox.study import StudyResult

STAGES = ("analysis table", "figures", "HTML", "XLSX", "DOCX", "JSON")


@dataclass(frozen=True)
class ReportFiles:
    """Every file a report wrote; iterating gives them all, the figures last."""

    folder: Path
    html: Path
    xlsx: Path
    docx: Path
    json: Path
    csv: Path
    figures: tuple[Path, ...]

    def __iter__(self) -> Iterator[Path]:
        yield from (self.html, self.xlsx, self.docx, self.json, self.csv, *self.figures)

    @property
    def all(self) -> tuple[Path, ...]:
        return tuple(self)


def _product_labels(result: StudyResult) -> dict[str, str]:
    """The study's own names for the products, when one of its tables lists them."""
    for table, _ in result.tables:
        for variable in table.variables:
            if variable.name == "therapy":
                return {str(k): v for k, v in variable.level_labels.items()}
    return {}


def write_figures(result: StudyResult, folder: Path, lang: str) -> list[tuple[str, str, Path, Path]]:
    """Each figure whose columns the analysis table has: (name, caption, PNG, SVG)."""
    cohorts = cohorts_of(result)
    written = []
    for figure in FIGURES:
        if not set(figure.needs) <= set(result.frame.columns):
            continue
        extra = {"labels": _product_labels(result)} if figure.name == "products" else {}
        png, svg = save(figure.draw(result.frame, cohorts, lang, **extra), folder, figure.name)
        written.append((figure.name, tr(figure.caption, lang), png, svg))
    return written


def write_report(
    result: StudyResult, out: Path, lang: str = "en", progress: Callable[[str], None] | None = None
) -> ReportFiles:
    """Write report.html, report.xlsx, report.docx, report.json, analysis_table.csv and figures/ into `out`;
    with the management section and its two figures when the study ran the management audit."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
    step = progress or (lambda stage: None)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    management = build_management(result, lang, number=len(result.tables) + 1)
    document = build_document(result, lang, write_methods(result, lang), management)

    step("analysis table")
    csv = out / "analysis_table.csv"
    with atomic_file(csv) as tmp:
        result.frame.to_csv(tmp, index=False, encoding="utf-8")
    step("figures")
    figures = write_figures(result, out / "figures", lang)
    managing = write_management_figures(result, out / "figures", lang)
    step("HTML")
    html = write_html(
        document,
        [(n, c, svg) for n, c, _, svg in figures],
        out / "report.html",
        [(n, c, svg) for n, c, _, svg in managing],
    )
    step("XLSX")
    xlsx = write_xlsx(document, result.frame, out / "report.xlsx")
    step("DOCX")
    docx = write_docx(
        document,
        [(c, png) for _, c, png, _ in figures],
        out / "report.docx",
        [(c, png) for _, c, png, _ in managing],
    )
    figure_files = tuple(p for _, _, png, svg in [*figures, *managing] for p in (png, svg))
    files = ReportFiles(out, html, xlsx, docx, out / "report.json", csv, figure_files)
    step("JSON")
    write_json(result, document, files, lang)
    return files


__all__ = ["STAGES", "ReportFiles", "write_figures", "write_report"]
