"""`iectox packet` and `iectox pool` end to end on the demo cohort split into three centres."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from iectox.cli.commands import app
from iectox.io import write_dataset
from iectox.published import parse_summary_table, read_summary_table
from iectox.published.recheck import recheck
from iectox.study import seed_study
from iectox.study.packet import checksum, make_packet
from iectox.study.pooled_summary import pooled_summary_table
from iectox.study.pooling import pool
from pooling_helpers import CENTRES, demo, split, write_packets

STUDY = "examples/seed_study/study.toml"


@pytest.fixture(scope="module")
def centre_folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("centres")
    return [write_dataset(d, root / name.lower()) for d, name in zip(split(demo()), CENTRES, strict=True)]


def test_packet_command_writes_the_centres_packet(centre_folders, tmp_path):
    out = tmp_path / "lyon.json"
    result = CliRunner().invoke(
        app, ["packet", STUDY, str(centre_folders[0]), "--out", str(out), "--centre", "Lyon"]
    )
    assert result.exit_code == 0, result.output
    packet = json.loads(out.read_text(encoding="utf-8"))
    assert packet["centre"] == "Lyon" and packet["min_cell"] == 5
    assert packet["checksum"] == checksum(packet)
    assert "cells masked" in result.output
    result = CliRunner().invoke(
        app,
        ["packet", STUDY, str(centre_folders[0]), "--out", str(out), "--centre", "Lyon", "--min-cell", "3"],
    )
    assert json.loads(out.read_text(encoding="utf-8"))["min_cell"] == 3


def test_pool_command_writes_every_format_and_a_forest_plot(tmp_path):
    paths = write_packets(tmp_path)
    out = tmp_path / "pooled"
    result = CliRunner().invoke(app, ["pool", *map(str, paths), "--out", str(out), "--lang", "fr"])
    assert result.exit_code == 0, result.output
    for name in ("pooled.html", "pooled.xlsx", "pooled.docx", "pooled.json", "figures/forest_age.png"):
        assert (out / name).is_file(), name
    html = (out / "pooled.html").read_text(encoding="utf-8")
    assert "stratifié par centre" in html and "Effets poolés" in html
    record = json.loads((out / "pooled.json").read_text(encoding="utf-8"))
    assert [c["centre"] for c in record["centres"]] == list(CENTRES)


def test_a_tampered_packet_is_one_error_naming_it_and_nothing_is_pooled(tmp_path):
    paths = write_packets(tmp_path)
    packet = json.loads(paths[1].read_text(encoding="utf-8"))
    packet["tables"][0]["variables"][1]["summary"]["standard_of_care"]["mean"] = 99.0
    paths[1].write_text(json.dumps(packet), encoding="utf-8")
    out = tmp_path / "pooled"
    result = CliRunner().invoke(app, ["pool", *map(str, paths), "--out", str(out)])
    assert result.exit_code == 2
    assert "lille.json" in result.output and "checksum does not match" in result.output
    assert not out.exists()


def test_the_pooled_table_is_a_summary_table_that_recheck_reads(tmp_path):
    paths = write_packets(tmp_path)
    out = tmp_path / "pooled"
    assert CliRunner().invoke(app, ["pool", *map(str, paths), "--out", str(out)]).exit_code == 0
    table = read_summary_table(out / "pooled_table.json")
    age = table.variable("age")
    assert (age.summary["standard_of_care"].mean, age.summary["standard_of_care"].n) == (62.7, 361)
    assert table.get("tocilizumab") is None  # a level masked in a centre: left out rather than half-counted
    assert {r.name: r for r in recheck(table)}["age"].status == "no_reported_p"


def test_a_pooled_table_without_masked_cells_carries_its_counts_and_stratified_p():
    spec = seed_study()
    unmasked = [make_packet(d, spec, c, min_cell=1) for d, c in zip(split(demo()), CENTRES, strict=True)]
    table = parse_summary_table(pooled_summary_table(pool(list(zip(CENTRES, unmasked, strict=True)))))
    treated = table.variable("tocilizumab")
    assert treated.counts["standard_of_care"] == {"Yes": 200, "No": 161}  # the single-centre table's
    assert treated.stated_test == "mantel_haenszel" and treated.reported_p is not None
    rows = {r.name: r for r in recheck(table)}
    assert any("cannot be recomputed" in n for n in rows["tocilizumab"].notes)


def test_packet_of_unreadable_data_or_a_bad_threshold_writes_nothing(tmp_path):
    out = tmp_path / "p.json"
    result = CliRunner().invoke(app, ["packet", STUDY, str(tmp_path / "none.xlsx"), "--out", str(out)])
    assert result.exit_code == 2 and not out.exists()
    result = CliRunner().invoke(app, ["packet", STUDY, str(tmp_path), "--out", str(out), "--min-cell", "0"])
    assert result.exit_code == 2 and not out.exists()
