"""Say it once, with the fix: dates whose order was not given, and a title row above the headers."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from iectox.io.text import table_text
from iectox.synth import generate
from iectox.validate import RawTable, Settings, check_raw


@pytest.fixture(scope="module")
def cohort() -> dict[str, pd.DataFrame]:
    """120 synthetic infusions as text cells, rows numbered as in the file."""
    dataset = generate(120, seed=8)
    return {
        t.name: table_text(dataset[t.name], t).replace("", None).set_axis(range(2, len(dataset[t.name]) + 2))
        for t in dataset.schema.tables
    }


def _check(tables: dict[str, pd.DataFrame], settings: Settings | None = None, sheets: bool = False):
    raw = {
        name: RawTable("registre.xlsx" if sheets else f"{name}.csv", name if sheets else None, frame)
        for name, frame in tables.items()
    }
    return check_raw(raw, settings)


def _day_first(iso: pd.Series) -> pd.Series:
    day = pd.to_datetime(iso)
    return day.dt.strftime("%d/%m/%Y").where(iso.notna())


def test_dates_written_day_first_are_one_issue_for_the_column_with_the_fix(cohort):
    tables = {name: frame.copy() for name, frame in cohort.items()}
    dates = tables["infusions"]["infusion_date"]
    tables["infusions"]["infusion_date"] = _day_first(dates)
    dataset, issues = _check(tables)
    assert dataset is None
    [issue] = issues
    assert (issue.rule, issue.file, issue.row, issue.column) == (
        "date_order",
        "infusions.csv",
        2,
        "infusion_date",
    )
    assert issue.message.startswith("infusion_date has 120 dates written day first, like ")
    assert issue.message.endswith(" (rows 2, 3, 4, 5, 6, …): say so with --dates dmy")
    assert issue.values["all_rows"] == list(range(2, 122))
    assert json.loads(json.dumps(issue.as_dict(), default=str))["values"]["all_rows"][-1] == 121
    assert issue.text("fr").startswith("infusion_date : 120 dates avec le jour en premier, comme ")
    assert issue.text("fr").endswith(" (lignes 2, 3, 4, 5, 6, …) : indiquez-le avec --dates dmy")
    read, issues = _check(tables, Settings(date_order="dmy"))
    assert issues == [] and read["infusions"]["infusion_date"].equals(
        pd.to_datetime(dates).astype("datetime64[ns]").set_axis(read["infusions"].index)
    )


def test_dates_whose_order_nothing_proves_name_both_options():
    from conftest import RawDataset

    raw = RawDataset().set("toxicity_episodes", 2, "onset_at", "05/06/2023 10:00")
    [issue] = raw.errors()
    assert (issue.rule, issue.row, issue.column, issue.message) == (
        "date_order",
        2,
        "onset_at",
        "onset_at has 1 date written like 05/06/2023 10:00 (row 2): say their order with --dates dmy (day "
        "first) or --dates mdy (month first)",
    )


def test_dates_of_both_orders_in_one_column_cannot_be_read_with_either(raw):
    raw.set("outcomes", 2, "last_follow_up", "17/05/2024").set("outcomes", 4, "last_follow_up", "01/15/2025")
    [issue] = raw.errors()
    assert issue.message == (
        "last_follow_up has 2 dates written day first (like 17/05/2024) and month first (like 01/15/2025) "
        "(rows 2, 4): write them as YYYY-MM-DD"
    )


def test_month_first_dates_name_mdy_and_other_bad_dates_stay_one_error_each(raw):
    raw.set("outcomes", 2, "last_follow_up", "05/17/2024").set("outcomes", 4, "last_follow_up", "soon")
    assert [(e.rule, e.row, e.message) for e in raw.errors()] == [
        (
            "date_order",
            2,
            "last_follow_up has 1 date written month first, like 05/17/2024 (row 2): say so with --dates mdy",
        ),
        ("date", 4, "'soon' is not a date (YYYY-MM-DD)"),
    ]


def _titled(frame: pd.DataFrame, title: str, width: int | None = None) -> pd.DataFrame:
    """The table as a reader sees it when row 1 holds a title: the title is the header, the names row 2.

    `width` keeps only that many columns, as a reader that stops at the last header cell does."""
    rows = [list(frame.columns), *frame.itertuples(index=False)]
    titled = pd.DataFrame(rows, index=range(2, len(rows) + 2), dtype=object)
    titled.columns = [title, *[f"Unnamed: {n}" for n in range(1, frame.shape[1])]]
    return titled.iloc[:, :width] if width else titled


@pytest.mark.parametrize("width", [None, 1], ids=["all-columns", "reader-stops-at-the-title"])
def test_a_title_above_the_headers_is_one_error_per_table(cohort, width):
    tables = {name: _titled(frame, "Registre CAR-T 2024", width) for name, frame in cohort.items()}
    dataset, issues = _check(tables, sheets=True)
    assert dataset is None
    assert [(i.rule, i.sheet, i.row, i.column, i.message) for i in issues] == [
        ("title_row", name, 1, None, "row 1 holds a title, the column names are on row 2: delete row 1")
        for name in cohort
    ]
    assert (
        issues[0].text("fr")
        == "la ligne 1 contient un titre, les noms de colonnes sont en ligne 2 : supprimez la ligne 1"
    )


def test_a_title_and_a_subtitle_name_the_rows_to_delete(cohort):
    tables = dict(cohort)
    titled = _titled(cohort["patients"], "Registre CAR-T 2024")
    subtitle = pd.DataFrame(
        [["Centre A", *[None] * (titled.shape[1] - 1)]], columns=titled.columns, index=[2]
    )
    tables["patients"] = pd.concat([subtitle, titled.set_axis(titled.index + 1)])
    _, issues = _check(tables)
    assert [(i.rule, i.file, i.message) for i in issues] == [
        (
            "title_row",
            "patients.csv",
            "row 1 holds a title, the column names are on row 3: delete rows 1 to 2",
        )
    ]


def test_a_table_whose_headers_are_wrong_is_not_mistaken_for_a_title(raw):
    raw.tables["patients"] = raw.tables["patients"].rename(columns={"patient_id": "id", "sex": "gender"})
    rules = [e.rule for e in raw.errors()]
    assert "title_row" not in rules and "unknown_column" in rules
