"""The report's figures say what its tables say, and nothing in them is cut (issue 8).

Asserted on the figure's data (plotted values, tick labels, text artists and their extents once drawn),
never on pixels.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection

from factories import seed_cohort, seed_result
from figure_checks import outside, ticklabels
from iectox.render.audit_figures import delay_by_cohort, kpi_trend
from iectox.render.document import cohorts_of
from iectox.render.figures import FIGURES, Cohorts, products, save
from iectox.study import load_study, run_study

SEED_SPEC = Path(__file__).resolve().parents[1] / "examples" / "seed_study" / "study.toml"
DELAY = next(f for f in FIGURES if f.name == "tocilizumab_delay")
HEADER = """
[study]
title = "Delays"

[cohorts]
by = "cohort"
order = ["standard_of_care", "clinical_trial"]
"""


@pytest.fixture(scope="module")
def dataset():
    return seed_cohort()


@pytest.fixture(scope="module")
def seed():
    return seed_result()


def _study(dataset, tmp_path, variables: str, cohorts: str = HEADER):
    spec = tmp_path / "study.toml"
    spec.write_text(f'{cohorts}\n[[tables]]\nid = "t"\nvariables = [{variables}]\n', encoding="utf-8")
    return run_study(dataset, load_study(spec))


def _plotted(fig) -> list[np.ndarray]:
    """The y values of the points, one array per cohort (the scatter of each box)."""
    return [c.get_offsets()[:, 1] for c in fig.axes[0].collections if isinstance(c, PathCollection)]


@pytest.mark.parametrize(
    ("column", "axis"),
    [
        ("hours_crs_onset_to_tocilizumab", "Hours from CRS onset to first tocilizumab"),
        ("days_crs_onset_to_tocilizumab", "Days from CRS onset to first tocilizumab"),
    ],
)
def test_the_delay_figure_is_in_the_unit_of_the_studys_table(dataset, tmp_path, column, axis):
    result = _study(dataset, tmp_path, f'{{ name = "tocilizumab" }}, {{ name = "{column}" }}')
    fig = DELAY.draw(result.frame, cohorts_of(result), "en", **DELAY.options(result))
    assert " ".join(fig.axes[0].get_ylabel().split()) == axis
    treated = result.frame[result.frame["tocilizumab"].fillna(False).astype(bool)]
    for key, plotted in zip(("standard_of_care", "clinical_trial"), _plotted(fig), strict=True):
        expected = treated.loc[treated["cohort"] == key, column].dropna().astype(float)
        assert sorted(plotted) == pytest.approx(sorted(expected))


def test_the_delay_figure_is_in_hours_when_no_table_shows_the_delay(dataset, tmp_path):
    result = _study(dataset, tmp_path, '{ name = "tocilizumab" }')
    assert DELAY.options(result) == {"column": "hours_crs_onset_to_tocilizumab"}


def test_empty_product_bars_carry_no_zero():
    frame = pd.DataFrame(
        {
            "cohort": ["a"] * 3 + ["b"] * 2,
            "therapy": ["tisagenlecleucel"] * 2 + ["axicabtagene_ciloleucel"] * 3,
        }
    )
    cohorts = Cohorts.from_frame(frame, "cohort", ["a", "b"])
    ax = products(frame, cohorts, "en").axes[0]
    labels = sorted(t.get_text() for t in ax.texts if t.get_text())
    assert labels == ["1", "2", "2"]  # a: tisa-cel 2, axi-cel 1; b: axi-cel 2; b has no tisa-cel
    widths = sorted(p.get_width() for p in ax.patches)
    assert widths == [0, 1, 2, 2]  # the zero stays a bar of no length: visible as absence


def _every_figure(result, lang):
    cohorts = cohorts_of(result)
    for figure in FIGURES:
        yield figure.name, figure.draw(result.frame, cohorts, lang, **figure.options(result))
    yield "management_delay", delay_by_cohort(result.management, None, lang)
    yield "management_trend", kpi_trend(result.management, None, lang)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_text_of_every_figure_lies_inside_the_figure(seed, lang, tmp_path):
    cut = {}
    for name, fig in _every_figure(seed, lang):
        save(fig, tmp_path, name)  # the layout the files are written with
        cut |= {name: found} if (found := outside(fig)) else {}
    assert cut == {}


def test_a_long_axis_label_is_wrapped_not_cut(seed):
    fig = delay_by_cohort(seed.management, None, "fr")
    assert fig.axes[0].get_ylabel() == "Heures entre le début du CRS et le\npremier tocilizumab"
    assert outside(fig) == []


def test_the_quarters_of_the_trend_are_every_quarter_of_the_range(seed):
    fig = kpi_trend(seed.management, None, "en")
    quarters = ticklabels(fig.axes[1].xaxis)
    assert quarters[0] == "2020-Q1" and len(quarters) == len(set(quarters))
    assert len(quarters) == len(pd.period_range("2020Q1", quarters[-1].replace("-", ""), freq="Q"))


def test_a_figure_is_laid_out_once_for_both_files(seed, tmp_path, monkeypatch):
    """Saving used to lay the figure out for each file, each layout a whole draw of its own: four draws for
    the two files. Now the layout runs once, without a draw, and each file is one draw."""
    fig = FIGURES[0].draw(seed.frame, cohorts_of(seed), "en")
    engine, calls = fig.get_layout_engine(), {"layout": 0, "draw": 0}
    execute, draw = engine.execute, fig.draw

    def counted_execute(figure):
        calls["layout"] += 1
        return execute(figure)

    def counted_draw(renderer):
        calls["draw"] += 1
        return draw(renderer)

    monkeypatch.setattr(engine, "execute", counted_execute)
    monkeypatch.setattr(fig, "draw", counted_draw)
    png, svg = save(fig, tmp_path, "crs_grades")
    assert calls == {"layout": 1, "draw": 2}
    assert png.read_bytes().startswith(b"\x89PNG") and "<svg" in svg.read_text(encoding="utf-8")


def test_control_characters_from_the_data_are_drawn_as_spaces(tmp_path, recwarn):
    """A cohort label holding a tab or U+0001 (typed or pasted into a cell) has no glyph in any font: matplotlib
    drew a box and warned "Glyph 9 missing from font(s)". Saved, the figure shows spaces; line breaks stay."""
    frame = pd.DataFrame({"cohort": ["a\tb", "c\x01d"], "therapy": ["tisagenlecleucel", "tisagenlecleucel"]})
    cohorts = Cohorts.from_frame(
        frame, "cohort", ["a\tb", "c\x01d"], {"a\tb": "Site\tA", "c\x01d": "Site\x01B"}
    )
    fig = products(frame, cohorts, "en")
    save(fig, tmp_path, "products")
    texts = [t.get_text() for t in fig.findobj(lambda artist: hasattr(artist, "get_text"))]
    assert "Site A" in " ".join(texts) and "Site B" in " ".join(texts)
    assert not any(ch in text for text in texts for ch in "\t\x01")
    assert not [w for w in recwarn if "Glyph" in str(w.message)]
    assert (tmp_path / "products.svg").read_text(encoding="utf-8").count("Site") >= 2
