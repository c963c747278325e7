"""report.docx's tables are written as XML at once (`iectox.render.docx`), a tenth of the time python-docx takes
to build them cell by cell: the document must be the one python-docx made (`tests/docx_reference.py`, the
writer's former code), byte for byte, for every table of the reports and for text python-docx treats apart
(tabs, line breaks, spaces at either end, markup characters, blank cells, a line shorter than the header)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from tests.factories import small_dataset

import docx_reference
import iectox.render.docx
from factories import seed_cohort
from iectox.render.document import build_document, report_formatter
from iectox.render.layout import Column, Line, Table, Value
from iectox.render.management import build_management
from iectox.render.methods import build_methods
from iectox.study import load_study, run_study

SPEC = Path(__file__).resolve().parents[1] / "examples" / "seed_study" / "study.toml"


def _xml(doc) -> bytes:
    stream = io.BytesIO()
    doc.save(stream)
    with zipfile.ZipFile(stream) as package:
        return package.read("word/document.xml")


def _both(build, monkeypatch) -> tuple[bytes, bytes]:
    """The document.xml `build()` gives with the writer's tables, then with python-docx's cell by cell."""
    written = _xml(build())
    with monkeypatch.context() as patched:
        patched.setattr(iectox.render.docx, "add_table", docx_reference.add_table)
        patched.setattr(iectox.render.docx, "_checks", docx_reference.checks)
        reference = _xml(build())
    return written, reference


@pytest.fixture(scope="module")
def seed():
    return seed_cohort()


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("cohort", ["seed", "small"])
def test_every_table_of_a_report_is_the_one_python_docx_builds(seed, monkeypatch, lang, cohort):
    dataset = seed if cohort == "seed" else small_dataset()
    result = run_study(dataset, load_study(SPEC))
    fmt = report_formatter(result, lang)
    management = build_management(result, lang, number=len(result.tables) + 1)
    document = build_document(result, build_methods(result, lang), fmt, management)
    written, reference = _both(lambda: iectox.render.docx.build(document, [], []), monkeypatch)
    assert written == reference
    assert written.count(b"<w:tbl>") == len(document.tables) + len(document.adjusted) + (
        management is not None
    ) + bool(document.checks)


AWKWARD = (
    " leading space",
    "trailing space ",
    "a\ttab",
    "two\nlines",
    "three\nlines\n",
    "carriage\rreturn",
    "x & <y> \"z\" 'w'",
    "",
    "\u202f63,7\u00a0%",
    "≥ 3 — µ",
)


def test_text_python_docx_treats_apart_is_written_as_it_writes_it(monkeypatch):
    columns = (
        Column("Label\twith tab", "label"),
        Column("Group", "group", n=12),
        Column("Other", "overall", n=0),
        Column("p", "p"),
        Column("SMD", "stat"),
    )
    rotated = [(AWKWARD[i:] + AWKWARD)[:5] for i in range(len(AWKWARD))]
    lines = (
        *(
            Line("variable" if i % 2 else "level", tuple(map(Value.of, texts)))
            for i, texts in enumerate(rotated)
        ),
        Line("level", (Value.of("short line"),)),  # fewer cells than columns: the others left blank
    )
    table = Table("t", 1, "Title", "Table 1. Caption & <title>", columns, lines, ("note 1", "note\t2"))
    stats = Table("kpi", None, "KPIs", "", (Column("KPI", "label"), Column("n", "stat")), lines[:2], ())

    def build():
        doc, width = iectox.render.docx.blank((table,))
        iectox.render.docx.add_table(doc, table, width)
        iectox.render.docx.add_table(doc, stats, width)
        return doc

    written, reference = _both(build, monkeypatch)
    assert written == reference
    assert b'xml:space="preserve"' in written and b"<w:tab/>" in written and b"&amp; &lt;y&gt;" in written
