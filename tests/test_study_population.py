"""A study's therapy class (`[cohorts] therapy_class`, iectox.study.population) and the demo's bispecific
courses (iectox.synth.demo).

A dataset may hold CAR-T infusions and bispecific antibody courses side by side (the demo does). A study of
CAR-T cohorts names `therapy_class = "CAR-T"`: its tables count the CAR-T infusions exactly as without the
courses, the courses are counted apart, the CRS per bispecific dose and the audit of their schedules still
see them, and the report says so. The cohort: 40 synthetic CAR-T infusions (`generate(40, seed=3)`) and the
demo's 27 bispecific courses, three of which depart from their label (`iectox.synth.demo.DEPARTURES`).
"""

from __future__ import annotations

import pandas as pd
import pytest

from iectox.errors import SpecError
from iectox.management.audit import audit
from iectox.render.bsab_schedule import bsab_schedule_records, bsab_schedule_table
from iectox.render.format import Formatter
from iectox.render.methods import design
from iectox.study import load_study, run_study
from iectox.study.packet import make_packet, study_id
from iectox.synth import generate
from iectox.synth.demo import COURSES_PER_SCHEDULE, demo_bsab_courses, demo_dataset, demo_schedules

SPEC = """
[study]
title = "CAR-T cohorts, bispecific courses beside them"

[cohorts]
by = "cohort"
order = ["standard_of_care", "clinical_trial"]
{therapy_class}

[management]
pathway = "iectox:default"

[[tables]]
id = "crs"
title = "CRS"
variables = [{{ name = "sex" }}, {{ name = "crs_any" }}, {{ name = "crs_grade", kind = "toxicity" }}]
"""
CAR_T = 'therapy_class = "CAR-T"'


def _study(folder, therapy_class: str = CAR_T):
    path = folder / "study.toml"
    path.write_text(SPEC.format(therapy_class=therapy_class), encoding="utf-8")
    return load_study(path)


def _cells(result) -> list:
    return [
        (r.name, str(row.level), cell.values)
        for _, comparison in result.tables
        for r in comparison.results
        for row in r.rows
        for cell in row.cells
    ]


@pytest.fixture(scope="module")
def data():
    cohort = generate(40, seed=3)
    return cohort, demo_dataset(cohort)


@pytest.fixture(scope="module")
def runs(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("population")
    cohort, both = data
    spec = _study(folder)
    return run_study(cohort, spec), run_study(both, spec), run_study(both, _study(folder, ""))


def test_a_centre_packet_counts_the_same_infusions_as_the_study(tmp_path, data):
    cohort, both = data
    spec = _study(tmp_path)
    alone, with_courses = make_packet(cohort, spec, "CHU-A"), make_packet(both, spec, "CHU-A")
    assert with_courses["groups"] == alone["groups"]
    assert with_courses["checksum"] == alone["checksum"]  # the same aggregates, to the byte


def test_the_cohorts_count_the_car_t_infusions_as_without_the_courses(runs):
    alone, both, _ = runs
    assert _cells(both) == _cells(alone)
    assert [r.test.p_value for _, c in both.tables for r in c.results] == [
        r.test.p_value for _, c in alone.tables for r in c.results
    ]
    assert (len(both.frame), both.apart, alone.apart) == (40, 27, 0)
    assert set(both.frame["therapy_class"]) == {"CAR-T"}


def test_the_courses_apart_are_still_in_the_crs_per_dose_and_the_audit(runs):
    alone, both, _ = runs
    assert alone.bsab_crs is None
    assert sum(p.patients for p in both.bsab_crs.products) == 27
    doses = both.management.bsab_doses
    assert doses["infusion_id"].str.startswith("BSAB-").all() and doses["infusion_id"].nunique() == 27
    pd.testing.assert_frame_equal(both.management.kpis_by_cohort, alone.management.kpis_by_cohort)
    timings = both.management.timings.set_index("infusion_id")["cohort"]
    assert timings[timings.index.str.startswith("BSAB-")].isna().all()  # in no cohort of the KPIs


def test_without_the_class_the_courses_would_join_the_routine_care_cohort(runs):
    _, both, pooled = runs
    assert pooled.apart == 0 and len(pooled.frame) == 67
    sizes = {name: r.n for name, r in ((r.name, r) for _, c in pooled.tables for r in c.results)}
    alone = {name: r.n for name, r in ((r.name, r) for _, c in both.tables for r in c.results)}
    assert sizes["sex"][0] == alone["sex"][0] + 27  # the 27 courses are routine care (standard_of_care)


def test_an_unknown_therapy_class_is_refused_with_the_allowed_ones(tmp_path):
    with pytest.raises(SpecError) as error:
        _study(tmp_path, 'therapy_class = "CAR T"')
    assert "[cohorts] therapy_class" in str(error.value)
    assert "'CAR T'" in str(error.value) and "CAR-T" in str(error.value) and "BsAb" in str(error.value)


def test_the_demo_courses_are_those_authorised_in_the_period_with_three_departures():
    assert "tarlatamab" not in demo_schedules()  # EU authorisation 2025-07, after the seed study's period
    assert len(demo_schedules()) == 9
    courses = demo_bsab_courses()
    infusions = courses["infusions"]
    assert len(infusions) == COURSES_PER_SCHEDULE * 9 == 27
    assert infusions["patient_id"].str.startswith("P-BSAB-").all()
    assert infusions["infusion_date"].between("2024-09-02", "2025-07-01").all()  # within the seed period
    found = audit(courses).findings
    assert sorted((f.rule, f.severity, f.infusion_id) for f in found if f.rule.startswith("bsab.")) == [
        ("bsab.hospitalisation", "deviation", "BSAB-002"),  # elranatamab, 1st course: 24 h of 48
        ("bsab.premedication", "deviation", "BSAB-009"),  # teclistamab, 1st course: before step-up dose 2
        ("bsab.restart", "deviation", "BSAB-018"),  # teclistamab, 2nd course: step-up 2 after 10 days
    ]


def test_the_report_gives_the_schedule_audit_per_product_and_check(runs):
    _, both, _ = runs
    table = bsab_schedule_table(both, Formatter("en"), number=3)
    assert table.caption == "Table 3. Bispecific antibody schedules, audited against the product information"
    lines = [tuple(v.text for v in line.cells) for line in table.lines]
    assert lines[:4] == [
        ("Blinatumomab (Blincyto)", "3", "6", "0", ""),
        ("Teclistamab (Tecvayli)", "3", "18", "2", ""),
        ("Premedication before the dose", "", "", "1", "BSAB-009"),
        ("Step-up restarted after a missed or delayed dose", "", "", "1", "BSAB-018"),
    ]
    assert ("Hospital stay after the dose", "", "", "1", "BSAB-002") in lines
    assert bsab_schedule_records(both)["products"]["elranatamab"] == {
        "courses": 3,
        "doses": 18,
        "findings": {"bsab.hospitalisation": ["BSAB-002"]},
    }
    french = bsab_schedule_table(both, Formatter("fr"))
    assert french.title == "Schémas des anticorps bispécifiques, audités selon les informations produit"


def test_the_methods_say_the_courses_are_apart_and_where_they_are_counted(runs):
    alone, both, _ = runs
    assert "therapy_class" not in design(alone, "en")
    assert (
        "The cohorts hold the CAR-T infusions only ([cohorts] therapy_class): the 27 infusion(s) of another "
        "therapy class in the period are in none of them." in design(both, "en")
    )
    assert "les 27 infusion(s) d'une autre classe thérapeutique" in design(both, "fr")
    assert bsab_schedule_table(alone, Formatter("en")) is None


def test_studies_of_two_therapy_classes_are_not_pooled_together(tmp_path):
    (tmp_path / "bsab").mkdir()
    car_t, bsab = _study(tmp_path), _study(tmp_path / "bsab", 'therapy_class = "BsAb"')
    assert study_id(car_t) != study_id(bsab)
    (tmp_path / "all").mkdir()
    assert study_id(_study(tmp_path / "all", "")) not in (study_id(car_t), study_id(bsab))  # every infusion
