"""The "published vs reproduced" panel is in every output of a study that names published values, and in none
of a study that names none: the study result then carries no checks, and no output shows an empty panel."""

from __future__ import annotations

import json
import zipfile

import openpyxl
import pytest

from iectox.render import write_report
from iectox.study import load_study, run_study

STUDY = """
[study]
title = "Without a published reference"

[cohorts]
by = "cohort"

[[tables]]
id = "demographics"
title = "Demographics"
variables = [{ name = "sex" }, { name = "age" }]
"""


@pytest.fixture(scope="module")
def plain(tmp_path_factory, french_seed):
    folder = tmp_path_factory.mktemp("plain")
    (folder / "study.toml").write_text(STUDY, encoding="utf-8")
    result = run_study(french_seed.dataset, load_study(folder / "study.toml"))
    return result, write_report(result, folder / "report", "en")


def _outputs(files) -> dict[str, object]:
    docx = zipfile.ZipFile(files.outputs["docx"]).read("word/document.xml").decode("utf-8")
    return {
        "html": files.outputs["html"].read_text(encoding="utf-8"),
        "docx": docx,
        "xlsx": openpyxl.load_workbook(files.outputs["xlsx"]).sheetnames,
        "json": json.loads(files.outputs["json"].read_text(encoding="utf-8")),
    }


def test_a_study_naming_no_reference_has_no_checks_and_no_panel(plain):
    result, files = plain
    assert result.reference is None and result.checks == ()
    shown = _outputs(files)
    assert '<section id="checks">' not in shown["html"] and "Published vs reproduced" not in shown["html"]
    assert "Published vs reproduced" not in shown["docx"]
    # every study: CRS and ICANS incidence, overall survival
    assert shown["xlsx"] == ["demographics", "time_to_event", "overall_survival", "analysis"]
    assert "checks" not in shown["json"]


def test_the_seed_study_naming_its_published_tables_shows_the_panel_everywhere(french_seed):
    shown = _outputs(french_seed.report)
    assert '<section id="checks"><h2>Publié vs reproduit</h2>' in shown["html"]
    assert "Publié vs reproduit" in shown["docx"]
    assert "published_vs_reproduced" in shown["xlsx"]
    assert len(shown["json"]["checks"]["items"]) > 50
