"""What a French user reads is French: no English sentence of the catalog is left in a French report, audit,
template or `iectox validate --lang fr` run.

The check: an English message of the catalog whose French differs must not appear, as a whole phrase, in the
French output. Messages of a single lowercase word ("and", "no", "dexamethasone") are left out: they are also
codes and data values ("yes" in `crs_status is yes`, a drug in a cited guideline), legitimately shown as such.
English the catalog does not know (a sentence built with an f-string) cannot be caught here; the catalog
test (`test_i18n_catalog.py`) asks for every message to be marked instead.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from factories import small_dataset
from iectox.cli.commands import app
from iectox.i18n import catalog
from iectox.io import write_dataset
from iectox.io.template import write_template
from iectox.render import write_report
from iectox.study import load_study, run_study

# Labels left to the vocabularies, cohorts by a column without labels, medians: the words a study
# with no labels of its own shows.
BARE_SPEC = """
[study]
title = "Toxicities by setting"
language = "fr"

[cohorts]
by = "cohort"

[tests]
preset = "gtsummary"

[[tables]]
id = "all"
title = "Demographics"
variables = [
  { name = "sex" }, { name = "age", summary = "median_iqr" }, { name = "indication" }, { name = "therapy" },
  { name = "crs_grade" }, { name = "icans_grade" }, { name = "crs_any" }, { name = "tocilizumab" },
  { name = "tocilizumab_dose_mg", summary = "median_iqr" }, { name = "crs_outcome" }, { name = "status" },
  { name = "corticosteroids" }, { name = "follow_up_days" },
]
"""


def _visible(page: str) -> str:
    """The text a reader sees: no markup, styles, scripts or inline figures."""
    for tag in ("style", "script", "svg"):
        page = re.sub(rf"<{tag}.*?</{tag}>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "\n", page))


def english_left(text: str) -> set[str]:
    """The catalog's English messages found in `text`: those whose French differs, save single lowercase
    words and templates with under 8 characters of their own ("{start} to {end}" matches any English)."""
    found = set()
    for english, french in catalog("fr").items():
        own = re.sub(r"\{\w*\}", "", english).strip()
        if english == french or re.fullmatch(r"[a-z_-]+", english) or len(own) < 8:
            continue
        if not all(piece in text for piece in re.split(r"\{\w*\}", english)):
            continue  # a match holds every literal piece: a substring search rules most messages out at once
        pattern = re.escape(english)
        if "{" in english:
            pattern = re.sub(r"\\\{\w*\\\}", ".+?", pattern)
        if re.search(rf"(?<![\w']){pattern}(?![\w'])", text):
            found.add(english)
    return found


def test_the_detector_finds_english_and_passes_french():
    assert english_left("Median [IQR]: 3") == {"Median [IQR]"}
    assert english_left(
        "Grade 1 CRS of unknown duration: whether tocilizumab was due after 72 h cannot be checked."
    )
    assert english_left("Médiane [EIQ] ; Soins courants ; Axicabtagène ciloleucel (Yescarta)") == set()


@pytest.fixture(scope="module")
def outputs(french_seed, tmp_path_factory) -> dict[str, str]:
    """Every French output as text, by name."""
    out = tmp_path_factory.mktemp("fr")
    texts = {"seed report": _visible(french_seed.report.html.read_text(encoding="utf-8"))}
    spec = out / "bare.toml"
    spec.write_text(BARE_SPEC, encoding="utf-8")
    bare = write_report(run_study(french_seed.dataset, load_study(spec)), out / "bare", "fr")
    texts["bare report"] = _visible(bare.html.read_text(encoding="utf-8"))
    texts["audit"] = _visible(french_seed.audit.html.read_text(encoding="utf-8"))
    texts["template"] = _template_text(write_template(out / "modele.xlsx", lang="fr"))
    texts["validate"] = _validate_output(out)
    return texts


def _template_text(path: Path) -> str:
    """Header comments, drop-down values, prompts and error boxes of the template."""
    book = openpyxl.load_workbook(path)
    parts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                parts += [str(cell.value or ""), cell.comment.text if cell.comment else ""]
        for validation in sheet.data_validations.dataValidation:
            parts += [validation.prompt or "", validation.error or "", validation.errorTitle or ""]
    return "\n".join(parts)


def _validate_output(folder: Path) -> str:
    path = write_dataset(small_dataset(), folder / "registry.xlsx")
    book = openpyxl.load_workbook(path)
    for sheet, cell, value in (
        ("patients", "B3", "mle"),
        ("patients", "A4", "P 1"),
        ("infusions", "C2", "Yescarte"),
        ("infusions", "I4", 12),
        ("administrations", "E3", -10),
        ("toxicity_episodes", "B2", "INF-404"),
    ):
        book[sheet][cell] = value
    book.save(path)
    run = CliRunner().invoke(app, ["validate", str(path), "--lang", "fr"], terminal_width=400)
    assert run.exit_code == 1, run.output
    return run.output


@pytest.mark.parametrize("name", ["seed report", "bare report", "audit", "template", "validate"])
def test_no_english_sentence_in_french_output(outputs, name):
    assert english_left(outputs[name]) == set()


def test_french_outputs_show_the_words_users_read(outputs):
    assert "Soins courants" in outputs["bare report"] and "Essai clinique" in outputs["bare report"]
    assert "Médiane [EIQ]" in outputs["bare report"]
    assert "Axicabtagène ciloleucel (Yescarta)" in outputs["template"]
    assert "feuille infusions, ligne 2, colonne therapy" in outputs["validate"]
    assert "protocole par défaut d'iectox" in outputs["audit"]
