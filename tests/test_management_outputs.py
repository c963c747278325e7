"""audit.html, audit.xlsx, audit.json, the two figures, French words, and `iectox audit`."""

from __future__ import annotations

import ast
import html
import json
from pathlib import Path

import pytest
from matplotlib.figure import Figure
from openpyxl import load_workbook
from typer.testing import CliRunner

from iectox.cli.commands import app
from iectox.i18n import catalog
from iectox.io import write_dataset
from iectox.management.audit import audit
from iectox.management.pathway import default_pathway
from iectox.render.audit import write_audit
from iectox.render.audit_figures import delay_by_cohort, kpi_trend
from management_factories import dataset, dose, episode, infusion

MANAGEMENT = Path(__file__).resolve().parents[1] / "src" / "iectox" / "management"
LABELS = {"standard_of_care": "Real-life population", "clinical_trial": "Clinical trials population"}


@pytest.fixture(scope="module")
def registry():
    cases = [
        ("S1", "standard_of_care", "2023-02-01", 10, 2),
        ("S2", "standard_of_care", "2023-05-01", 30, 1),
        ("T1", "clinical_trial", "2023-01-15", 40, 1),
        ("T2", "clinical_trial", "2023-06-30", 60, 2),
    ]
    infusions = [infusion(i, setting=s, day=d) for i, s, d, *_ in cases]
    episodes = [episode(f"EP-{i}", "CRS", 0, 120, g, infusion_id=i) for i, _, _, _, g in cases]
    episodes.append(episode("EP-X", "ICANS", 1, 50, 2, infusion_id="T2"))
    doses = [dose(f"A-{i}", "tocilizumab", h, 560, infusion_id=i) for i, _, _, h, _ in cases]
    doses.append(dose("A-X", "tocilizumab", 68, 900, infusion_id="T2"))  # 8 h later, above the cap
    doses.append(dose("D-X", "dexamethasone", 3, 10, "ICANS", infusion_id="T2"))
    return dataset(episodes, doses, infusions)


@pytest.fixture(scope="module")
def english(registry, tmp_path_factory):
    out = tmp_path_factory.mktemp("audit_en")
    return audit(registry), write_audit(audit(registry), out, "en", LABELS)


def test_write_audit_writes_html_xlsx_json_and_figures(english):
    _, files = english
    names = {p.name for p in files}
    assert {"audit.html", "audit.xlsx", "audit.json"} <= names
    assert {"delay_by_cohort.png", "delay_by_cohort.svg", "kpi_trend.png", "kpi_trend.svg"} <= names
    assert all(p.exists() for p in files)


def test_html_is_self_contained_with_kpis_figures_findings_and_pathway(english):
    _, files = english
    page = files.html.read_text(encoding="utf-8")
    assert "<script" not in page and "<link" not in page and 'src="http' not in page
    assert page.count("<svg") == 2
    for text in ("KPIs by cohort", "Real-life population", "Findings", "above the label maximum", "ASCO"):
        assert text in page
    assert 'class="sev deviation"' in page


def test_workbook_has_findings_kpis_and_timings(english):
    result, files = english
    book = load_workbook(files.xlsx)
    assert book.sheetnames[:4] == ["findings", "kpis_by_cohort", "kpis_by_quarter", "timings"]
    findings = book["findings"]
    assert findings.max_row == len(result.findings) + 1
    assert findings["A2"].value == "deviation"
    header = [c.value for c in book["timings"][1]]
    assert "hours_crs_onset_to_tocilizumab" in header


def test_workbook_counts_shares_and_delays_are_formatted_numbers(english):
    result, files = english
    sheet = load_workbook(files.xlsx)["kpis_by_cohort"]
    header = [c.value for c in sheet[1]]
    assert header[:2] == ["rule", "rule_label"]
    row = {name: cell for name, cell in zip(header, sheet[2], strict=True)}
    expected = result.kpis_by_cohort.iloc[0]
    assert row["rule_label"].value == result.label(expected["rule"])
    assert (row["n"].value, row["n"].number_format) == (expected["n"], "0")
    assert row["share_met"].value == pytest.approx(expected["share_met"])
    assert row["share_met"].number_format == "0.0%"
    assert row["median_delay_h"].value == pytest.approx(expected["median_delay_h"])
    assert row["median_delay_h"].number_format == "0.0"
    assert (row["target_h"].value, row["target_h"].number_format) == (24, "General")
    timings = load_workbook(files.xlsx)["timings"]
    formats = {c.value: timings.cell(2, c.column).number_format for c in timings[1]}
    assert formats["hours_crs_onset_to_tocilizumab"] == "0.0"
    assert formats["calendar_days_crs_onset_to_tocilizumab"] == "0"
    pathway = load_workbook(files.xlsx)["pathway"]
    values = {r[0].value: r[1].value for r in pathway.iter_rows(min_row=2)}
    assert values["crs.tocilizumab_within_h"] == 2
    assert values["crs.high_risk_products"] == "axicabtagene_ciloleucel, brexucabtagene_autoleucel"


def test_json_keeps_findings_kpis_and_the_pathway_used(english):
    result, files = english
    data = json.loads(files.json.read_text(encoding="utf-8"))
    assert data["format"] == "iectox-audit/1"
    assert len(data["findings"]) == len(result.findings)
    assert {s["key"] for s in data["pathway"]["settings"]} == {s.key for s in default_pathway()}
    assert all(s["source"] for s in data["pathway"]["settings"])
    assert all({"value", "unit", "origin"} <= set(s) for s in data["pathway"]["settings"])
    assert data["counts"]["deviation"] >= 1
    assert [r["id"] for r in data["rules"]] == list(result.rules)
    kpis = [r["id"] for r in data["rules"] if r["kpi"]]
    assert list(data["kpi_labels"]) == kpis and kpis[0] == "crs.onset_to_tocilizumab"
    assert data["kpi_labels"]["crs.tocilizumab"] == "CRS grade >= 2: tocilizumab within 2 h"
    cap = next(r for r in data["rules"] if r["id"] == "tocilizumab.max_dose")
    assert cap["source"].startswith("Tocilizumab labels")
    headline = [k for k in data["kpis_by_cohort"] if k["rule"] == "crs.onset_to_tocilizumab"]
    assert {k["cohort"]: k["median_delay_h"] for k in headline} == {
        "clinical_trial": 50.0,
        "standard_of_care": 20.0,
    }


def test_figures_take_an_audit_or_its_tables(english):
    result, _ = english
    for figure in (
        delay_by_cohort(result, LABELS, "fr"),
        delay_by_cohort(result.timings, LABELS, "en"),
        kpi_trend(result, LABELS, "fr"),
        kpi_trend(result.kpis_by_quarter, None, "en"),
    ):
        assert isinstance(figure, Figure)
    texts = [t.get_text() for t in delay_by_cohort(result, LABELS, "en").axes[0].get_xticklabels()]
    assert texts == ["Real-life population\n(n = 2)", "Clinical trials population\n(n = 2)"]


def test_french_audit(registry, tmp_path):
    files = write_audit(audit(registry), tmp_path, "fr", LABELS)
    page = html.unescape(files.html.read_text(encoding="utf-8"))
    assert "Audit du protocole de prise en charge" in page and "Constats" in page
    assert "au-dessus du maximum de l'AMM" in page


def _sentences() -> set[str]:
    """Every English sentence the audit can print: messages marked `N_` (rules, findings) and words `tr` is given."""
    found = set()
    for path in MANAGEMENT.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "text":
                values = [node.value]
            elif isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("tr", "N_"):
                values = node.args[:1]
            else:
                continue
            found |= {v.value for v in values if isinstance(v, ast.Constant) and isinstance(v.value, str)}
    return found


def test_every_sentence_has_a_french_translation():
    sentences = _sentences()
    assert len(sentences) >= 38  # the finding templates and KPI labels are found, not skipped
    missing = sorted(s for s in sentences if s not in catalog("fr"))
    assert missing == []


def test_cli_audit_writes_the_three_files(registry, tmp_path):
    folder = write_dataset(registry, tmp_path / "data")
    out = tmp_path / "audit"
    run = CliRunner().invoke(
        app, ["audit", str(folder), "--out", str(out), "--lang", "fr"], terminal_width=200
    )
    assert run.exit_code == 0, run.output
    for name in ("audit.html", "audit.xlsx", "audit.json"):
        assert (out / name).exists() and name in run.output
    assert "protocole par défaut d'iectox" in run.output and "écart(s)" in run.output  # French, as asked


def test_cli_audit_with_a_pathway_file(registry, tmp_path):
    folder = write_dataset(registry, tmp_path / "data")
    pathway = tmp_path / "ours.toml"
    pathway.write_text('[kpis]\ncrs_onset_to_tocilizumab_target_h = { value = 48, source = "ours" }\n')
    out = tmp_path / "audit"
    run = CliRunner().invoke(app, ["audit", str(folder), "--pathway", str(pathway), "--out", str(out)])
    assert run.exit_code == 0, run.output
    data = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    target = next(
        s for s in data["pathway"]["settings"] if s["key"] == "kpis.crs_onset_to_tocilizumab_target_h"
    )
    assert (target["value"], target["source"]) == (48, "ours")


def test_cli_audit_refuses_an_invalid_dataset_or_pathway(registry, tmp_path):
    folder = write_dataset(registry, tmp_path / "data")
    patients = folder / "patients.csv"
    patients.write_text(patients.read_text(encoding="utf-8").replace(",female,", ",mle,"), encoding="utf-8")
    out = tmp_path / "audit"
    run = CliRunner().invoke(app, ["audit", str(folder), "--out", str(out)], terminal_width=200)
    assert run.exit_code == 1 and "patients.csv" in run.output and "sex" in run.output
    assert not (out / "audit.html").exists()
    bad = tmp_path / "bad.toml"
    bad.write_text("[crs]\nwithin = 2\n")
    run = CliRunner().invoke(app, ["audit", str(folder), "--pathway", str(bad), "--out", str(out)])
    assert run.exit_code == 2
    assert not out.exists()  # nothing written, not even the folder
    assert (
        "bad.toml" in run.output
        and "'within' is unknown" in run.output
        and "tocilizumab_within_h" in run.output
    )
