"""The pooled study's tables as the report lays tables out: numbers, masked cells, merged reasons, French."""

from __future__ import annotations

import pytest

from iectox.render.format import Formatter
from iectox.render.pooling import pooled_tables
from iectox.study.packet_read import read_packets
from iectox.study.pooling import pool
from pooling_helpers import write_packets


@pytest.fixture(scope="module")
def pooled(tmp_path_factory):
    return pool(read_packets(write_packets(tmp_path_factory.mktemp("packets"))))


def _texts(table):
    return [[cell.text for cell in line.cells] for line in table.lines]


def test_count_tables_show_pooled_counts_the_stratified_p_and_masked_cells(pooled):
    tables = {t.id: t for t in pooled_tables(pooled, Formatter("en", 1, 4))}
    treated = _texts(tables["pooled_tocilizumab"])
    assert treated[0] == ["Received tocilizumab", "", "", "0.4114"]  # mantelhaen.test p = 0.411443910376945
    assert treated[1][0] == "Yes" and treated[1][1] == "—"  # Lyon masked its whole 2 x 2 table
    age = _texts(tables["pooled_demographics"])
    assert ["Mean (SD)", "62.7 (14.2)", "59.1 (13.6)", ""] in age  # the single-centre table's numbers
    assert tables["pooled_demographics"].caption == "Table 1. Demographics"


def test_effects_table_gives_every_model_and_one_line_per_missing_effect(pooled):
    table = next(t for t in pooled_tables(pooled, Formatter("en", 1, 4)) if t.id == "pooled_effects")
    rows = _texts(table)
    treated = [r for r in rows if r[0] == "Received tocilizumab: Yes"]
    assert [r[1] for r in treated] == [
        "Odds ratio",
        "Risk difference",
        "Proportion, Real-life population",
        "Proportion, Clinical trials population",
    ]
    assert treated[2][3] == "0.55 (0.48, 0.61)"  # Lille 64/116, Nantes 65/120, pooled on the logit scale
    assert treated[0][2] == "2" and treated[0][6].startswith("1.47 (")  # REML = fixed here: tau² 0
    sex = [r for r in rows if r[0] == "Sex: Male"]
    assert sex == [
        ["Sex: Male", "Odds ratio, Risk difference: pooling needs at least two centres with information on this "
         "effect", "", "", "", "", "", "", "", ""]
    ]  # fmt: skip


def test_the_tables_in_french(pooled):
    tables = pooled_tables(pooled, Formatter("fr", 1, 4))
    assert tables[0].columns[-1].label == "p (stratifié par centre)"
    effects = next(t for t in tables if t.id == "pooled_effects")
    assert effects.title == "Effets poolés sur l'ensemble des centres"
    assert any(r[1] == "Odds ratio" and "," in r[3] for r in _texts(effects))  # decimal comma
