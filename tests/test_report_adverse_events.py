"""The adverse-event table as a reader sees it: laid out in English and French, alone in HTML, XLSX, DOCX and JSON,
in a study report (every format), chosen by the study file's [adverse_events] section; and on the seed study, the
same counts as its CRS and ICANS comparison tables."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import openpyxl
import pytest
from tests.factories import small_dataset
from tests.test_stats_adverse_events import ORDER, _frames

from iectox.errors import SpecError
from iectox.render import write_report
from iectox.render.adverse_events import adverse_event_layout
from iectox.render.adverse_events_files import (
    write_adverse_events_docx,
    write_adverse_events_html,
    write_adverse_events_json,
    write_adverse_events_xlsx,
)
from iectox.render.comparison import table_frame
from iectox.render.format import Formatter
from iectox.stats.adverse_events import adverse_event_table
from iectox.study import load_study, run_study, seed_study
from iectox.synth import calibrate
from iectox.synth.generate import DEFAULT_SEED

LABELS = {"standard_of_care": "Routine care", "clinical_trial": "Trials"}
STUDY = """[study]
title = "Factory"
[cohorts]
by = "cohort"
order = ["standard_of_care", "clinical_trial"]
labels = { standard_of_care = "Routine care", clinical_trial = "Trials" }
"""


@pytest.fixture(scope="module")
def table():
    episodes, infusions = _frames()
    return adverse_event_table(episodes, infusions, "setting", ORDER, per="infusion")


def test_english_layout_every_line_of_the_crs_astct_block(table):
    shown = adverse_event_layout(table, Formatter("en"), labels=LABELS, number=3)
    assert shown.caption == "Table 3. Adverse events: CRS, ICANS, IEC-HS and ICAHT by maximum grade"
    assert [(c.label, c.n) for c in shown.columns] == [
        ("Toxicity, maximum grade", None),
        ("Routine care", 2),
        ("Trials", 4),
        ("Overall", 6),
    ]
    frame = table_frame(shown)
    assert frame.iloc[:11].to_numpy().tolist() == [
        ["CRS, ASTCT consensus 2019", "", "", ""],
        ["    Any grade", "1 (50.0%)", "3 (75.0%)", "4 (66.7%)"],
        ["    Unknown grade", "0 (0.0%)", "1 (25.0%)", "1 (16.7%)"],
        ["    Grade 1", "0 (0.0%)", "1 (25.0%)", "1 (16.7%)"],
        ["    Grade 2", "1 (50.0%)", "0 (0.0%)", "1 (16.7%)"],
        ["    Grade 3", "0 (0.0%)", "0 (0.0%)", "0 (0.0%)"],
        ["    Grade 4", "0 (0.0%)", "1 (25.0%)", "1 (16.7%)"],
        ["    Grade 5", "0 (0.0%)", "0 (0.0%)", "0 (0.0%)"],
        ["    Grade ≥ 3", "0 (0.0%)", "1 (25.0%)", "1 (16.7%)"],
        ["    Graded on another scale only", "1 (50.0%)", "0 (0.0%)", "1 (16.7%)"],
        ["    Not assessed", "0 (0.0%)", "0 (0.0%)", "0 (0.0%)"],
    ]
    blocks = [line.cells[0].text for line in shown.lines if not line.level]
    assert blocks == [
        "CRS, ASTCT consensus 2019",
        "CRS, Lee 2014",
        "ICANS, ASTCT consensus 2019",
        "IEC-HS, ASTCT IEC-HS 2023",
    ]
    assert shown.footnotes == (
        "Maximum grade per infusion: n (%) of the cohort's infusions (N under its name).",
        "Grades are counted on the scale they were recorded on, never pooled across scales. Unknown grade: "
        "recorded without a grade on this scale (an ungraded episode beside a graded one counts at the grade "
        "recorded).",
        "CRS: grades recorded on ASTCT consensus 2019, Lee 2014; each scale is a block of its own over every "
        "unit, and a unit graded on another scale only is counted as such.",
        "1 rows without setting are left out.",
    )


def test_french_layout(table):
    shown = adverse_event_layout(table, Formatter("fr"), labels=LABELS)
    frame = table_frame(shown)
    assert list(frame.columns) == [
        "Toxicité, grade maximal",
        "Routine care (N = 2)",
        "Trials (N = 4)",
        "Total (N = 6)",
    ]
    assert frame.iloc[1].tolist() == [
        "    Tout grade",
        "1 (50,0\u00a0%)",
        "3 (75,0\u00a0%)",
        "4 (66,7\u00a0%)",
    ]
    labels = [line.cells[0].text for line in shown.lines[:11]]
    assert labels[2] == "Grade inconnu" and labels[8] == "Grade ≥ 3" and labels[10] == "Non évalué"
    assert shown.footnotes[0].startswith("Grade maximal par perfusion : n (%) des perfusions")


def test_per_patient_footnotes_in_both_languages():
    episodes, infusions = _frames()
    table = adverse_event_table(episodes, infusions, "setting", ORDER, per="patient")
    en = adverse_event_layout(table, Formatter("en")).footnotes
    fr = adverse_event_layout(table, Formatter("fr")).footnotes
    assert en[0].startswith("Worst grade per patient over their infusions")
    assert "1 patients had infusions in more than one cohort: counted in each, once overall." in en
    assert (
        "1 patients ont reçu des perfusions dans plus d'une cohorte : comptés dans chacune, une fois au total."
        in fr
    )


def test_the_table_alone_in_every_format(table, tmp_path):
    fmt = Formatter("en")
    page = write_adverse_events_html(table, tmp_path / "ae.html", formatter=fmt).read_text(encoding="utf-8")
    assert 'id="table-adverse_events"' in page and "Graded on another scale only" in page
    sheet = openpyxl.load_workbook(
        write_adverse_events_xlsx(table, tmp_path / "ae.xlsx", formatter=fmt)
    ).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Adverse events: CRS, ICANS, IEC-HS and ICAHT by maximum grade"
    any_grade = next(r for r in rows if r[0] == "Any grade")
    assert any_grade[1:] == (1, 0.5, 3, 0.75, 4, pytest.approx(4 / 6))  # counts and shares as numbers
    word = docx.Document(str(write_adverse_events_docx(table, tmp_path / "ae.docx", formatter=fmt)))
    assert len(word.tables) == 1 and word.tables[0].rows[2].cells[0].text.strip() == "Any grade"
    records = json.loads(write_adverse_events_json(table, tmp_path / "ae.json").read_text(encoding="utf-8"))
    assert records["sizes"] == [2, 4, 6]
    assert records["rows"][1]["id"] == "CRS/ASTCT2019/any"
    assert records["rows"][1]["cells"][1] == {"n": 3, "percent": 75.0}
    assert len(records["footnotes"]) == 4


def _study(tmp_path: Path, section: str) -> Path:
    path = tmp_path / "study.toml"
    path.write_text(STUDY + section, encoding="utf-8")
    return path


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_in_the_report_in_every_format(tmp_path, lang):
    spec = load_study(_study(tmp_path, '[adverse_events]\nper = "patient"\ntoxicities = ["CRS", "ICANS"]\n'))
    result = run_study(small_dataset(), spec)
    files = write_report(result, tmp_path / "out", lang)
    title = {
        "en": "Adverse events: CRS, ICANS, IEC-HS and ICAHT by maximum grade",
        "fr": "Événements indésirables",
    }[lang]
    page = files.html.read_text(encoding="utf-8")
    assert (
        'id="table-adverse_events"' in page
        and f"Table 1. {title}".replace("Table", "Tableau" if lang == "fr" else "Table") in page
    )
    book = openpyxl.load_workbook(files.xlsx)
    assert book.sheetnames[0] == "adverse_events"
    assert title in book["adverse_events"]["A1"].value
    word = docx.Document(str(files.docx))
    assert any(title in p.text for p in word.paragraphs if p.style.name == "Caption")
    records = json.loads(files.json.read_text(encoding="utf-8"))["adverse_events"]
    assert records["per"] == "patient" and records["sizes"] == [2, 1, 3]
    assert [r["id"] for r in records["rows"] if r["row_type"] == "toxicity"] == [
        "CRS/ASTCT2019",
        "CRS/Lee2014",
        "ICANS/ASTCT2019",
    ]
    methods = json.loads(files.json.read_text(encoding="utf-8"))["methods"]
    assert (
        "each patient counts once per toxicity" if lang == "en" else "chaque patient compte une fois"
    ) in methods


def test_no_section_no_table(tmp_path):
    spec = load_study(_study(tmp_path, ""))
    assert spec.adverse_events is None
    assert run_study(small_dataset(), spec).adverse_events is None


@pytest.mark.parametrize(
    ("section", "key", "value"),
    [
        ('per = "episode"', "[adverse_events] per", "episode"),
        ('toxicities = ["CRS", "HLH"]', "[adverse_events] toxicities", "HLH"),
        ("toxicities = []", "[adverse_events] toxicities", []),
        ('scale = "Lee2014"', "[adverse_events] scale", "scale"),
    ],
)
def test_a_bad_section_is_a_spec_error_naming_key_and_value(tmp_path, section, key, value):
    path = _study(tmp_path, f"[adverse_events]\n{section}\n")
    with pytest.raises(SpecError) as caught:
        load_study(path)
    assert caught.value.key == key and caught.value.value == value and caught.value.file == str(path)


def test_a_toxicity_named_twice_counts_once(tmp_path):
    spec = load_study(_study(tmp_path, '[adverse_events]\ntoxicities = ["ICANS", "CRS", "ICANS"]\n'))
    assert spec.adverse_events is not None and spec.adverse_events.toxicities == ("ICANS", "CRS")


def test_seed_counts_agree_with_its_crs_and_icans_tables():
    """The seed's adverse-event table counts what its CRS and ICANS tables count; only the denominator differs:
    the one infusion whose CRS is stated unknown is "not assessed" here (in the denominator, as in gtreg), and
    missing (left out of the complete cases) there."""
    result = run_study(calibrate(seed=DEFAULT_SEED).dataset, seed_study())
    table = result.adverse_events
    assert table is not None and table.sizes == (361, 40, 401)
    for syndrome, (_spec, comparison) in (("CRS", result.tables[3]), ("ICANS", result.tables[4])):
        grades = comparison.result(f"{syndrome.lower()}_grade")
        for row in grades.rows:
            if row.row_type == "level" and str(row.level).isdigit() and int(row.level) > 0:
                ours = table.row(f"{syndrome}/ASTCT2019/grade/{row.level}")
                assert [c.values[0] for c in ours.cells] == [c.values[0] for c in row.cells], (
                    syndrome,
                    row.level,
                )
    assert [c.values[0] for c in table.row("CRS/ASTCT2019/any").cells] == [303, 20, 323]
    assert [c.values[0] for c in table.row("CRS/ASTCT2019/high").cells] == [3, 2, 5]
    assert [c.values[0] for c in table.row("CRS/ASTCT2019/not_assessed").cells] == [1, 0, 1]
    assert [c.values[0] for c in table.row("ICANS/ASTCT2019/any").cells] == [52, 16, 68]
    assert [c.values[0] for c in table.row("ICANS/ASTCT2019/high").cells] == [19, 4, 23]
    # no IEC-HS episode in the seed: only its grades computed from the labs, beside early and late ICAHT
    assert [n.id for n in table.notes] == ["denominator", "scales", "computed_only", "computed"]
    frame = result.frame
    for column, block in (
        ("icaht_early", "ICAHT-early/EHA-EBMT2023"),
        ("icaht_late", "ICAHT-late/EHA-EBMT2023"),
    ):
        for grade in (1, 2, 3, 4):  # the same counts as the analysis table's column, per cohort
            counts = [int(((frame["cohort"] == c) & (frame[column] == grade)).sum()) for c in table.groups]
            assert [c.values[0] for c in table.row(f"{block}/grade/{grade}").cells][:2] == counts
    assert [c.values[0] for c in table.row("ICAHT-late/EHA-EBMT2023/not_assessed").cells] == [14, 1, 15]
    assert [c.values[0] for c in table.row("IEC-HS/Hines2023-computed/grade/1").cells] == [8, 0, 8]
