"""A comparison table on its own, as HTML, XLSX, DOCX, Markdown and a frame: one layout, built once from the
comparison's numbers, its footnotes, both languages; the workbook holds numbers."""

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
from iectox.render import (
    Formatter,
    comparison_frame,
    comparison_markdown,
    comparison_table,
    footnotes,
    table_page,
    write_table_docx,
    write_table_html,
    write_table_xlsx,
)
from iectox.render.figures import OKABE_ITO
from iectox.stats.compare import Comparison, compare
from iectox.stats.methods import METHODS
from iectox.stats.table import Cell

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
    page = write_table_html(table, tmp_path / "table.html", "Demographics", Formatter(lang)).read_text(
        "utf-8"
    )
    return html.unescape(re.sub(r"<[^>]+>", " ", page[page.index("<body>") :]))


def _xlsx_text(table: Comparison, tmp_path, lang: str) -> str:
    book = openpyxl.load_workbook(
        write_table_xlsx(table, tmp_path / "table.xlsx", "Demographics", Formatter(lang))
    )
    return " ".join(str(c.value) for row in book.active.iter_rows() for c in row if c.value is not None)


def _docx_text(table: Comparison, tmp_path, lang: str) -> str:
    document = docx.Document(
        str(write_table_docx(table, tmp_path / "table.docx", "Demographics", Formatter(lang)))
    )
    cells = [cell.text for t in document.tables for row in t.rows for cell in row.cells]
    return " ".join([*cells, *(p.text for p in document.paragraphs)])


def _markdown_text(table: Comparison, tmp_path, lang: str) -> str:
    return (
        comparison_markdown(table, Formatter(lang), "Demographics")
        .replace("(N = ", "N = ")
        .replace(")", ") ")
    )


RENDERERS = {"html": _html_text, "docx": _docx_text, "markdown": _markdown_text}


@pytest.mark.parametrize("fmt", RENDERERS)
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_each_format_shows_groups_p_values_and_the_footnotes_naming_the_tests(table, tmp_path, fmt, lang):
    text = re.sub(r"\s+", " ", RENDERERS[fmt](table, tmp_path, lang))
    for label, n in zip(LABELS.values(), (80, 40), strict=True):
        assert f"{tr(label, lang)} N = {n}" in text
    assert f"{tr('Overall', lang)} N = 120" in text
    frame = comparison_frame(table, Formatter(lang))
    p_values = [p for p in frame[tr("p-value", lang)] if p]
    point = "," if lang == "fr" else "."
    assert re.fullmatch(rf"0\{point}\d{{3}}¹", p_values[0]) and p_values[1].endswith("²")
    assert all(p in text for p in p_values)
    assert f"¹ {tr(METHODS['pearson_chi2'].name, lang)}" in text
    assert f"² {tr(METHODS['welch_t'].name, lang)}" in text
    assert tr("Demographics", lang) in text
    counts = table.result("sex").rows[1].cells[0].values  # female, first cohort
    share = f"{counts[1]:.1f}".replace(".", point) + (" %" if lang == "fr" else "%")  # \s+ took the nbsp
    assert f"{int(counts[0])} ({share})" in text


@pytest.mark.parametrize(
    ("lang", "cell", "text"),
    [
        ("en", Cell("n_pct", (12, 60.0)), "12 (60.0%)"),
        ("fr", Cell("n_pct", (12, 60.0)), "12 (60,0\u00a0%)"),
        ("en", Cell("mean_sd", (62.66, 14.25)), "62.7 (14.2)"),
        ("fr", Cell("median_iqr", (55.0, 40.04, 70.06)), "55,0 [40,0 ; 70,1]"),
    ],
)
def test_the_formatter_prints_each_statistic_as_the_tables_always_have(lang, cell, text):
    assert Formatter(lang).cell(cell) == text


def test_p_values_below_the_printed_precision_are_bounds():
    assert Formatter(p_digits=3).p_value(0.0004) == "<0.001"
    assert Formatter("fr", p_digits=3).p_value(0.0004) == "<0,001"
    assert Formatter(p_digits=3).p_value(0.0418) == "0.042"


def test_lines_carry_their_row_type_and_the_numbers_behind_the_text(table):
    shown = comparison_table(table, Formatter())
    assert [line.row_type for line in shown.lines] == ["variable", "level", "level", "variable", "summary"]
    female = shown.lines[1].cells[1]
    assert female.parts == (f"{female.numbers[0]:.0f}", f"({female.numbers[1]:.1f}%)")
    assert female.numbers == table.result("sex").rows[1].cells[0].values
    p = shown.lines[0].cells[-1]
    assert p.kind == "p" and p.numbers == (table.result("sex").p_value,) and p.mark == "¹"


def test_html_is_one_self_contained_page(table):
    page = table_page(table, "Demographics")
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page and "border-collapse" in page
    assert not re.search(r"<link|<script|src=|https?://", page)
    assert page.count('<table class="result">') == 1
    assert "<figcaption>Demographics</figcaption>" in page
    assert "<figcaption>" not in table_page(table)


def test_xlsx_has_one_sheet_whose_statistics_are_numbers(table, tmp_path):
    path = write_table_xlsx(table, tmp_path / "out" / "table.xlsx", title="Demographics")
    assert path.exists() and not list(path.parent.glob(".*.tmp"))
    book = openpyxl.load_workbook(path)
    assert len(book.worksheets) == 1
    sheet = book.active
    assert sheet["A1"].value == "Demographics"
    header = [c.value for c in sheet[3]]
    assert header == [
        "Characteristic",
        "Real-life population\nN = 80",
        None,
        "Clinical trials population\nN = 40",
        None,
        "Overall\nN = 120",
        None,
        "p-value",
        None,
    ]
    assert [row[0].value for row in sheet.iter_rows(min_row=4, max_row=8)] == [
        "Sex", "female", "male", "Age", "Mean (SD)"
    ]  # fmt: skip
    sex, age = table.result("sex"), table.result("age")
    for j, cell in enumerate(sex.rows[1].cells):  # female: n and share in adjacent numeric cells
        n, share = sheet.cell(5, 2 + 2 * j), sheet.cell(5, 3 + 2 * j)
        assert n.value == cell.values[0] and isinstance(n.value, int) and n.number_format == "0"
        assert share.value == pytest.approx(cell.values[1] / 100) and share.number_format == "0.0%"
    mean, sd = sheet.cell(8, 2), sheet.cell(8, 3)
    assert (mean.value, sd.value) == age.rows[1].cells[0].values and mean.number_format == "0.0"
    p, mark = sheet.cell(4, 8), sheet.cell(4, 9)
    assert p.value == sex.p_value and p.number_format == "0.000" and mark.value == "¹"
    assert sheet.cell(7, 8).value == age.p_value and sheet.cell(7, 9).value == "²"
    notes = [sheet.cell(r, 1).value for r in range(10, 13)]
    assert notes == footnotes(table)


def test_xlsx_shows_a_p_value_below_the_precision_as_a_bound_and_keeps_the_number(tmp_path):
    frame = pd.DataFrame({"g": ["a"] * 50 + ["b"] * 50, "x": [0.0] * 50 + [10.0] * 49 + [11.0]})
    frame.loc[0, "x"] = 1.0
    table = compare(frame, "g", ["x"]).add_p()
    p = table.result("x").p_value
    assert p < 0.001
    sheet = openpyxl.load_workbook(write_table_xlsx(table, tmp_path / "t.xlsx")).active
    cell = sheet.cell(4, 6)
    assert cell.value == p and cell.number_format == '[<0.001]"<0.001";0.000'
    assert cell.comment is not None and "<0.001" in cell.comment.text


def test_docx_has_one_table_with_a_row_per_line(table, tmp_path):
    document = docx.Document(str(write_table_docx(table, tmp_path / "table.docx", title="Demographics")))
    assert len(document.tables) == 1
    word = document.tables[0]
    assert len(word.rows) == 1 + len(comparison_frame(table))
    assert [c.text for c in word.rows[0].cells][1] == "Real-life population\nN = 80"
    texts = [p.text for p in document.paragraphs]
    assert "Demographics" in texts and all(note in texts for note in footnotes(table))


def test_groups_get_the_report_colours_in_order(table):
    shown = comparison_table(table)
    assert [c.colour for c in shown.columns if c.kind == "group"] == list(OKABE_ITO[:2])
    assert shown.number is None and shown.caption == ""


def test_an_unknown_language_writes_nothing(table, tmp_path):
    with pytest.raises(ValueError, match="unknown language"):
        write_table_xlsx(table, tmp_path / "table.xlsx", formatter=Formatter("de"))
    assert not list(tmp_path.iterdir())


def test_importing_stats_loads_no_report_library():
    code = "import sys, iectox.stats; print(*sys.modules)"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert not {"matplotlib", "docx", "openpyxl", "iectox.render"} & set(loaded.stdout.split())


def test_xlsx_q_values_smd_and_differences_are_numbers_too(table, tmp_path):
    wider = table.add_q("holm").add_smd().add_difference()
    sheet = openpyxl.load_workbook(write_table_xlsx(wider, tmp_path / "t.xlsx")).active
    header = [c.value for c in sheet[3]]
    q, smd, difference = (header.index(name) + 1 for name in ("q-value", "SMD", "Difference (95% CI)"))
    assert (smd, difference) == (q + 1, q + 2)  # q, SMD: one cell each; the difference: three, merged head
    age = wider.result("age")
    assert sheet.cell(7, q).value == pytest.approx(age.q_value) and sheet.cell(7, q).number_format == "0.000"
    assert sheet.cell(7, smd).value == pytest.approx(age.smd) and sheet.cell(7, smd).number_format == "0.000"
    e = age.effect
    cells = [sheet.cell(7, difference + k) for k in range(3)]
    assert [c.value for c in cells] == pytest.approx([e.estimate, e.low, e.high])
    assert {c.number_format for c in cells} == {"0.00"}
    assert sheet.cell(8, q).value is None  # the Mean (SD) line carries no test
