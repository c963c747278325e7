"""Formula-like text is neutralised in what iectox writes, and reads back exactly (OWASP CSV injection)."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.cell import WriteOnlyCell

from iectox.io.injection import neutralise, neutralise_column, restore, restore_column, text_cell


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("=A1+1", "'=A1+1"),
        ("+33", "'+33"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'=A1", "''=A1"),  # an apostrophe the user typed before a formula is kept: one more is the escape
        ("'abc", "'abc"),  # an apostrophe before ordinary text needs no escape
        ("CHU-A", "CHU-A"),
        ("", ""),
    ],
)
def test_neutralise_prefixes_formula_like_text(text: str, written: str) -> None:
    assert neutralise(text) == written
    assert restore(written) == text


@given(st.text())
def test_restore_undoes_neutralise(text: str) -> None:
    assert restore(neutralise(text)) == text
    assert not neutralise(text)[:1] or neutralise(text)[0] not in "=+-@\t\r"


def test_columns_match_the_single_values() -> None:
    values = pd.Series(["=1", "'=1", "a", None, "-x"], dtype=object)
    written = neutralise_column(values)
    assert written.tolist()[:3] == ["'=1", "''=1", "a"] and written.tolist()[4] == "'-x"
    assert pd.isna(written[3])
    back = restore_column(written)
    assert back.tolist()[:3] == values.tolist()[:3] and back[4] == "-x"


def test_text_cell_is_text_with_quote_prefix(tmp_path) -> None:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("s")
    sheet.append(
        [text_cell(WriteOnlyCell(sheet, value="=A1+1")), text_cell(WriteOnlyCell(sheet, value="ok"))]
    )
    book.save(tmp_path / "s.xlsx")
    cells = openpyxl.load_workbook(tmp_path / "s.xlsx")["s"][1]
    assert [(c.value, c.data_type, c.quotePrefix) for c in cells] == [
        ("=A1+1", "s", True),
        ("ok", "s", False),
    ]
