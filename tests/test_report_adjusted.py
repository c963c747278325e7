"""The seed report's adjusted comparisons (iectox.study.adjusted, iectox.render.adjusted): the adjusted odds ratio
of CRS for routine care vs trials and the IPTW comparison of the delay to tocilizumab, in HTML, XLSX, DOCX and
JSON, in English and French, each with its sentence in the methods; a model that cannot be estimated shows no
number. The models' agreement with R is tests/test_stats_models_r.py; here, that each format shows the model's
own numbers."""

from __future__ import annotations

import html
import json
import re
from dataclasses import replace
from pathlib import Path

import docx
import openpyxl
import pandas as pd
import pytest

from factories import seed_result
from iectox.errors import SpecError
from iectox.render.adjusted import adjusted_tables, regression_table_layout
from iectox.render.format import Formatter
from iectox.stats.models import fit_model, regression_table
from iectox.stats.models import notes as N
from iectox.study import load_study
from iectox.study.adjusted import run_adjusted, with_derived

SPEC = Path(__file__).resolve().parents[1] / "examples" / "seed_study" / "study.toml"


@pytest.fixture(scope="module")
def result():
    return seed_result()


@pytest.fixture(scope="module")
def reports(english_seed, french_seed):
    return {"en": english_seed, "fr": french_seed.report}


def _text(page: str, section: str) -> str:
    start = page.index(f'<section id="{section}">')
    part = page[start : page.index("</section>", start)]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", part)))


def test_the_seed_study_adjusts_the_odds_ratio_of_crs_and_weights_the_delay(result):
    adjusted = result.adjusted
    assert (adjusted.reference, adjusted.compared) == ("clinical_trial", "standard_of_care")
    model = adjusted.regressions[0].multivariable
    odds = model.estimate("cohort", "standard_of_care")
    assert odds.estimate == pytest.approx(5.865, abs=1e-3) and odds.p_value < 1e-4
    assert [n.id for n in model.notes] == [N.MISSING_ROWS, N.CONSTANT_COVARIATE]  # therapy class: all CAR-T
    weighted = adjusted.weighted[0]
    assert [g.n for g in weighted.groups] == [20, 200]
    delay = weighted.model.estimate("cohort", "standard_of_care")
    assert delay.estimate == pytest.approx(
        weighted.groups[1].outcome_mean - weighted.groups[0].outcome_mean, abs=1e-12
    )  # the weighted difference of means is the weighted model's coefficient


def test_html_in_both_languages_shows_the_sections_and_the_methods_sentences(reports):
    english = reports["en"].html.read_text(encoding="utf-8")
    text = _text(english, "adjusted")
    assert "Adjusted odds ratio of CRS: Real-life population vs Clinical trials population" in text
    assert "5.87 2.73, 12.62 <0.0001" in text and "Ref." in text
    assert "-1.43 (-2.98, 0.13) 0.0714" in text and "Effective sample size (Kish) 11.8 197.2" in text
    assert "Therapy class: one value only" in text and "Therapy class -" not in text  # no row: left out
    methods = _text(english, "methods")
    assert (
        "estimated by logistic regression, univariable and adjusted for age, weight, indication group and"
        in methods
    )
    assert "inverse probability of treatment weights" in methods
    french = reports["fr"].html.read_text(encoding="utf-8")
    text = _text(french, "adjusted")
    assert "Comparaisons ajustées" in text and "Odds ratio ajusté du CRS" in text
    assert (
        "5,87 2,73 ; 12,62 <0,0001" in text
        and "Réf." in text
        and "Effectif efficace (Kish) 11,8 197,2" in text
    )
    assert "ont été estimés par régression logistique" in _text(french, "methods")


def test_workbook_holds_the_models_numbers_as_numbers(reports, result):
    book = openpyxl.load_workbook(reports["en"].xlsx, read_only=True)
    rows = list(book["adjusted_crs_any"].iter_rows(values_only=True))
    odds = result.adjusted.regressions[0].multivariable.estimate("cohort", "standard_of_care")
    routine = next(r for r in rows if r[0] == "Real-life population")
    # numbers as numbers (the workbook keeps 15 significant digits)
    assert routine[5:9] == pytest.approx((odds.estimate, odds.low, odds.high, odds.p_value), rel=1e-14)
    french = openpyxl.load_workbook(reports["fr"].xlsx, read_only=True)
    assert list(french["balance_days_crs_onset_to_tocil"].iter_rows(values_only=True))[2][1:] == (
        "DMS, non pondérée",
        "DMS, pondérée",
    )


def test_tables_are_numbered_in_the_order_shown(reports):
    page = reports["en"].html.read_text(encoding="utf-8")
    numbers = [int(n) for n in re.findall(r"<figcaption>Table (\d+)\.", page)]
    # 8 tables (the labs' included), adverse events, time to event, overall survival, 3 adjusted, the
    # management KPIs
    assert numbers == list(range(1, 16))


def test_word_document_has_the_section_in_both_languages(reports):
    for lang, heading, caption in (
        (
            "en",
            "Adjusted comparisons",
            "Table 13. Propensity-weighted comparison: CRS onset to first tocilizumab (days)",
        ),
        ("fr", "Comparaisons ajustées", "Tableau 13. Comparaison pondérée par le score de propension"),
    ):
        document = docx.Document(str(reports[lang].docx))
        assert heading in [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
        assert any(p.text.startswith(caption) for p in document.paragraphs)


def test_json_keeps_every_models_numbers_and_notes(reports, result):
    records = json.loads(reports["en"].json.read_text(encoding="utf-8"))["adjusted"]
    multivariable = records["regressions"][0]["multivariable"]
    assert multivariable["ci"] == "wald" and multivariable["estimable"] is True
    assert {"id": "constant_covariate", "term": "therapy_class"} in multivariable["notes"]
    row = next(r for r in multivariable["estimates"] if r["level"] == "standard_of_care")
    assert (
        row["estimate"]
        == result.adjusted.regressions[0].multivariable.estimate("cohort", "standard_of_care").estimate
    )
    weighted = records["weighted"][0]
    assert weighted["estimand"] == "ate" and [g["n"] for g in weighted["groups"]] == [20, 200]
    assert weighted["propensity"]["notes"][-1]["id"] == "few_events_per_variable"


def test_a_model_that_cannot_be_estimated_shows_no_number(result):
    frame = result.frame.assign(crs_any=result.frame["cohort"].eq("standard_of_care"))  # separation by cohort
    adjusted = run_adjusted(result.spec.adjusted, frame, "cohort", result.spec.order)
    assert not adjusted.regressions[0].multivariable.estimable
    shown = adjusted_tables(
        result.__class__(**{**result.__dict__, "adjusted": adjusted}), Formatter("en"), 8
    )[0]
    cohort = next(line for line in shown.lines if line.cells[0].text == "Cohort")
    assert [cell.text for cell in cohort.cells[1:]] == ["-", "", "", "-", "", ""]
    age = next(line for line in shown.lines if line.cells[0].text == "Age")
    univariable = adjusted.regressions[0].univariable[1].estimate("age").estimate  # estimable alone
    assert age.cells[1].text == f"{univariable:.2f}" and [cell.text for cell in age.cells[4:]] == [
        "-",
        "",
        "",
    ]
    assert any("Not estimable: every infusion with Cohort = " in note for note in shown.footnotes)


@pytest.mark.parametrize(
    ("section", "key"),
    [
        ('[adjusted]\nlogistic = ["age"]\n', "[adjusted] logistic"),
        ('[adjusted]\ncovariates = ["agee"]\n', "[adjusted] covariates"),
        ('[adjusted]\nestimand = "atc"\n', "[adjusted] estimand"),
        ('[adjusted]\nunits = "patient"\n', "[adjusted] units"),
        ('[adjusted]\ncovariates = ["infusion_date"]\n', "[adjusted] covariates"),
        ('[adjusted]\nweighted = ["sex"]\n', "[adjusted] weighted"),
        ('[adjusted]\nci = "bootstrap"\n', "[adjusted] ci"),
    ],
)
def test_a_wrong_adjusted_section_is_a_spec_error_naming_the_key(tmp_path, section, key):
    path = tmp_path / "study.toml"
    path.write_text('[cohorts]\nby = "cohort"\n' + section, encoding="utf-8")
    with pytest.raises(SpecError) as error:
        load_study(path)
    assert error.value.key == key


def test_grade_2_plus_outcomes_and_counting_per_patient(result):
    spec = replace(
        result.spec.adjusted, logistic=("crs_grade_2_plus", "icans_any"), weighted=(), unit="patient"
    )
    frame = pd.concat([result.frame, result.frame.head(30)])  # 30 patients with a second infusion
    adjusted = run_adjusted(spec, frame, "cohort", result.spec.order)
    crs = adjusted.regressions[0].multivariable
    rows = result.frame.assign(crs_grade_2_plus=(result.frame["crs_grade"] >= 2).astype("boolean"))
    direct = fit_model(
        with_derived(rows),
        "crs_grade_2_plus",
        ["cohort", *spec.covariates],
        references={"cohort": "clinical_trial"},
    )
    assert crs.n == direct.n == 401 - int(rows["crs_grade"].isna().sum())  # each patient once
    assert crs.estimate("cohort", "standard_of_care").coef == pytest.approx(
        direct.estimate("cohort", "standard_of_care").coef, abs=1e-12
    )
    per_infusion = run_adjusted(replace(spec, unit="infusion"), frame, "cohort", result.spec.order)
    notes = per_infusion.regressions[0].multivariable.notes  # one infusion has no CRS grade
    assert {"column": "patient_id", "clusters": 400, "rows": 430} in [
        n.values for n in notes if n.id == N.CLUSTERS
    ]
    icans = per_infusion.regressions[1].multivariable  # no ICANS after the myeloma infusions of the seed
    assert not icans.estimable and icans.notes[-1].values == {"term": "indication_group", "level": "myeloma"}
    table = adjusted_tables(
        result.__class__(**{**result.__dict__, "adjusted": adjusted}), Formatter("fr"), 8
    )[0]
    assert table.title.startswith("Odds ratio ajusté du CRS de grade ≥ 2")


def test_a_study_may_ask_for_profile_likelihood_intervals(result):
    adjusted = run_adjusted(
        replace(result.spec.adjusted, ci="profile"), result.frame, "cohort", result.spec.order
    )
    model = adjusted.regressions[0].multivariable
    odds = model.estimate("cohort", "standard_of_care")
    wald = result.adjusted.regressions[0].multivariable.estimate("cohort", "standard_of_care")
    assert model.ci == "profile" and odds.estimate == wald.estimate and odds.high > wald.high
    shown = adjusted_tables(
        result.__class__(**{**result.__dict__, "adjusted": adjusted}), Formatter("en"), 8
    )[0]
    assert "CI: confidence interval (profile likelihood, as R confint)" in shown.footnotes[0]


def test_a_reference_outside_the_cohorts_or_three_weighted_cohorts_is_a_spec_error(result):
    with pytest.raises(SpecError) as error:
        run_adjusted(
            replace(result.spec.adjusted, reference="trial"), result.frame, "cohort", result.spec.order
        )
    assert error.value.key == "[adjusted] reference" and "clinical_trial" in str(error.value)
    with pytest.raises(SpecError) as error:
        three = ("dlbcl_2l", "dlbcl_3l_plus", "b_all")
        run_adjusted(replace(result.spec.adjusted, reference=None), result.frame, "indication", three)
    assert error.value.key == "[adjusted] weighted"


def test_a_poisson_table_is_laid_out_with_rate_ratios(result):
    tox = with_derived(result.frame[result.frame["tocilizumab"].fillna(False)])
    table = regression_table(
        tox, "tocilizumab_injections", ["cohort", "age"], "poisson", {"cohort": "clinical_trial"}
    )
    adjusted = replace(result.adjusted, regressions=(table,), weighted=())
    shown = regression_table_layout(table, result, Formatter("fr"), 8, adjusted)
    assert [c.label for c in shown.columns[1:5]] == ["IRR univarié", "IC 95 %", "p", "IRR multivarié"]
    assert shown.footnotes[0].startswith("IRR : rapport des taux d'incidence ; IC : intervalle de confiance")
    assert (
        "Régression de Poisson (comme R glm, poisson)" in shown.footnotes[0]
        and "dont" not in shown.footnotes[0]
    )
    assert shown.title.startswith("Rapport des taux d'incidence ajusté de Injections de tocilizumab")
