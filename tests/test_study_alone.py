"""A study file sent alone (uploaded to the web application) may name only the published table and pathway
shipped with iectox: a path would be read among the server's files (`load_study(path, alone=True)`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from iectox.errors import SpecError
from iectox.study import load_study

SEED_SPEC = Path(__file__).resolve().parents[1] / "examples" / "seed_study" / "study.toml"
STUDY = """
[study]
title = "Alone"
{line}

[[tables]]
id = "main"
variables = [{{ name = "sex" }}]
"""


def _write(tmp_path: Path, line: str) -> Path:
    path = tmp_path / "study.toml"
    path.write_text(STUDY.format(line=line), encoding="utf-8")
    return path


def test_the_seed_study_loads_alone_as_it_names_only_iectox_files():
    alone, beside = load_study(SEED_SPEC, alone=True), load_study(SEED_SPEC)
    assert alone == beside
    assert (alone.reference, alone.management) == ("iectox:seed", "iectox:default")


@pytest.mark.parametrize(
    ("line", "key", "value", "own"),
    [
        ('reference = "published.json"', "[study] reference", "published.json", "iectox:seed"),
        ('reference = "/etc/passwd"', "[study] reference", "/etc/passwd", "iectox:seed"),
        (
            '[management]\npathway = "../../pathway.toml"',
            "[management] pathway",
            "../../pathway.toml",
            "iectox:default",
        ),
    ],
)
def test_a_file_named_by_a_study_sent_alone_is_refused_before_it_is_read(tmp_path, line, key, value, own):
    (tmp_path / "published.json").write_text("{}", encoding="utf-8")  # there, but never read
    path = _write(tmp_path, line)
    with pytest.raises(SpecError) as caught:
        load_study(path, alone=True)
    error = caught.value
    assert (error.file, error.key, error.value, error.allowed) == (str(path), key, value, (own,))
    assert str(error) == (
        f"{path}: {key}: {value!r} names a file, but this study file was sent alone, without the files beside "
        f"it; only {own!r} (shipped with iectox) can be named"
    )


def test_the_same_file_beside_its_folder_still_reads_what_it_names(tmp_path):
    path = _write(tmp_path, 'reference = "published.json"')
    (tmp_path / "published.json").write_text("{}", encoding="utf-8")
    with pytest.raises(SpecError) as caught:  # read (and refused as a summary table), not refused unread
        load_study(path)
    assert "names a file" not in str(caught.value)
    assert caught.value.key == "[study] reference"


def test_iectox_names_are_allowed_alone(tmp_path):
    spec = load_study(
        _write(tmp_path, 'reference = "iectox:seed"\n[management]\npathway = "iectox:default"'), True
    )
    assert (spec.reference, spec.management) == ("iectox:seed", "iectox:default")
