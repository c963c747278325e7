"""No text from the data becomes a live formula in a spreadsheet or CSV file iectox writes (OWASP CSV injection).

Issue 8: report.xlsx held live formula cells from the data (186 with these payloads, audit.xlsx 670), and
analysis_table.csv wrote `=HYPERLINK(...)` as it came. Each payload sits in a column the validation accepts
(centre, trial_id, death_cause: identifiers have their own pattern) and must read back exactly.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl import Workbook

from factories import seed_cohort
from iectox.dataset import Dataset
from iectox.io.injection import FORMULA_CHARACTERS, restore
from iectox.io.sheets import csv_safe, save_workbook, write_csv
from iectox.management.audit import audit
from iectox.management.pathway import default_pathway
from iectox.render import write_report
from iectox.render.audit import write_audit
from iectox.study import load_study, run_study
from iectox.validate import validate_dataset

SPEC = Path(__file__).resolve().parents[1] / "examples" / "seed_study" / "study.toml"
SRC = Path(__file__).resolve().parents[1] / "src" / "iectox"
PAYLOADS = ('=HYPERLINK("http://x","y")', "=A1+1", "+A1*2", "-2+3", "@SUM(A1)", "\t=1", "'=A1")


def _cycle(n: int) -> list[str]:
    return [PAYLOADS[i % len(PAYLOADS)] for i in range(n)]


@pytest.fixture(scope="module")
def hostile() -> Dataset:
    """The seed cohort with a payload in every centre, trial id and cause of death."""
    seed = seed_cohort()
    frames = {name: seed[name].copy() for name in seed}
    frames["patients"]["centre"] = _cycle(len(frames["patients"]))
    for table, column in (("infusions", "trial_id"), ("outcomes", "death_cause")):
        filled = frames[table][column].notna()
        frames[table].loc[filled, column] = _cycle(int(filled.sum()))
    dataset = Dataset.from_frames(frames)
    assert [i for i in validate_dataset(dataset) if i.severity == "error"] == []
    return dataset


@pytest.fixture(scope="module")
def written(hostile, tmp_path_factory) -> tuple[Path, Path, pd.DataFrame]:
    folder = tmp_path_factory.mktemp("hostile")
    result = run_study(hostile, load_study(SPEC))
    write_report(result, folder / "report", "en")
    by_centre = default_pathway().replace(kpis__cohort_by="centre")  # the payloads become cohort names
    write_audit(audit(hostile, by_centre), folder / "audit", "en")
    return folder / "report", folder / "audit", result.frame


def _cells(path: Path) -> list[openpyxl.cell.Cell]:
    book = openpyxl.load_workbook(path)
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def _column(path: Path, sheet: str, header: str) -> list[object]:
    rows = list(openpyxl.load_workbook(path)[sheet].values)
    j = list(rows[0]).index(header)
    return [row[j] for row in rows[1:]]


def test_no_workbook_holds_a_formula(written):
    report, audit_folder, _ = written
    books = sorted([*report.rglob("*.xlsx"), *audit_folder.rglob("*.xlsx")])
    assert [p.name for p in books] == ["audit.xlsx", "report.xlsx"]
    for book in books:
        formulas = [f"{c.parent.title}!{c.coordinate}" for c in _cells(book) if c.data_type == "f"]
        assert formulas == [], book


def test_every_payload_reads_back_exactly_as_quoted_text(written):
    report, audit_folder, frame = written
    xlsx = report / "report.xlsx"
    assert _column(xlsx, "analysis", "centre") == frame["centre"].tolist()
    causes = _column(xlsx, "analysis", "death_cause")
    assert causes == frame["death_cause"].astype(object).where(frame["death_cause"].notna(), None).tolist()
    assert set(PAYLOADS) <= set(causes)
    analysis = [c for c in _cells(xlsx) if c.parent.title == "analysis" and c.value in PAYLOADS]
    assert {c.value for c in analysis} == set(PAYLOADS)
    assert all(c.quotePrefix == (c.value[0] in FORMULA_CHARACTERS) for c in analysis)
    cohorts = _column(audit_folder / "audit.xlsx", "kpis_by_cohort", "cohort")
    assert set(PAYLOADS) <= set(cohorts)
    quoted = [c for c in _cells(audit_folder / "audit.xlsx") if c.value in PAYLOADS]
    assert quoted and all(c.data_type == "s" for c in quoted)
    assert all(c.quotePrefix for c in quoted if c.value[0] in FORMULA_CHARACTERS)


def test_no_csv_cell_starts_with_a_formula_character(written):
    report, audit_folder, frame = written
    files = sorted([*report.rglob("*.csv"), *audit_folder.rglob("*.csv")])
    assert [p.name for p in files] == ["analysis_table.csv"]
    with files[0].open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert [cell for row in rows for cell in row if cell[:1] and cell[0] in FORMULA_CHARACTERS] == []
    centre = rows[0].index("centre")
    assert [restore(row[centre]) for row in rows[1:]] == frame["centre"].tolist()


def test_numbers_dates_and_yes_no_stay_as_they_are():
    frame = pd.DataFrame(
        {
            "code": ["-2+3", "x", None],
            "delay_h": [-1.5, 2.0, None],
            "day": pd.to_datetime(["2024-01-02", None, "2024-03-04"]),
            "given": [True, False, True],
            "mixed": [-3, "-3", None],
        }
    )
    safe = csv_safe(frame)
    assert safe["code"].tolist()[:2] == ["'-2+3", "x"] and safe["code"].isna().tolist() == [False] * 2 + [
        True
    ]
    assert safe["delay_h"].tolist()[:2] == [-1.5, 2.0] and safe["delay_h"].dtype == "float64"
    assert safe["day"].equals(frame["day"]) and safe["given"].equals(frame["given"])
    assert safe["mixed"].tolist()[:2] == [-3, "'-3"]
    assert csv_safe(frame, text=["delay_h"]).equals(frame)  # only the named columns
    assert frame["code"][0] == "-2+3"  # the caller's frame is left as it was


def test_write_csv_round_trips_with_restore(tmp_path):
    frame = pd.DataFrame({"text": list(PAYLOADS), "n": range(len(PAYLOADS))})
    path = write_csv(frame, tmp_path / "t.csv")
    back = pd.read_csv(path, dtype={"text": str}, keep_default_na=False)
    assert back["text"].map(restore).tolist() == list(PAYLOADS)
    assert not back["text"].str[0].isin(list(FORMULA_CHARACTERS)).any()


def test_save_workbook_makes_any_sheet_safe(tmp_path):
    book = Workbook()
    book.active.append(["label", *PAYLOADS])
    book.active["A3"] = "=1+1"  # even a cell set as a formula by mistake is saved as its text
    path = save_workbook(book, tmp_path / "b.xlsx")
    cells = {c.coordinate: c for c in _cells(path)}
    assert [cells[f"{col}1"].value for col in "BCDEFGH"] == list(PAYLOADS)
    assert cells["A3"].value == "=1+1" and cells["A3"].data_type == "s" and cells["A3"].quotePrefix
    assert all(c.data_type != "f" for c in cells.values())


def test_a_write_only_workbook_is_refused():
    with pytest.raises(ValueError, match="write-only"):
        save_workbook(Workbook(write_only=True), Path("never.xlsx"))


# The writers that may save a workbook or a CSV themselves: the helpers, and the dataset's own writers
# (io/xlsx_write.py and io/xlsx_package.py write formula-like text as quoted text cells; io/csvdir.py escapes with
# `neutralise_column` so that the dataset reads back exactly; io/xlsx_rows.py writes the long sheets of the
# workbooks `save_workbook` saves, such as the report's analysis sheet, its formula-like text quoted; io/csvzip.py
# zips the files io/csvdir.py wrote).
OWN_WRITERS = {
    "io/sheets.py",
    "io/xlsx_write.py",
    "io/xlsx_package.py",
    "io/xlsx_rows.py",
    "io/csvdir.py",
    "io/csvzip.py",
}


def test_every_writer_goes_through_the_helpers():
    """A new sheet or table cannot forget the neutralisation: nothing else saves a workbook or a CSV."""
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        name = path.relative_to(SRC).as_posix()
        text = path.read_text(encoding="utf-8")
        saves_workbook = ("openpyxl" in text and ".save(" in text) or re.search(r"ZipFile\([^)]*\"w\"", text)
        if name not in OWN_WRITERS and ("to_csv(" in text or saves_workbook or "csv.writer" in text):
            offenders.append(name)
    assert offenders == []
