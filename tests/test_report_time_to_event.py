"""The seed report's time-to-event tables and figures: the cumulative incidence of CRS and ICANS by cohort at
days 7, 14 and 28 with 95% CI and Gray's p, and overall survival by Kaplan-Meier (median with its 95% CI,
log-rank p, median follow-up), in HTML, XLSX, DOCX and JSON, English and French; the figures draw what the
estimates say, with the number at risk under the curves, nothing cut."""

from __future__ import annotations

import json
from dataclasses import replace

import docx
import numpy as np
import openpyxl
import pytest

from factories import seed_result
from figure_checks import outside, ticklabels
from iectox.render.document import cohorts_of
from iectox.render.figures import save
from iectox.render.format import Formatter
from iectox.render.survival_table import survival_table
from iectox.render.time_to_event import time_to_event_table
from iectox.render.time_to_event_figures import incidence_figure, survival_figure
from iectox.study.time_to_event import time_to_event


@pytest.fixture(scope="module")
def result():
    return seed_result()


@pytest.fixture(scope="module")
def english(english_seed):
    return english_seed


def test_the_seed_numbers(result):
    """The seed's estimates, each checked against R cmprsk::cuminc in tests/test_stats_survival.py
    (cases seed_crs and seed_icans: the same times)."""
    crs = result.time_to_event.endpoint("crs")
    real_life, trials = crs.curves
    assert (real_life.group, real_life.n, real_life.events, real_life.competing) == (
        "standard_of_care",
        360,
        303,
        18,
    )
    assert (trials.n, trials.events, trials.competing) == (40, 20, 7)
    np.testing.assert_allclose(real_life.interval([7])[0], [0.7611111111111111], atol=1e-12)
    np.testing.assert_allclose(trials.interval([28])[0], [0.5], atol=1e-12)
    assert crs.test.p_value == pytest.approx(4.126091166678503e-05, abs=1e-12)
    assert crs.excluded == {"status_unknown": 1}
    icans = result.time_to_event.endpoint("icans")
    assert icans.test.p_value == pytest.approx(6.425632352380362e-05, abs=1e-12)
    assert result.time_to_event.survival.follow_up.estimate == 649


def test_the_table_in_html_and_json(english, result):
    page = english.html.read_text(encoding="utf-8")
    assert "Table 10. Cumulative incidence of CRS and ICANS by cohort" in page
    assert "76.1% (71.3–80.2)" in page and "42.5% (26.9–57.3)" in page and "&lt;0.0001" in page
    assert "Median follow-up (reverse Kaplan-Meier): 649 days (95% CI 570–702)." in page
    assert "CRS: left out, occurrence unknown (1)." in page
    assert "given at days 7, 14 and 28 with 95% CI" in page  # the methods sentence
    records = json.loads(english.json.read_text(encoding="utf-8"))["time_to_event"]
    crs = records["cumulative_incidence"][0]
    assert crs["endpoint"] == "crs" and crs["gray_test"]["df"] == 1
    day7 = crs["cohorts"][0]["at_days"][0]
    assert day7["day"] == 7 and day7["estimate"] == pytest.approx(0.7611111111111111, abs=1e-12)
    assert records["overall_survival"]["median_follow_up"]["estimate"] == 649


def test_the_workbook_holds_numbers_and_the_document_the_table(english):
    book = openpyxl.load_workbook(english.xlsx, read_only=True)
    rows = list(book["time_to_event"].iter_rows(values_only=True))
    assert rows[0][0] == "Table 10. Cumulative incidence of CRS and ICANS by cohort"
    real_life = next(r for r in rows if r[0] == "Real-life population")
    assert real_life[1:4] == (360, 303, 18)
    assert real_life[4:7] == pytest.approx((76.1111111, 71.3426886, 80.1978809), abs=1e-6)
    captions = [p.text for p in docx.Document(str(english.docx)).paragraphs if p.style.name == "Caption"]
    assert "Table 10. Cumulative incidence of CRS and ICANS by cohort" in captions
    assert any(c.endswith("CRS: cumulative incidence by cohort") for c in captions)


def test_the_french_report(french_seed):
    files = french_seed.report
    page = files.html.read_text(encoding="utf-8").replace("&#x27;", "'")
    assert "Incidence cumulée du CRS et de l'ICANS par cohorte" in page
    assert "76,1\u00a0% (71,3–80,2)" in page and "J7, % (IC à 95 %)" in page
    assert "Suivi médian (Kaplan-Meier inversé)\u00a0: 649 jours" in page
    assert "Tableau 11. Survie globale par cohorte" in page and "900 (800–NA)" in page
    assert "NA\u00a0: non atteinte" in page and "par le test du log-rank (R survival::survfit" in page
    document = docx.Document(str(files.docx))
    assert any("ICANS : incidence cumulée par cohorte" in p.text for p in document.paragraphs)
    book = openpyxl.load_workbook(files.xlsx, read_only=True)
    assert next(book["time_to_event"].iter_rows(values_only=True))[0].startswith("Tableau 10.")
    assert (
        next(book["overall_survival"].iter_rows(values_only=True))[0]
        == "Tableau 11. Survie globale par cohorte"
    )
    assert any(p.text.endswith("Survie globale par cohorte") for p in document.paragraphs)


def test_overall_survival_in_every_format(english):
    """The seed's medians as R prints them: d <- read.csv(survival_times(frame, "cohort")); quantile(survfit(
    Surv(time, status) ~ group, data = d), 0.5): clinical_trial 900 (800, NA), standard_of_care 841 (721, 1003);
    survdiff(Surv(time, status) ~ group, data = d): Chisq 0.297 on 1 df (p = 0.586)."""
    page = english.html.read_text(encoding="utf-8")
    assert "Table 11. Overall survival by cohort" in page
    assert "841 (721–1003)" in page and "900 (800–NR)" in page and "0.5860" in page
    assert "NR: not reached" in page
    assert "compared between the cohorts by the log-rank test" in page  # the methods sentence
    book = openpyxl.load_workbook(english.xlsx, read_only=True)
    rows = list(book["overall_survival"].iter_rows(values_only=True))
    assert rows[0][0] == "Table 11. Overall survival by cohort"
    assert next(r for r in rows if r[0] == "Real-life population")[1:6] == (361, 139, 841, 721, 1003)
    assert next(r for r in rows if r[0] == "Clinical trials population")[1:6] == (40, 16, 900, 800, None)
    assert next(r for r in rows if r[0] == "Overall survival")[-1] == pytest.approx(0.5860171124166966)
    document = docx.Document(str(english.docx))
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert "Table 11. Overall survival by cohort" in captions
    assert any(c.endswith("Overall survival by cohort") and c.startswith("Figure") for c in captions)
    survival = json.loads(english.json.read_text(encoding="utf-8"))["time_to_event"]["overall_survival"]
    trials = survival["cohorts"][1]
    assert (trials["cohort"], trials["median"], trials["median_low"], trials["median_high"]) == (
        "clinical_trial",
        900,
        800,
        None,
    )
    assert survival["log_rank"]["p_value"] == pytest.approx(0.5860171124166966, abs=1e-12)
    assert (english.folder / "figures" / "overall_survival.png").stat().st_size > 0


def test_overall_survival_without_a_death_says_why_there_is_no_test(result):
    frame = result.frame.assign(status="alive")
    tte = time_to_event(frame, "cohort", ("standard_of_care", "clinical_trial"))
    table = survival_table(replace(result, time_to_event=tte), Formatter("en", 1, 4), number=9)
    assert table.lines[0].cells[-1].text == "-"
    assert [cell.text for cell in table.lines[1].cells[1:4]] == ["361", "0", "NR (NR–NR)"]
    assert any(note.startswith("Log-rank test not computed: no events") for note in table.footnotes)
    assert any(note.startswith("NR: not reached") for note in table.footnotes)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_figures_draw_the_estimates_with_the_number_at_risk(result, lang, tmp_path):
    cohorts = cohorts_of(result)
    crs = result.time_to_event.endpoint("crs")
    fig = incidence_figure(crs, cohorts, lang)
    curves, table = fig.axes
    real_life = curves.get_lines()[0]
    x, y = real_life.get_data()
    assert y[np.searchsorted(x, 7, side="right") - 1] == pytest.approx(
        100 * crs.curves[0].interval([7])[0][0]
    )
    assert ticklabels(table.xaxis) == ["0", "7", "14", "21", "28"]
    numbers = [t.get_text() for t in table.texts]
    assert numbers == [str(n) for curve in crs.curves for n in curve.n_at_risk([0, 7, 14, 21, 28])]
    assert numbers[:5] == ["360", "91", "61", "57", "57"]
    save(fig, tmp_path, "crs")
    assert outside(fig) == []
    survival = survival_figure(result.time_to_event.survival, cohorts, lang)
    save(survival, tmp_path, "os")
    assert outside(survival) == []
    assert [t.get_text() for t in survival.axes[1].texts][:3] == ["361", "272", "213"]


def test_a_cohort_without_events_says_why_there_is_no_test(result):
    frame = result.frame.copy()
    frame.loc[frame["cohort"] == "clinical_trial", "icans_any"] = False
    frame.loc[:, "icans_any"] = False  # no ICANS anywhere: nothing to compare
    tte = time_to_event(frame, "cohort", ("standard_of_care", "clinical_trial"))
    icans = tte.endpoint("icans")
    assert icans.test is None and icans.not_tested == "no event of the cause studied: nothing to compare"
    assert [c.events for c in icans.curves] == [0, 0]
    table = time_to_event_table(replace(result, time_to_event=tte), Formatter("fr", 1, 4), number=8)
    notes = [note.replace("\u00a0", " ") for note in table.footnotes]
    assert (
        "ICANS : test de Gray non calculé : aucun événement de la cause étudiée : rien à comparer." in notes
    )
    icans_line = next(line for line in table.lines if line.cells[0].text == "ICANS")
    assert icans_line.cells[-1].text == "-"


def test_a_cohort_without_an_infusion_of_known_time_is_shown_empty(result):
    frame = result.frame[result.frame["cohort"] != "clinical_trial"]
    tte = time_to_event(frame, "cohort", ("standard_of_care", "clinical_trial"))
    crs = tte.endpoint("crs")
    assert [c.group for c in crs.curves] == ["standard_of_care"]
    assert (
        crs.test is None and crs.not_tested == "Gray's test compares groups: only one group has observations"
    )
    table = time_to_event_table(replace(result, time_to_event=tte), Formatter("en", 1, 4), number=8)
    empty = next(line for line in table.lines if line.cells[0].text == "Clinical trials population")
    assert [cell.text for cell in empty.cells[1:]] == ["0", "-", "-", "-", "-", "-", ""]
