"""A report table for a page whose Content-Security-Policy refuses style attributes (the web application):
`table_html(..., inline_style=False)` says the same words and numbers, without a single style attribute, each
cohort's colour named by a class of the palette."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from iectox.render import Formatter, comparison_table
from iectox.render.figures import OKABE_ITO
from iectox.render.html import swatch_class, table_html
from iectox.stats.compare import compare


def _table():
    rng = np.random.default_rng(3)
    n = 60
    frame = pd.DataFrame(
        {
            "cohort": np.where(np.arange(n) < 40, "real_life", "trials"),
            "sex": np.where(rng.random(n) < 0.5, "male", "female"),
            "age": np.round(rng.normal(60, 10, n), 1),
        }
    )
    comparison = compare(frame, "cohort", ["sex", "age"]).add_p().add_overall()
    return comparison_table(comparison, Formatter("en"), "Demographics", number=1, table_id="demo")


def _text(page: str) -> str:
    return re.sub(r"<[^>]+>", "|", page)


def test_without_inline_style_the_text_is_the_same_and_no_style_attribute_is_left():
    table = _table()
    styled, plain = table_html(table, "en"), table_html(table, "en", inline_style=False)
    assert "style=" in styled and "<colgroup>" in styled
    assert "style=" not in plain and "<colgroup>" not in plain
    assert _text(re.sub(r"<colgroup>.*?</colgroup>", "", styled)) == _text(plain)
    assert 'class="swatch swatch-0"' in plain and 'class="swatch swatch-1"' in plain
    assert plain.count('class="swatch ') == sum(c.colour is not None for c in table.columns)


def test_each_palette_colour_has_its_class_and_another_colour_none():
    assert [swatch_class(c) for c in OKABE_ITO] == [f"swatch-{i}" for i in range(len(OKABE_ITO))]
    assert swatch_class("#123456") == ""
