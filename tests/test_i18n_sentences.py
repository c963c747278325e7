"""No English sentence at all in a French output, whether the catalog knows it or not.

`test_i18n_outputs.py` looks for the catalog's English messages; English built elsewhere (an f-string, a value
computed in English) escapes it. Here every French output -- the seed report as HTML and as the text of its
DOCX and XLSX, the audit as HTML and XLSX, the template, a `validate --lang fr` run -- is cut into segments
(lines, then sentences and cells), and a segment fails when it holds a word that is English and not French.

English-only words are learnt from the catalog itself: the words of its English messages that none of its
French translations use ("summarised", "within", "the"), so the list grows with the messages and words both
languages share ("table", "test", "dose", "CRS") never count. Codes are not words: column and table names,
vocabulary codes, analysis columns, check ids and anything with `_`, `.` or `/` are removed first, and a
segment that is one lowercase word is a code or a data value. What is left is allowed only by `ALLOWED` and
`NAMES`, each entry with its reason.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import docx
import openpyxl
import pytest

from iectox.analysis import BY_NAME
from iectox.i18n import catalog
from iectox.io.template import write_template
from iectox.schema import CONTRACT

sys.path.insert(0, str(Path(__file__).parent))
from test_i18n_outputs import _template_text, _validate_output, _visible

CODE = re.compile(r"\S*[_./@\\]\S*|\{\w*(?::[^{}]*)?\}|\[\w+\]")  # {name} and {name:g}
WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")

# Segments that are English on purpose, each with its reason.
ALLOWED = {
    "disease progression": "a cause of death as the synthetic cohort records it: data, not interface",
    "infection": "a cause of death recorded by the synthetic cohort: data",
    "cardiovascular event": "a cause of death recorded by the synthetic cohort: data",
    "second malignancy": "a cause of death recorded by the synthetic cohort: data",
}
# Words that are English-only in the catalog but are also data or names in every language.
NAMES = {
    "dexamethasone": "an INN, written as the data record it (drug column)",
    "methylprednisolone": "an INN, written as the data record it (drug column)",
    "mosunetuzumab": "an INN, a vocabulary code listed by validate",
    "talquetamab": "an INN, a vocabulary code listed by validate",
    "teclistamab": "an INN, a vocabulary code listed by validate",
    "vasopressin": "an INN, a vocabulary code of the template",
}


def _words(text: str) -> list[str]:
    return WORD.findall(CODE.sub(" ", text))


def _codes() -> set[str]:
    """Names a user types or filters on: tables, columns, vocabulary codes, analysis columns."""
    codes = set(CONTRACT.table_names) | set(BY_NAME)
    for table in CONTRACT.tables:
        for column in table.columns:
            codes.add(column.name)
            if column.vocabulary is not None:
                codes |= {term.code for term in column.vocabulary.terms}
    return {word.lower() for code in codes for word in re.split(r"[_.\s]+", code) if word}


def english_only_words() -> frozenset[str]:
    """Words of the catalog's English messages that no French translation uses, codes and names aside."""
    french = catalog("fr")
    english = {w.lower() for m in french for w in _words(m)}
    used = {w.lower() for t in french.values() for w in _words(t)}
    return frozenset(w for w in english - used - _codes() - set(NAMES) if len(w) >= 3)


def segments(text: str) -> list[str]:
    """Lines, cut into sentences and list items."""
    parts = (re.split(r"(?<=[.;:!?])\s+|\s+[;·|]\s+", line) for line in text.splitlines())
    return [p.strip() for line in parts for p in line if p.strip()]


CODE_VALUE = re.compile(r"[a-z][a-z0-9-]*")  # one lowercase word: a code or a data value ("late", "recorded")


def english_sentences(text: str, only: frozenset[str]) -> set[str]:
    """Segments with an English-only word; a lone lowercase word is a code or a data value (an outcome
    `late`, an episode `source` `recorded`, as the rows' sheets hold them), not a sentence."""
    return {
        s
        for s in segments(text)
        if s not in ALLOWED and not CODE_VALUE.fullmatch(s) and any(w.lower() in only for w in _words(s))
    }


def _docx_text(path: Path) -> str:
    document = docx.Document(path)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _xlsx_text(path: Path) -> str:
    book = openpyxl.load_workbook(path)
    return "\n".join(
        c.value for s in book.worksheets for row in s.iter_rows() for c in row if isinstance(c.value, str)
    )


@pytest.fixture(scope="module")
def only() -> frozenset[str]:
    return english_only_words()


def test_the_detector_learns_english_words_and_passes_french(only):
    assert {"summarised", "within", "the", "without"} <= only
    assert not {"table", "test", "dose", "tocilizumab", "cohort", "infusion"} & only
    assert english_sentences("deux groupes, résumés par moyenne (ET)", only) == set()
    assert english_sentences("Âge (ans) : two groups, summarised by mean (SD)", only) == {
        "two groups, summarised by mean (SD)"
    }
    assert english_sentences("crs_grade; hours_crs_onset_to_tocilizumab [range]", only) == set()


@pytest.fixture(scope="module")
def outputs(french_seed, tmp_path_factory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("fr-sentences")
    report, files = french_seed.report, french_seed.audit
    return {
        "report html": _visible(report["html"].read_text(encoding="utf-8")),
        "report docx": _docx_text(report["docx"]),
        "report xlsx": _xlsx_text(report["xlsx"]),
        "audit html": _visible(files.html.read_text(encoding="utf-8")),
        "audit xlsx": _xlsx_text(files.xlsx),
        "template": _template_text(write_template(out / "modele.xlsx", lang="fr")),
        "validate": _validate_output(out),
    }


@pytest.mark.parametrize(
    "name", ["report html", "report docx", "report xlsx", "audit html", "audit xlsx", "template", "validate"]
)
def test_no_english_sentence_in_french_output(outputs, only, name):
    assert sorted(english_sentences(outputs[name], only)) == []
