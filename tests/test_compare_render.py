"""A comparison table on its own, as HTML, XLSX and DOCX: the report's layout, its footnotes, both languages."""

from __future__ import annotations

import html
import re
import subprocess
import sys

import docx
import numpy as np
import openpyxl
import pandas as pd
import pytest

from iectox.i18n import tr
from iectox.render.figures import OKABE_ITO
from iectox.render.single import single_table
from iectox.stats.compare import Comparison, compare
from iectox.stats.methods import METHODS

LABELS = {"real_life": "Real-life population", "trials": "Clinical trials population"}


@pytest.fixture(scope="module")
def table() -> Comparison:
    rng = np.random.default_rng(11)
    n = 120
    frame = pd.DataFrame(
        {
            "cohort": np.where(np.arange(n) < 80, "real_life", "trials"),
            "sex": np.where(rng.random(n) < 0.6, "male", "female"),
            "age": np.round(rng.normal(60, 10, n), 1),
        }
    )
    return compare(frame, "cohort", ["sex", "age"], group_labels=LABELS).add_p().add_overall()


def _html_text(table: Comparison, tmp_path, lang: str) -> str:
    page = table.to_html("Demographics", lang=lang)
    return html.unescape(re.sub(r"<[^>]+>", " ", page[page.index("<body>") :]))


def _xlsx_text(table: Comparison, tmp_path, lang: str) -> str:
    book = openpyxl.load_workbook(table.to_xlsx(tmp_path / "table.xlsx", "Demographics", lang))
    return " ".join(str(c.value) for row in book.active.iter_rows() for c in row if c.value is not None)


def _docx_text(table: Comparison, tmp_path, lang: str) -> str:
    document = docx.Document(str(table.to_docx(tmp_path / "table.docx", "Demographics", lang)))
    cells = [cell.text for t in document.tables for row in t.rows for cell in row.cells]
    return " ".join([*cells, *(p.text for p in document.paragraphs)])


RENDERERS = {"html": _html_text, "xlsx": _xlsx_text, "docx": _docx_text}


@pytest.mark.parametrize("fmt", RENDERERS)
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_each_format_shows_groups_p_values_and_the_footnotes_naming_the_tests(table, tmp_path, fmt, lang):
    text = re.sub(r"\s+", " ", RENDERERS[fmt](table, tmp_path, lang))
    for label, n in zip(LABELS.values(), (80, 40), strict=True):
        assert f"{tr(label, lang)} N = {n}" in text
    assert f"{tr('Overall', lang)} N = 120" in text
    frame = table.to_frame(lang)
    p_values = [p for p in frame[tr("p-value", lang)] if p]
    point = "," if lang == "fr" else "."
    assert re.fullmatch(rf"0\{point}\d{{3}}¹", p_values[0]) and p_values[1].endswith("²")
    assert all(p in text for p in p_values)
    assert f"¹ {tr(METHODS['pearson_chi2'].name, lang)}" in text
    assert f"² {tr(METHODS['welch_t'].name, lang)}" in text
    assert tr("Demographics", lang) in text
    counts = table.result("sex").rows[1].cells[0].values  # female, first cohort
    share = f"{counts[1]:.1f}".replace(".", point)
    assert f"{int(counts[0])} ({share}{' %' if lang == 'fr' else '%'})" in text


def test_html_is_one_self_contained_page(table):
    page = table.to_html("Demographics")
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page and "border-collapse" in page
    assert not re.search(r"<link|<script|src=|https?://", page)
    assert page.count('<table class="result">') == 1
    assert "<figcaption>Demographics</figcaption>" in page
    assert "<figcaption>" not in table.to_html()


def test_xlsx_has_one_sheet_with_the_rows_of_the_table(table, tmp_path):
    path = table.to_xlsx(tmp_path / "out" / "table.xlsx", title="Demographics")
    assert path.exists() and not list(path.parent.glob(".*.tmp"))
    book = openpyxl.load_workbook(path)
    assert len(book.worksheets) == 1
    sheet = book.active
    frame = table.to_frame()
    assert sheet["A1"].value == "Demographics"
    assert [c.value for c in sheet[3]] == [
        "Characteristic",
        "Real-life population\nN = 80",
        "Clinical trials population\nN = 40",
        "Overall\nN = 120",
        "p-value",
    ]
    body = [[c.value or "" for c in row] for row in sheet.iter_rows(min_row=4, max_row=3 + len(frame))]
    assert [row[0] for row in body] == ["Sex", "female", "male", "Age", "Mean (SD)"]
    assert [row[1:] for row in body] == frame.iloc[:, 1:].to_numpy().tolist()
    notes = [sheet.cell(r, 1).value for r in range(5 + len(frame), 5 + len(frame) + 3)]
    assert notes == table.footnotes()


def test_docx_has_one_table_with_a_row_per_line(table, tmp_path):
    document = docx.Document(str(table.to_docx(tmp_path / "table.docx", title="Demographics")))
    assert len(document.tables) == 1
    word = document.tables[0]
    assert len(word.rows) == 1 + len(table.to_frame())
    assert [c.text for c in word.rows[0].cells][1] == "Real-life population\nN = 80"
    texts = [p.text for p in document.paragraphs]
    assert "Demographics" in texts and all(note in texts for note in table.footnotes())


def test_groups_get_the_report_colours_in_order(table):
    shown = single_table(table, "", "en", 1, 3)
    assert [c.colour for c in shown.columns if c.kind == "group"] == list(OKABE_ITO[:2])
    assert shown.number is None and shown.caption == ""


def test_an_unknown_language_writes_nothing(table, tmp_path):
    with pytest.raises(ValueError, match="unknown language"):
        table.to_xlsx(tmp_path / "table.xlsx", lang="de")
    assert not list(tmp_path.iterdir())


def test_importing_stats_loads_no_report_library():
    code = "import sys, iectox.stats; print(*sys.modules)"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert not {"matplotlib", "docx", "openpyxl", "iectox.render"} & set(loaded.stdout.split())
