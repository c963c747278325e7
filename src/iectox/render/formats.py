"""The report's formats, registered once: HTML, XLSX, DOCX, then JSON (which lists every file written)."""

from __future__ import annotations

from pathlib import Path

from iectox.render.docx import write_report_docx
from iectox.render.html import write_report_html
from iectox.render.records import write_report_json
from iectox.render.report import Formats, Report, ReportFormat
from iectox.render.xlsx import write_report_xlsx


def _html(report: Report, path: Path) -> Path:
    return write_report_html(
        report.document,
        [(f.name, f.caption, f.svg) for f in report.figures],
        path,
        [(f.name, f.caption, f.svg) for f in report.management_figures],
    )


def _xlsx(report: Report, path: Path) -> Path:
    return write_report_xlsx(report.document, report.result.frame, path)


def _docx(report: Report, path: Path) -> Path:
    return write_report_docx(
        report.document,
        [(f.caption, f.png) for f in report.figures],
        path,
        [(f.caption, f.png) for f in report.management_figures],
        report.figures_saved,
    )


FORMATS = Formats(
    [
        ReportFormat("html", ".html", _html, "HTML"),
        ReportFormat("xlsx", ".xlsx", _xlsx, "XLSX", figures=False),
        ReportFormat("docx", ".docx", _docx, "DOCX", figures=False),  # its tables first, then figures_saved()
        ReportFormat("json", ".json", write_report_json, "JSON", figures=False),
    ]
)
