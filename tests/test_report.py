"""`write_report` and `iectox report` on the seed cohort: every file, the published p-values, both languages."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import docx
import openpyxl
import pytest
from typer.testing import CliRunner

from factories import seed_cohort, seed_result
from iectox.cli.commands import app
from iectox.io import write_dataset
from iectox.io.atomic import MARKER, atomic_file
from iectox.render import FORMATS, Report, ReportFiles, ReportFormat, table_markdown, write_report
from iectox.render.figures import FIGURES, Cohorts
from iectox.render.love_plot import ADJUSTED_FIGURES
from iectox.stats.methods import METHODS
from iectox.study import StudyResult

SPEC = Path(__file__).resolve().parents[1] / "examples" / "seed_study" / "study.toml"
# the seed spec has a [management] section: the report adds the audit's two figures; and an [adjusted] section
# with a weighted comparison: its Love plot
MANAGEMENT_FIGURES = ("management_delay_by_cohort", "management_kpi_trend")
INCIDENCE_FIGURES = ("crs_incidence", "icans_incidence", "overall_survival")  # render.time_to_event_figures


@pytest.fixture(scope="module")
def dataset():
    return seed_cohort()


@pytest.fixture(scope="module")
def result() -> StudyResult:
    return seed_result()


@pytest.fixture(scope="module")
def english(english_seed) -> ReportFiles:
    return english_seed


@pytest.fixture(scope="module")
def french(french_seed) -> ReportFiles:
    return french_seed.report


def _tables_text(page: str) -> str:
    """The text of the page's tables section, as a reader (or a copy-paste) sees it."""
    section = page[page.index('<section id="tables">') : page.index('<section id="figures">')]
    return re.sub(r"[ \t\n]+", " ", html.unescape(re.sub(r"<[^>]+>", "", section)))


def test_every_file_is_written_and_listed(english):
    names = {p.relative_to(english.folder).as_posix() for p in english}
    expected = {"report.html", "report.xlsx", "report.docx", "report.json", "analysis_table.csv"}
    names_of_figures = (
        [f.name for f in (*FIGURES, *ADJUSTED_FIGURES)] + list(INCIDENCE_FIGURES) + list(MANAGEMENT_FIGURES)
    )
    expected |= {f"figures/{name}.{ext}" for name in names_of_figures for ext in ("png", "svg")}
    assert names == expected
    on_disk = {p.relative_to(english.folder).as_posix() for p in english.folder.rglob("*") if p.is_file()}
    assert on_disk == expected | {MARKER}  # the mark of a folder iectox may replace
    assert all(p.stat().st_size > 0 for p in english)


def test_json_has_the_published_demographics_p_values(english, result):
    report = json.loads(english.json.read_text(encoding="utf-8"))
    assert report["study"]["language"] == "en"
    assert [(g["label"], g["n"]) for g in report["groups"]] == [
        ("Real-life population", 361),
        ("Clinical trials population", 40),
    ]
    tables = {t["id"]: t for t in report["tables"]}
    assert list(tables) == [t.id for t in result.spec.tables]
    demographics = {v["name"]: v for v in tables["demographics"]["variables"]}
    assert [(n, round(demographics[n]["p_value"], 4), demographics[n]["test"]) for n in demographics] == [
        ("sex", 0.6356, "pearson_chi2"),
        ("age", 0.1202, "welch_t"),
        ("weight_kg", 0.0481, "welch_t"),
    ]
    assert len(report["checks"]["items"]) == len(result.checks)
    assert "report.html" in report["files"] and "figures/crs_grades.svg" in report["files"]
    assert "Welch" in report["methods"]


def test_html_has_tables_methods_and_checks_and_asks_for_nothing(english, result):
    page = english.html.read_text(encoding="utf-8")
    for table, _ in result.tables:
        assert html.escape(table.title) in page
    methods = page[page.index('<section id="methods">') : page.index('<section id="checks">')]
    used = {r.test.test for _, c in result.tables for r in c.results if r.test is not None}
    assert used >= {"pearson_chi2", "welch_t", "fisher_exact"}
    for test in used:
        assert html.escape(METHODS[test].name) in methods
    assert "Published vs reproduced" in page and "published numbers reproduced" in page
    assert "analysis_table.csv" in page
    figures = len(FIGURES) + len(ADJUSTED_FIGURES) + len(INCIDENCE_FIGURES) + len(MANAGEMENT_FIGURES)
    assert page.count("<svg") == figures
    assert "<link" not in page and "<script" not in page and " src=" not in page
    assert "62.7 (14.2)" in _tables_text(page) and "N = 361" in page


def test_french_report_has_decimal_commas_and_french_test_names(french):
    page = french.html.read_text(encoding="utf-8")
    assert '<html lang="fr">' in page
    tables = _tables_text(page)
    assert "62,7 (14,2)" in tables and "230 (63,7\u00a0%)" in tables and "0,6356¹" in tables
    assert not re.search(r"\d\.\d", tables)
    for name in ("Test du khi-deux de Pearson", "Test t de Welch", "Test exact de Fisher"):
        assert name in page
    assert "Méthodes" in page and "Publié vs reproduit" in page
    report = json.loads(french.json.read_text(encoding="utf-8"))
    assert report["study"]["language"] == "fr" and "Tests utilisés" in report["methods"]


def test_workbook_has_a_sheet_per_table_and_the_analysis_rows(english, result):
    book = openpyxl.load_workbook(english.xlsx, read_only=True)
    ids = [t.id for t in result.spec.tables]
    adjusted = ["adjusted_crs_any", "weighted_days_crs_onset_to_toci", "balance_days_crs_onset_to_tocil"]
    assert book.sheetnames == [
        *ids,
        "adverse_events",
        "time_to_event",
        "overall_survival",
        *adjusted,
        "analysis",
        "published_vs_reproduced",
        "management",
    ]
    demographics = list(book["demographics"].iter_rows(values_only=True))
    assert demographics[0][0] == "Table 1. Demographics"
    assert demographics[2][1] == "Real-life population\nN = 361"
    assert demographics[4][:5] == ("Male", 230, pytest.approx(230 / 361), 27, pytest.approx(27 / 40))
    analysis = list(book["analysis"].iter_rows(values_only=True))
    assert list(analysis[0]) == list(result.frame.columns) and len(analysis) == len(result.frame) + 1


def test_word_document_has_one_table_per_study_table(english, result):
    document = docx.Document(str(english.docx))
    # the adverse events, time to event, overall survival, the three adjusted comparisons', management and
    # checks tables
    assert len(document.tables) == len(result.spec.tables) + 8
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert captions[: len(result.spec.tables)] == [
        f"Table {i}. {t.title}" for i, t in enumerate(result.spec.tables, 1)
    ]
    assert document.tables[0].rows[1].cells[0].text == "Sex"
    figures = len(FIGURES) + len(ADJUSTED_FIGURES) + len(INCIDENCE_FIGURES) + len(MANAGEMENT_FIGURES)
    assert len(document.inline_shapes) == figures


def test_figures_name_each_cohort_with_its_n_in_both_languages(result):
    cohorts = Cohorts.from_frame(result.frame, "cohort", result.spec.order, dict(result.spec.labels))
    for lang in ("en", "fr"):
        for figure in FIGURES:
            fig = figure.draw(result.frame, cohorts, lang)
            ax = fig.axes[0]
            assert ax.get_title(loc="left")
            legend = [t.get_text() for t in ax.get_legend().get_texts()]
            assert len(legend) == 2 and all("(N = " in t for t in legend)
    delay = FIGURES[2].draw(result.frame, cohorts, "fr").axes[0]
    assert any(t.get_text().startswith("médiane ") and "," in t.get_text() for t in delay.texts)


def test_cli_report_on_a_csv_folder(dataset, tmp_path):
    folder = write_dataset(dataset, tmp_path / "dataset")
    out = tmp_path / "report"
    run = CliRunner().invoke(
        app, ["report", str(folder), "--study", str(SPEC), "--out", str(out)], terminal_width=200
    )
    assert run.exit_code == 0, run.output
    for name in ("report.html", "report.xlsx", "report.docx", "report.json", "analysis_table.csv"):
        assert (out / name).exists()
        assert name in run.output
    assert "figures/crs_grades.png" in run.output.replace("\\", "/")


def test_cli_report_refuses_an_invalid_dataset(dataset, tmp_path):
    folder = write_dataset(dataset, tmp_path / "dataset")
    patients = folder / "patients.csv"
    lines = patients.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",male,", ",mle,").replace(",female,", ",mle,")
    patients.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "report"
    run = CliRunner().invoke(
        app, ["report", str(folder), "--study", str(SPEC), "--out", str(out)], terminal_width=200
    )
    assert run.exit_code == 1, run.output
    assert "patients.csv" in run.output and "row 2" in run.output and "sex" in run.output
    assert not (out / "report.html").exists()


def test_workbook_cells_are_the_comparisons_numbers(english, result):
    """Every count, share, mean, SD and p-value of a table sheet is a number equal to the comparison's."""
    sheet = openpyxl.load_workbook(english.xlsx)["demographics"]
    comparison = dict((t.id, c) for t, c in result.tables)["demographics"]
    rows = [row for r in comparison.results for row in r.rows]
    for i, row in enumerate(rows, 4):
        assert sheet.cell(i, 1).value is not None
        for j, cell in enumerate(row.cells[: comparison.groups.k]):
            first, second = sheet.cell(i, 2 + 2 * j), sheet.cell(i, 3 + 2 * j)
            if cell.kind == "n_pct":
                assert (first.value, second.value) == (cell.values[0], pytest.approx(cell.values[1] / 100))
                assert second.number_format == "0.0%"
            else:
                # openpyxl writes a float with 15 significant digits
                assert (first.value, second.value) == pytest.approx(cell.values[:2], rel=1e-14)
                assert first.number_format == "0.0"
    p_column = 2 + 2 * comparison.groups.k + 2 * comparison.show_overall
    firsts = [i for i, row in enumerate(rows, 4) if row.row_type == "variable"]
    p_values = [r.p_value for r in comparison.results]
    assert [sheet.cell(i, p_column).value for i in firsts] == pytest.approx(p_values, rel=1e-14)
    assert {sheet.cell(i, p_column).number_format for i in firsts} == {"0.0000"}  # the study's p_digits


def test_a_registered_format_is_written_and_listed_by_the_report(result, tmp_path):
    """Adding a format is adding one object: here Markdown, the report's tables one after the other."""

    def write_markdown(report: Report, path: Path) -> Path:
        with atomic_file(path) as tmp:
            tmp.write_text("\n".join(table_markdown(t) for t in report.document.tables), encoding="utf-8")
        return path

    FORMATS.register(ReportFormat("markdown", ".md", write_markdown, "Markdown"))
    stages: list[str] = []
    try:
        files = write_report(result, tmp_path, "fr", progress=stages.append)
    finally:
        FORMATS.unregister("markdown")
    assert "markdown" not in FORMATS
    text = files["markdown"].read_text(encoding="utf-8")
    assert files["markdown"] == tmp_path / "report.md" and stages[-1] == "Markdown"
    assert "**Tableau 1. Données démographiques**" in text and "230 (63,7\u00a0%)" in text
    assert "report.md" in json.loads(files.json.read_text(encoding="utf-8"))["files"]


def test_a_format_is_registered_once_and_writes_its_own_suffix():
    with pytest.raises(ValueError, match="declared twice"):
        FORMATS.register(ReportFormat("html", ".htm", lambda report, path: path))
    with pytest.raises(ValueError, match=r"\.xlsx files"):
        FORMATS.register(ReportFormat("sheet", ".xlsx", lambda report, path: path))
    assert list(FORMATS) == ["html", "xlsx", "docx", "json"]
