"""The study report's management section, on the calibrated seed cohort: built on the audit, in every format."""

from __future__ import annotations

import json
import math
from pathlib import Path

import docx
import openpyxl
import pytest

from factories import seed_cohort, seed_result
from iectox.errors import SpecError
from iectox.management.audit import audit
from iectox.management.crs_rules import CRS_ONSET_TO_TOCILIZUMAB
from iectox.management.pathway import default_pathway
from iectox.render import write_report
from iectox.study import load_study, run_study

HEADLINE = CRS_ONSET_TO_TOCILIZUMAB.id

SPEC = Path(__file__).resolve().parents[1] / "src" / "iectox" / "data" / "seed" / "study.toml"


@pytest.fixture(scope="module")
def dataset():
    return seed_cohort()


@pytest.fixture(scope="module")
def result():
    return seed_result()


@pytest.fixture(scope="module")
def files(english_seed):
    return english_seed


def _section(page: str) -> str:
    return page[page.index('<section id="management">') : page.index('<section id="methods">')]


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        a, b = float("nan") if a is None else a, float("nan") if b is None else b
        return (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b)
    return a == b


def test_the_seed_spec_asks_for_the_default_pathway(result):
    assert result.spec.management == "iectox:default"
    assert result.management is not None and result.management.pathway.name == default_pathway().name


def test_html_has_the_section_with_the_headline_the_table_and_both_figures(files):
    page = files.html.read_text(encoding="utf-8")
    section = _section(page)
    assert "Management of CRS and ICANS" in section and 'href="#management"' in page
    assert "Hours from CRS onset to the first tocilizumab, median [IQR]" in section
    assert "Real-life population" in section and "Clinical trials population" in section
    assert "Pathway: iectox default pathway (shipped with iectox)." in section
    assert "CRS onset to first tocilizumab (target 24 h)" in section
    assert (
        'id="figure-management_delay_by_cohort"' in section and 'id="figure-management_kpi_trend"' in section
    )
    assert section.count("<svg") == 2
    for name in ("management_delay_by_cohort", "management_kpi_trend"):
        assert (files.folder / "figures" / f"{name}.png").exists()
        assert (files.folder / "figures" / f"{name}.svg").exists()


def test_json_kpis_are_those_of_the_audit(files, dataset):
    report = json.loads(files.json.read_text(encoding="utf-8"))
    management = report["management"]
    direct = audit(dataset, default_pathway())
    expected = direct.kpis_by_cohort[direct.kpis_by_cohort["rule"] == HEADLINE]
    shown = [k for k in management["kpis_by_cohort"] if k["rule"] == HEADLINE]
    assert (
        sorted(k["cohort"] for k in shown)
        == sorted(expected["cohort"])
        == ["clinical_trial", "standard_of_care"]
    )
    for row in expected.to_dict("records"):
        mine = next(k for k in shown if k["cohort"] == row["cohort"])
        for column in ("n", "met", "n_delay", "share_met", "median_delay_h", "q1_delay_h", "q3_delay_h"):
            assert _same(mine[column], row[column]), (row["cohort"], column)
    assert len(management["kpis_by_quarter"]) == len(direct.kpis_by_quarter)
    assert management["counts"] == direct.counts()
    assert management["pathway"]["source"] == "iectox:default"
    assert management["pathway"]["name"] == direct.pathway.name


def test_workbook_and_word_document_carry_the_kpis(files, result):
    book = openpyxl.load_workbook(files.xlsx, read_only=True)
    assert "management" in book.sheetnames
    cells = [v for row in book["management"].iter_rows(values_only=True) for v in row if v is not None]
    assert "KPIs by cohort" in cells and "KPIs by cohort and quarter of infusion" in cells
    assert cells.count(HEADLINE) == 2 + len(result.management.kpis_by_quarter.query("rule == @HEADLINE"))
    document = docx.Document(str(files.docx))
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    shown = (
        len(result.tables) + 3 + 3
    )  # adverse events, time to event, overall survival, the 3 adjusted tables
    assert f"Table {shown + 1}. Management pathway KPIs by cohort" in captions
    assert any("Time from CRS onset to first tocilizumab by cohort" in c for c in captions)


def test_french_section(french_seed):
    page = french_seed.report.html.read_text(encoding="utf-8")
    section = _section(page)
    assert "Prise en charge du CRS et de l'ICANS" in section.replace("&#x27;", "'")
    assert "médiane [EIQ]" in section and "Population en vie réelle" in section
    assert "Protocole\u00a0: protocole par défaut d'iectox (fourni avec iectox)" in section.replace(
        "&#x27;", "'"
    )


def test_no_management_section_without_it_in_the_spec(dataset, tmp_path):
    text = SPEC.read_text(encoding="utf-8")
    start = text.index("[management]")
    spec_path = tmp_path / "study.toml"
    spec_path.write_text(text[:start] + text[text.index("[tests]") :], encoding="utf-8")
    plain = run_study(dataset, load_study(spec_path))
    assert plain.management is None
    files = write_report(plain, tmp_path / "report", "en")
    page = files.html.read_text(encoding="utf-8")
    assert 'id="management"' not in page and "Management of CRS and ICANS" not in page
    assert json.loads(files.json.read_text(encoding="utf-8"))["management"] is None
    assert "management" not in openpyxl.load_workbook(files.xlsx, read_only=True).sheetnames
    assert not any("management" in p.name for p in files.figures)


def test_a_pathway_file_beside_the_spec_is_named_with_its_path(dataset, tmp_path):
    (tmp_path / "ours.toml").write_text('[pathway]\nname = "CHU pathway"\n[crs]\ntocilizumab_within_h = 1\n')
    text = SPEC.read_text(encoding="utf-8").replace('pathway = "iectox:default"', 'pathway = "ours.toml"')
    (tmp_path / "study.toml").write_text(text, encoding="utf-8")
    spec = load_study(tmp_path / "study.toml")
    assert spec.management == str(tmp_path / "ours.toml")
    result = run_study(dataset, spec)
    assert result.management.pathway.crs.tocilizumab_within_h.value == 1
    page = write_report(result, tmp_path / "report", "en").html.read_text(encoding="utf-8")
    assert "Pathway: CHU pathway (ours.toml)." in page


@pytest.mark.parametrize(
    "section", ['[management]\npathway = "iectox:other"\n', '[management]\npathway = "x.toml"\nextra = 1\n']
)
def test_a_malformed_management_section_is_refused(tmp_path, section):
    path = tmp_path / "study.toml"
    path.write_text('[study]\ntitle = "t"\n' + section, encoding="utf-8")
    with pytest.raises(SpecError, match=r"\[management\]"):
        load_study(path)
