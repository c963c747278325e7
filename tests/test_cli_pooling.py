"""`iectox packet` and `iectox pool` end to end on the demo cohort split into three centres."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from iectox.cli.commands import app
from iectox.io import write_dataset
from iectox.study.packet import checksum
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
