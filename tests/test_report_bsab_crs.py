"""CRS per bispecific antibody dose in the report (iectox.study.bsab_crs, iectox.render.bsab_crs): per product,
per step-up dose and for the treatment doses of cycle 1, the patients dosed, CRS after the dose (any grade,
grade >= 2) with %, the median hours from the dose to onset; in HTML, XLSX (numbers as numbers), DOCX and
JSON, in English and French, with its sentence in the methods; absent when the data hold no bispecific course.

The cohort: 40 synthetic CAR-T infusions and 12 synthetic bispecific courses (`with_bsab_courses`, seed 1),
whose CRS all follow step-up dose 1, of grade 1; two CRS are added by hand so that a grade 2 follows a
treatment dose and a grade 3 with its day alone follows step-up dose 2.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import replace

import docx
import openpyxl
import pandas as pd
import pytest

from iectox.dataset import Dataset
from iectox.management.bsab_rules import BSAB_RULES
from iectox.render import write_report
from iectox.render.bsab_crs import bsab_crs_table
from iectox.render.bsab_schedule import CHECKS
from iectox.render.format import Formatter
from iectox.study import load_study, run_study
from iectox.study.bsab_crs import bsab_crs_by_dose
from iectox.synth import calibrate, generate
from iectox.synth.bsab import with_bsab_courses
from iectox.web.quality.study_page import study_page

SPEC = """
[study]
title = "Bispecific courses"

[cohorts]
by = "cohort"
order = ["standard_of_care", "clinical_trial"]

[[tables]]
id = "demographics"
title = "Demographics"
variables = [{ name = "sex" }, { name = "age" }]
"""

ts = pd.Timestamp
ADDED = [  # (course, onset, hour known, grade): the doses it follows are in the comments of EXPECTED
    ("BSAB-002", ts("2025-09-15 22:00"), True, 2),
    ("BSAB-012", ts("2025-11-20"), False, 3),
]

# Counted by hand from the courses' doses (`bsab_courses(12, seed=1)`: product, dose step, cycle, time) and CRS
# onsets; each line: (dose, dosed, CRS, CRS grade >= 2, median hours, onsets timed).
EXPECTED = {
    # BSAB-001 and -011: 9 mcg/day then 28 mcg/day from day 8, no CRS
    "blinatumomab": [("step_up_1", 2, 0, 0, None, 0), ("treatment_cycle_1", 2, 0, 0, None, 0)],
    # BSAB-010: step-up 1 on 3 Nov 10:00, CRS on 4 Nov 07:00 (21 h)
    "teclistamab": [
        ("step_up_1", 1, 1, 0, 21.0, 1),
        ("step_up_2", 1, 0, 0, None, 0),
        ("treatment_cycle_1", 1, 0, 0, None, 0),
    ],
    # BSAB-002: first treatment dose on 15 Sep 10:00, the added grade 2 at 22:00 (12 h);
    # BSAB-012: step-up 2 on 20 Nov 10:00, the added grade 3 that day, hour unknown (next dose 24 Nov)
    "elranatamab": [
        ("step_up_1", 2, 0, 0, None, 0),
        ("step_up_2", 2, 1, 1, None, 0),
        ("treatment_cycle_1", 2, 1, 1, 12.0, 1),
    ],
    # BSAB-007: step-up 1 on 13 Oct 10:00, CRS 14 Oct 03:00 (17 h); BSAB-008: 20 Oct 10:00, 21:00 (11 h)
    "talquetamab": [
        ("step_up_1", 2, 2, 0, 14.0, 2),
        ("step_up_2", 2, 0, 0, None, 0),
        ("step_up_3", 1, 0, 0, None, 0),
        ("treatment_cycle_1", 2, 0, 0, None, 0),
    ],
    # BSAB-003: 15 Sep 10:00, CRS 23:00 (13 h); BSAB-004 (3 steps): 22 Sep 10:00, CRS 23 Sep 07:00 (21 h)
    "epcoritamab": [
        ("step_up_1", 2, 2, 0, 17.0, 2),
        ("step_up_2", 2, 0, 0, None, 0),
        ("step_up_3", 1, 0, 0, None, 0),
        ("treatment_cycle_1", 2, 0, 0, None, 0),
    ],
    # BSAB-005: 29 Sep 10:00, CRS 20:00 (10 h); its treatment doses are in cycle 2 and later: no cycle-1 line
    "glofitamab": [("step_up_1", 1, 1, 0, 10.0, 1), ("step_up_2", 1, 0, 0, None, 0)],
    # BSAB-006: 6 Oct 10:00, CRS 7 Oct 00:00 (14 h)
    "mosunetuzumab": [
        ("step_up_1", 1, 1, 0, 14.0, 1),
        ("step_up_2", 1, 0, 0, None, 0),
        ("treatment_cycle_1", 1, 0, 0, None, 0),
    ],
    # BSAB-009: 27 Oct 10:00, CRS 28 Oct 00:00 (14 h)
    "tarlatamab": [("step_up_1", 1, 1, 0, 14.0, 1), ("treatment_cycle_1", 1, 0, 0, None, 0)],
}


def _with_added_crs(dataset: Dataset) -> Dataset:
    tables = dict(dataset.tables)
    added = pd.DataFrame(
        {
            "episode_id": [f"{course}-ADDED" for course, *_ in ADDED],
            "infusion_id": [course for course, *_ in ADDED],
            "syndrome": "CRS",
            "onset_at": [onset for _, onset, _, _ in ADDED],
            "onset_at_time_known": [known for _, _, known, _ in ADDED],
            "max_grade": [grade for *_, grade in ADDED],
            "grading_scale": "ASTCT2019",
            "outcome": "resolved",
        }
    )
    tables["toxicity_episodes"] = pd.concat([tables["toxicity_episodes"], added], ignore_index=True)
    infusions = tables["infusions"]
    courses = infusions["infusion_id"].isin([course for course, *_ in ADDED])
    tables["infusions"] = infusions.assign(crs_status=infusions["crs_status"].mask(courses, "yes"))
    return Dataset.from_frames(tables)


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    spec = tmp_path_factory.mktemp("spec") / "study.toml"
    spec.write_text(SPEC, encoding="utf-8")
    dataset = _with_added_crs(with_bsab_courses(generate(40, seed=3), 12, seed=1))
    return run_study(dataset, load_study(spec))


@pytest.fixture(scope="module")
def reports(result, tmp_path_factory):
    return {lang: write_report(result, tmp_path_factory.mktemp(lang), lang) for lang in ("en", "fr")}


def test_the_counts_per_product_and_dose_are_those_counted_by_hand(result):
    by_dose = result.bsab_crs
    assert by_dose.scale == "ASTCT2019"
    found = {
        p.product: [(d.dose, d.dosed, d.crs, d.crs_grade2, d.median_hours, d.timed) for d in p.doses]
        for p in by_dose.products
    }
    assert found == EXPECTED
    assert list(found) == list(EXPECTED)  # the vocabulary's order
    assert {p.product: p.patients for p in by_dose.products}["elranatamab"] == 2


def test_the_seed_cohort_has_no_bispecific_course_and_no_table():
    """The seed demo is a CAR-T study: no table, no sentence, so its report and golden numbers are unchanged."""
    assert bsab_crs_by_dose(calibrate().dataset, "ASTCT2019") is None


def test_no_table_without_bispecific_courses(result):
    assert bsab_crs_table(replace(result, bsab_crs=None), Formatter("en")) is None


def _rows(table) -> list[list[str]]:
    return [[cell.text for cell in line.cells] for line in table.lines]


def test_the_table_in_english_and_french(result):
    english = bsab_crs_table(result, Formatter("en", 1), number=2)
    assert english.caption == "Table 2. CRS after each dose of a bispecific antibody"
    assert [c.label for c in english.columns] == [
        "Product and dose",
        "Patients dosed",
        "CRS, n (%)",
        "CRS grade ≥ 2, n (%)",
        "Hours to onset, median",
        "Onsets timed",
    ]
    rows = _rows(english)
    start = rows.index(["Elranatamab (Elrexfio)", "", "", "", "", ""])
    assert rows[start + 1 : start + 4] == [
        ["Step-up dose 1", "2", "0 (0.0%)", "0 (0.0%)", "-", "0"],
        ["Step-up dose 2", "2", "1 (50.0%)", "1 (50.0%)", "-", "0"],
        ["Treatment doses, cycle 1", "2", "1 (50.0%)", "1 (50.0%)", "12.0", "1"],
    ]
    french = _rows(bsab_crs_table(result, Formatter("fr", 1)))
    start = french.index(["Epcoritamab (Epkinly/Tepkinly)", "", "", "", "", ""])
    assert french[start + 1] == ["Dose de palier 1", "2", "2 (100,0\u00a0%)", "0 (0,0\u00a0%)", "17,0", "2"]


TITLES = {
    "en": "CRS after each dose of a bispecific antibody",
    "fr": "CRS après chaque dose d'un anticorps bispécifique",
}


def test_every_format_shows_the_table(reports, result):
    for lang, files in reports.items():
        page = html.unescape(files.outputs["html"].read_text(encoding="utf-8"))
        assert 'id="table-bsab_crs"' in page
        title = TITLES[lang]
        assert title in page
        captions = [p.text for p in docx.Document(files.outputs["docx"]).paragraphs]
        assert any(title in text for text in captions)
        data = json.loads(files.outputs["json"].read_text(encoding="utf-8"))
        elranatamab = next(p for p in data["bsab_crs"]["products"] if p["product"] == "elranatamab")
        assert elranatamab["doses"][2] == {
            "dose": "treatment_cycle_1",
            "dosed": 2,
            "crs": 1,
            "crs_share": 0.5,
            "crs_grade2": 1,
            "crs_grade2_share": 0.5,
            "median_hours": 12.0,
            "onsets_timed": 1,
        }


def test_the_web_study_page_shows_the_table_with_the_reports_number(reports, result):
    """The web's study page shows the per-dose table as report.html does, with its number and title (it showed
    none: the table is not a comparison of the study file)."""
    captions = re.compile(r'<figure class="table" id="table-([^"]+)"><figcaption>(.*?)</figcaption>')
    report = captions.findall(reports["en"].outputs["html"].read_text(encoding="utf-8"))
    page = captions.findall("".join(study_page(result, reports["en"], "en").tables))
    assert page == [c for c in report if c[0] != "management"]
    assert page[-1] == ("bsab_crs", f"Table 4. {TITLES['en']}")  # after the incidence and survival tables


def test_the_workbook_holds_numbers(reports):
    book = openpyxl.load_workbook(reports["en"].outputs["xlsx"])
    sheet = book["bsab_crs"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    start = next(i for i, row in enumerate(rows) if row[0] == "Elranatamab (Elrexfio)")
    assert rows[start + 3][:8] == ["Treatment doses, cycle 1", 2, 1, 0.5, 1, 0.5, 12.0, 1]


def test_the_methods_say_how_crs_follows_a_dose(reports):
    en = json.loads(reports["en"].outputs["json"].read_text(encoding="utf-8"))["methods"]
    assert (
        "CRS after each dose of a bispecific antibody: an episode whose onset is at or after the dose and "
        "before the course's next dose; per product, step-up dose and the treatment doses of cycle 1, the "
        "patients dosed, those with a CRS after the dose (any grade; grade ≥ 2 on the ASTCT consensus 2019 "
        "scale) and the median hours from the dose to its onset." in en
    )
    fr = json.loads(reports["fr"].outputs["json"].read_text(encoding="utf-8"))["methods"]
    assert "CRS après chaque dose d'un anticorps bispécifique" in fr


def test_the_schedule_table_names_every_bispecific_rule_in_the_audits_order():
    """`render.bsab_schedule.CHECKS` words each rule of `management.bsab_rules`: a rule added there, renamed or
    moved, without its line here would vanish from the report's table."""
    assert list(CHECKS) == [rule.id for rule in BSAB_RULES]
