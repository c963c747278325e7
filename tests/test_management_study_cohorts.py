"""The report's management section groups by the study's own cohorts, whatever they are (issue 8).

It used to group by the pathway's `kpis.cohort_by` (setting: trials vs routine care) even in a study that
compares products. Here the study compares axi-cel, tisa-cel and liso-cel: the KPIs, their table, the
headline and both figures are by product, in the study's order, with its labels and colours; an infusion
of another product is in no cohort, as in the tables.
"""

from __future__ import annotations

import pandas as pd
import pytest

from factories import seed_cohort
from iectox.management.audit import audit
from iectox.management.crs_rules import CRS_ONSET_TO_TOCILIZUMAB
from iectox.management.pathway import default_pathway
from iectox.render.audit import audit_figures
from iectox.render.document import cohorts_of
from iectox.render.management import build_management, cohort_labels, management_records
from iectox.study import load_study, run_study

PRODUCTS = ("axicabtagene_ciloleucel", "tisagenlecleucel", "lisocabtagene_maraleucel")
LABELS = ("Axi-cel", "Tisa-cel", "Liso-cel")
SPEC = """
[study]
title = "Products"

[cohorts]
by = "therapy"
order = ["axicabtagene_ciloleucel", "tisagenlecleucel", "lisocabtagene_maraleucel"]
labels = { axicabtagene_ciloleucel = "Axi-cel", tisagenlecleucel = "Tisa-cel", lisocabtagene_maraleucel = "Liso-cel" }

[management]
pathway = "iectox:default"

[[tables]]
id = "crs"
variables = [{ name = "crs_grade" }]
"""


@pytest.fixture(scope="module")
def dataset():
    return seed_cohort()


@pytest.fixture(scope="module")
def result(dataset, tmp_path_factory):
    path = tmp_path_factory.mktemp("products") / "study.toml"
    path.write_text(SPEC, encoding="utf-8")
    return run_study(dataset, load_study(path))


def test_the_kpis_are_those_of_the_studys_cohorts(result, dataset):
    ours = result.management.kpis_by_cohort
    assert set(ours["cohort"]) == set(PRODUCTS)
    by_product = audit(dataset, default_pathway().replace(kpis__cohort_by="therapy")).kpis_by_cohort
    same = by_product[by_product["cohort"].isin(PRODUCTS)].reset_index(drop=True)
    pd.testing.assert_frame_equal(ours.reset_index(drop=True), same)


def test_an_infusion_of_another_product_is_in_no_cohort(result):
    timings = result.management.timings.set_index("infusion_id")
    therapy = result.frame.set_index("infusion_id")["therapy"]
    others = therapy[~therapy.isin(PRODUCTS)].index
    assert len(others) and timings.loc[others, "cohort"].isna().all()
    assert (timings["cohort"].dropna() == therapy[timings["cohort"].notna()]).all()


def test_the_section_names_the_products_in_the_studys_order(result):
    assert cohort_labels(result) == dict(zip(PRODUCTS, LABELS, strict=True))
    section = build_management(result, "en", number=2)
    kpis = result.management.kpis_by_cohort
    expected = [  # under each rule, its cohorts in the study's order
        label
        for _, rows in kpis.groupby("rule", sort=False)
        for product, label in zip(PRODUCTS, LABELS, strict=True)
        if product in set(rows["cohort"])
    ]
    cohort_lines = [line.cells[0].text for line in section.table.lines if line.level]
    assert cohort_lines == expected and cohort_lines[:3] == list(LABELS)
    assert (
        section.headline.index("Axi-cel")
        < section.headline.index("Tisa-cel")
        < section.headline.index("Liso-cel")
    )
    assert "trial" not in section.headline.lower() and "real-life" not in section.headline.lower()
    records = management_records(result, section, "en")
    assert records["cohorts"] == {"by": "therapy", "order": list(PRODUCTS)}


def test_both_figures_are_by_product_with_the_reports_colours(result):
    colours = cohorts_of(result)
    treated = result.frame[result.frame["tocilizumab"].fillna(False).astype(bool)]
    timed = treated.dropna(subset=["hours_crs_onset_to_tocilizumab"])
    figures = {name: fig for name, _, fig in audit_figures(result.management, cohort_labels(result), "en")}
    delay = figures["delay_by_cohort"].axes[0]
    expected = [
        f"{label}\n(n = {(timed['therapy'] == p).sum()})" for p, label in zip(PRODUCTS, LABELS, strict=True)
    ]
    assert [t.get_text() for t in delay.get_xticklabels()] == expected
    boxes = [p.get_edgecolor() for p in delay.patches]
    assert [tuple(round(c, 3) for c in b[:3]) for b in boxes] == [_rgb(colours.colour(p)) for p in PRODUCTS]
    trend = figures["kpi_trend"].axes[0]
    lines = trend.get_lines()
    assert [line.get_label().split(" (n = ")[0] for line in lines] == list(LABELS)
    assert [line.get_color() for line in lines] == [colours.colour(p) for p in PRODUCTS]
    quarterly = result.management.kpis_by_quarter
    headline = quarterly[quarterly["rule"] == CRS_ONSET_TO_TOCILIZUMAB.id]
    for product, label, line in zip(PRODUCTS, LABELS, lines, strict=True):
        n = int(headline.loc[headline["cohort"] == product, "n"].sum())
        assert line.get_label() == f"{label} (n = {n})"


def _rgb(colour: str) -> tuple[float, ...]:
    return tuple(round(int(colour[i : i + 2], 16) / 255, 3) for i in (1, 3, 5))


def test_without_an_order_every_value_of_the_column_is_a_cohort(dataset, tmp_path):
    path = tmp_path / "study.toml"
    # ages, not grades: the seven products' grade table is one Fisher's exact test gives up on (as R's
    # fisher.test(workspace = 2e8) does, FEXACT error 7) after 15 s, which says nothing of the cohorts
    unordered = SPEC.replace("order = [", "# order = [").replace("labels = {", "# labels = {")
    path.write_text(unordered.replace('{ name = "crs_grade" }', '{ name = "age" }'), "utf-8")
    result = run_study(dataset, load_study(path))
    present = sorted(result.frame["therapy"].dropna().unique())
    assert list(cohort_labels(result)) == present
    assert cohort_labels(result)["axicabtagene_ciloleucel"] == "Axicabtagene ciloleucel (Yescarta)"
    assert set(result.management.kpis_by_cohort["cohort"]) <= set(present)
