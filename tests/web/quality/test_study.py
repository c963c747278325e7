"""The study page: its numbers are `run_study`'s on the same patients (those of the user's centres), a bad study
file shows the library's SpecError at the field and runs nothing, the downloads are the report's files, and a
study is run once per registry state however many times its page, figures and downloads are opened."""

from __future__ import annotations

import html
import io
import re
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from django.urls import reverse

from iectox.errors import SpecError
from iectox.render import Formatter
from iectox.study import load_study
from iectox.study.run import run_study
from iectox.study.spec import seed_study
from iectox.web.quality import runs
from iectox.web.quality.runs import RUNS
from iectox.web.registry.models import Patient

from ..web_helpers import OTHER_CENTRE, client_of
from .quality_helpers import CENTRES, of_centre

STUDY = reverse("quality:study")
SEED_PAGE = reverse("quality:study-result", kwargs={"spec": "seed"})
OWN_STUDY = """
[study]
title = "Age and sex by setting"
reference = "iectox:seed"

[cohorts]
by = "cohort"
order = ["standard_of_care", "clinical_trial"]

[tests]
p_digits = 3

[[tables]]
id = "people"
title = "People"
variables = [
  { name = "sex", label = "Sex" }, { name = "age", label = "Age (years)" }, { name = "weight_kg", label = "Weight" },
]
"""


def _sizes(page: str) -> list[int]:
    """The N of each column of the page's first table (cohorts, then overall)."""
    head = page[page.index('<table class="result">') :]
    head = head[: head.index("</thead>")]
    return [int(n) for n in re.findall(r"<small>N = (\d+)</small>", head)]


def _p_shown(page: str, label: str) -> str:
    """The p-value cell of a variable's line, as shown (its footnote mark kept)."""
    found = re.search(
        rf'<tr class="var"><td class="label">{re.escape(label)}</td>.*?<td class="p">([^<]*)</td>', page
    )
    assert found, label
    return html.unescape(found.group(1))


def _count_shown(page: str, level: str) -> str:
    """The first cohort's count on a level's line."""
    found = re.search(
        rf'<tr class="level"><td class="label">{re.escape(level)}</td><td class="n group">([^<]*)<', page
    )
    assert found, level
    return found.group(1)


def _run_seed(client) -> str:
    response = client.post(STUDY, {"study": "seed"})
    assert response.status_code == 302 and response["Location"] == SEED_PAGE
    page = client.get(SEED_PAGE)
    assert page.status_code == 200
    return page.content.decode()


def test_the_seed_studys_page_shows_run_studys_numbers_on_the_users_patients(cohort):
    page = _run_seed(client_of("analyst"))
    expected = run_study(of_centre(cohort, "CHU-A"), seed_study())
    demographics = dict((t.id, c) for t, c in expected.tables)["demographics"]
    sizes = [int(n) for n in demographics.groups.sizes]
    assert _sizes(page) == [*sizes, sum(sizes)]
    assert sum(sizes) == len(of_centre(cohort, "CHU-A")["infusions"]) == 80
    fmt = Formatter("en", expected.spec.digits, expected.spec.p_digits)
    for name, label in (("age", "Age (years)"), ("weight_kg", "Weight (kg)")):
        p = demographics.result(name).p_value
        assert p is not None and 0 < p < 1
        assert _p_shown(page, label) == fmt.p_value(p) + "²"  # Welch's t, the table's second footnote
    male = next(r for r in demographics.result("sex").rows if r.level == "male")
    assert _count_shown(page, "Male") == f"{male.cells[0].values[0]:.0f}"
    assert "Management of CRS and ICANS" in page and "Published vs reproduced" in page


TABLE = re.compile(
    r'<figure class="table" id="table-([^"]+)"><figcaption>(.*?)</figcaption>(.*?)</figure>', re.S
)


def _tables(page: str) -> list[tuple[str, str, list[str]]]:
    """Each table of a page: its id, its caption and the text of its cells, in the page's order."""
    return [
        (
            table_id,
            html.unescape(caption),
            [
                html.unescape(re.sub(r"<[^>]+>", "", cell))
                for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", body)
            ],
        )
        for table_id, caption, body in TABLE.findall(page)
    ]


def test_a_user_of_chu_b_sees_only_chu_b_patients_in_the_study_n(cohort):
    page = _run_seed(client_of("analyst", centres=(OTHER_CENTRE,)))
    own = run_study(of_centre(cohort, OTHER_CENTRE), seed_study()).tables[0][1].groups.sizes
    other = run_study(of_centre(cohort, "CHU-A"), seed_study()).tables[0][1].groups.sizes
    assert list(own) != list(other)
    assert _sizes(page) == [*map(int, own), int(own.sum())]
    both = _run_seed(client_of("analyst", centres=CENTRES))
    assert _sizes(both)[-1] == len(cohort["infusions"]) == 160


def _refused_upload(tmp_path: Path, name: str, data: bytes) -> str:
    """The library's own message for this file, as the page should show it (named as the user named it)."""
    (tmp_path / name).write_bytes(data)
    with pytest.raises(SpecError) as refused:
        load_study(tmp_path / name, alone=True)
    return str(refused.value).replace(f"{tmp_path}/", "")


BAD_FILES = {
    "unknown_key.toml": b'[study]\ntitle = "x"\n[cohorts]\nby = "cohortt"\n',
    "syntax.toml": b"[study\ntitle = 1\n",
    "names_a_file.toml": b'[study]\nreference = "/etc/passwd"\n',
    "latin1.toml": '[study]\ntitle = "Étude"\n'.encode("latin-1"),
    "empty.toml": b"# nothing\n",
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_a_bad_study_file_shows_the_spec_error_at_the_field_and_runs_nothing(
    cohort, tmp_path, monkeypatch, name
):
    monkeypatch.setattr(runs, "run_study", lambda *a, **k: pytest.fail("a refused study file was run"))
    upload = io.BytesIO(BAD_FILES[name])
    upload.name = name
    response = client_of("analyst").post(STUDY, {"study": "file", "file": upload})
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    message = _refused_upload(tmp_path, name, BAD_FILES[name])
    assert message.startswith(f"{name}: ")
    field = re.search(
        r'<div class="field invalid">.*?<span class="error" role="alert">(.*?)</span>', page, re.S
    )
    assert field and field.group(1) == message
    assert len(RUNS) == 0


def test_no_file_or_no_choice_is_said_at_the_field(cohort):
    client = client_of("analyst")
    page = client.post(STUDY, {"study": "file"}).content.decode()
    assert "Choose a study file (TOML) to upload." in page
    page = client.post(STUDY, {}).content.decode()
    assert "Choose the seed study or a study file." in page
    assert len(RUNS) == 0


def test_an_uploaded_study_runs_under_its_checksum_and_stays_in_its_session(cohort, tmp_path):
    client = client_of("analyst")
    upload = io.BytesIO(OWN_STUDY.encode())
    upload.name = "../my study.toml"
    response = client.post(STUDY, {"study": "file", "file": upload})
    assert response.status_code == 302
    key = re.fullmatch(r"/quality/study/([0-9a-f]{20})/", response["Location"]).group(1)
    page = client.get(response["Location"]).content.decode()
    (tmp_path / "my_study.toml").write_text(OWN_STUDY, encoding="utf-8")
    expected = run_study(of_centre(cohort, "CHU-A"), load_study(tmp_path / "my_study.toml"))
    people = expected.tables[0][1]
    assert "<h1>Age and sex by setting</h1>" in page
    assert _sizes(page) == [*map(int, people.groups.sizes), int(people.groups.sizes.sum())]
    assert _p_shown(page, "Age (years)") == Formatter("en", 1, 3).p_value(people.result("age").p_value) + "²"
    assert "Management of CRS and ICANS" not in page  # the file has no [management]
    stranger = client_of("analyst").get(reverse("quality:study-result", kwargs={"spec": key}))
    assert stranger.status_code == 404
    assert "This study is no longer in your session: choose it again." in stranger.content.decode()


def _no_formula(book: openpyxl.Workbook) -> None:
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)
                assert not (isinstance(cell.value, str) and cell.value.startswith("=")), cell.coordinate


def test_downloads_are_the_reports_files_valid_and_without_formula(cohort):
    """The downloads are the report's files; the page shows every numbered table of report.html, the
    cumulative incidence and the overall survival among them, with its number, title and cells, in its order
    (the page showed neither of those two, so that its adjusted comparisons and management table bore other
    numbers than the report's)."""
    client = client_of("analyst")
    page = _run_seed(client)
    title = seed_study().title
    files = {}
    for fmt in ("html", "xlsx", "docx"):
        response = client.get(reverse(f"quality:study-{fmt}", kwargs={"spec": "seed"}))
        assert response.status_code == 200
        assert response["Content-Disposition"] == f'attachment; filename="report.{fmt}"'
        files[fmt] = b"".join(response.streaming_content)
        assert f'href="/quality/study/seed/report.{fmt}"' in page
    assert files["html"].startswith(b"<!DOCTYPE html>") and title in files["html"].decode()
    shown, reported = _tables(page), _tables(files["html"].decode())
    assert [(i, caption) for i, caption, _ in shown] == [(i, caption) for i, caption, _ in reported]
    assert shown == reported
    captions = [caption for _, caption, _ in shown]
    assert captions[9:11] == [
        "Table 10. Cumulative incidence of CRS and ICANS by cohort",
        "Table 11. Overall survival by cohort",
    ]
    assert captions == [f"Table {n}. {caption.split('. ', 1)[1]}" for n, caption in enumerate(captions, 1)]
    book = openpyxl.load_workbook(io.BytesIO(files["xlsx"]))
    _no_formula(book)
    demographics = run_study(of_centre(cohort, "CHU-A"), seed_study()).tables[0][1]
    lines = {row[0]: row[1:] for row in book["demographics"].iter_rows(values_only=True) if row[0]}
    assert lines["Age (years)"][6] == pytest.approx(demographics.result("age").p_value, rel=1e-14)  # a number
    male = next(r for r in demographics.result("sex").rows if r.level == "male")
    assert lines["Male"][0] == male.cells[0].values[0]
    document = docx.Document(io.BytesIO(files["docx"]))
    assert any(title in p.text for p in document.paragraphs)
    with zipfile.ZipFile(io.BytesIO(files["docx"])) as package:
        xml = package.read("word/document.xml").decode()
    assert "instrText" not in xml and "fldSimple" not in xml and "fldChar" not in xml


def test_figures_are_the_reports_png_files(cohort):
    client = client_of("analyst")
    page = _run_seed(client)
    names = re.findall(r'<img src="/quality/study/seed/figures/(\w+)\.png"', page)
    assert "crs_grades" in names and "management_delay_by_cohort" in names
    (run,) = [RUNS.peek(key) for key in list(RUNS._values)]
    for name in names:
        response = client.get(reverse("quality:study-figure", kwargs={"spec": "seed", "figure": name}))
        assert response["Content-Type"] == "image/png"
        assert b"".join(response.streaming_content) == run.figures("en")[name].read_bytes()
    shown = re.findall(
        r'<img src="/quality/study/seed/figures/(\w+)\.png" alt="[^"]*"><figcaption>(.*?)<', page
    )
    report = run.report("en").html.read_text(encoding="utf-8")
    captions = re.findall(r'<figure id="figure-(\w+)">.*?<figcaption>(.*?)</figcaption>', report, re.S)
    assert shown == captions and shown[0][1].startswith("Figure 1. ")  # the report's numbers and words
    missing = reverse("quality:study-figure", kwargs={"spec": "seed", "figure": "nothing"})
    assert client.get(missing).status_code == 404


def test_a_study_runs_once_per_registry_state_for_its_page_figures_and_downloads(cohort, calls):
    client, french = client_of("analyst"), client_of("data_manager", language="fr")
    _run_seed(client)
    for fmt in ("html", "xlsx", "docx"):
        client.get(reverse(f"quality:study-{fmt}", kwargs={"spec": "seed"}))
    client.get(reverse("quality:study-figure", kwargs={"spec": "seed", "figure": "crs_grades"}))
    assert calls == {"run": 1, "report": 1}
    page = french.get(SEED_PAGE).content.decode()  # the same centres: the same run, its French report
    assert "<h2>Tableaux</h2>" in page
    assert calls == {"run": 1, "report": 2}
    patient = Patient.objects.get(patient_id=cohort["patients"]["patient_id"].iloc[0])
    patient.birth_year = 1950
    patient.save()  # a new version in the registry's history: a new state
    client.get(SEED_PAGE)
    assert calls == {"run": 2, "report": 3}


def test_the_pages_carry_no_inline_script_or_style(cohort):
    client = client_of("analyst")
    for page in (_run_seed(client), client.get(STUDY).content.decode()):
        assert "style=" not in page and "<style" not in page and "<script" not in page
