"""The observations chart of the ward page (`iectox.render.bedside_chart`): an SVG a strict Content-Security-Policy
shows inline, each point where its time and value put it, in the reader's language, nothing computed."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pandas as pd

from factories import small_dataset
from iectox.grading import grade_dataset
from iectox.render.bedside_chart import LEFT, RIGHT, WIDTH, observations_chart

SVG = "{http://www.w3.org/2000/svg}"


def chart(lang: str = "en", **changes: object) -> ET.Element:
    dataset = small_dataset()
    graded = grade_dataset(dataset)
    graded = graded[graded["infusion_id"] == "INF-001"].assign(**changes)
    doses = dataset["administrations"][dataset["administrations"]["infusion_id"] == "INF-001"]
    svg = observations_chart(graded, lang, start=pd.Timestamp("2023-05-17"), doses=doses)
    return ET.fromstring(svg)


def titles(root: ET.Element) -> dict[str, ET.Element]:
    """Each drawn mark by its title (what a reader sees when pointing at it)."""
    return {
        mark.find(f"{SVG}title").text: mark for mark in root.iter() if mark.find(f"{SVG}title") is not None
    }


def test_every_recorded_value_and_computed_grade_is_a_mark_with_its_time_and_value():
    marks = titles(chart())
    assert {
        "2023-05-19 14:00: 38.4 °C",  # temperature
        "2023-05-19 14:00: Hypotension No",
        "2023-05-19 14:00: Vasopressors 0",
        "2023-05-19 14:00: Vasopressin No",
        "2023-05-19 14:00: Nasal cannula (flow decides low vs high), 4 L/min",
        "2023-05-19 14:00: 10/10",  # ICE
        "2023-05-19 14:00: CRS grade 2",
        "2023-05-19 14:00: ICANS grade 0",
        "2023-05-20 08:00: tocilizumab 571.2 mg",  # the dose, above the grades
    } <= set(marks)
    assert "dexamethasone" not in " ".join(marks)  # given at no recorded time: nowhere to draw it


def test_days_count_from_the_infusion_and_points_sit_at_their_time():
    root = chart()
    ticks = {
        t.text: float(t.get("x")) for t in root.iter(f"{SVG}text") if re.fullmatch(r"D\d+", t.text or "")
    }
    assert list(ticks) == ["D0", "D1", "D2", "D3", "D4"]  # 05-17 .. 05-21: the day after the last event
    day = ticks["D1"] - ticks["D0"]
    assert (ticks["D0"], ticks["D4"]) == (LEFT, WIDTH - RIGHT)
    temperature = titles(root)["2023-05-19 14:00: 38.4 °C"]
    assert float(temperature.get("cx")) == round(ticks["D2"] + day * 14 / 24, 1)


def test_french_words_and_decimal_commas():
    root = chart("fr")
    marks = titles(root)
    assert "2023-05-19 14:00: 38,4 °C" in marks
    assert "2023-05-20 08:00: tocilizumab 571,2 mg" in marks
    assert "2023-05-19 14:00: CRS de grade 2" in marks
    texts = {t.text for t in root.iter(f"{SVG}text")}
    assert {"Température (°C)", "Vasopresseurs", "Grades ASTCT", "J2"} <= texts
    assert root.get("aria-label") == "Observations au lit du patient et grades ASTCT au fil du temps"


def test_an_observation_known_to_its_day_only_is_hollow_and_says_so():
    root = chart(observed_at_time_known=False, observed_at=pd.Timestamp("2023-05-19"))
    mark = titles(root)["2023-05-19 (hour not recorded): 38.4 °C"]
    assert mark.get("fill") == "#fff"


def test_no_style_so_that_the_content_security_policy_lets_it_show():
    root = chart()
    assert root.tag == f"{SVG}svg" and root.get("viewBox", "").startswith("0 0 760 ")
    assert not any(element.tag == f"{SVG}style" or "style" in element.attrib for element in root.iter())


def test_a_panel_without_values_says_not_recorded():
    root = chart(ice_score=pd.array([None], dtype="Int64"))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts.count("not recorded") == 1  # the ICE panel; the others have values
