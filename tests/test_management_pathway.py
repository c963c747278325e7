"""The pathway file: every threshold a setting with its source; the default ships with iectox."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from iectox.errors import SpecError
from iectox.management.pathway import NOT_STATED, default_pathway, load_pathway
from iectox.management.registry import MANAGEMENT

ROOT = Path(__file__).resolve().parents[1]
PACKAGED = ROOT / "src" / "iectox" / "data" / "pathways" / "default.toml"
EXAMPLE = ROOT / "examples" / "pathways" / "default.toml"


def test_every_default_setting_has_a_source_and_numbers_have_a_unit():
    pathway = default_pathway()
    assert len(list(pathway)) >= 20
    for setting in pathway:
        assert setting.source and setting.source != NOT_STATED, setting.key
        if isinstance(setting.value, int | float) and not setting.key.endswith("tolerance"):
            assert setting.unit, setting.key


def test_defaults_are_those_of_clinical_rules():
    p = default_pathway()
    assert (
        p.tocilizumab.min_interval_h.value,
        p.tocilizumab.max_doses_in_window.value,
        p.tocilizumab.window_h.value,
    ) == (8, 3, 24)
    assert p.tocilizumab.max_doses_per_episode.value == 4
    assert (p.crs.grade1_persistent_h.value, p.crs.grade1_persistent_high_risk_h.value) == (72, 24)
    assert set(p.crs.high_risk_products.value) == {"axicabtagene_ciloleucel", "brexucabtagene_autoleucel"}
    assert p.tocilizumab.dose_tolerance.value == pytest.approx(0.10)
    assert "ASCO" in p.setting("crs.grade1_persistent_h").source
    assert "unconfirmed" in p.setting("crs.tocilizumab_within_h").source  # a local target, said so


@pytest.mark.parametrize(
    "path", sorted((ROOT / "examples" / "pathways").glob("*.toml")), ids=lambda p: p.name
)
def test_every_example_pathway_loads(path):
    pathway = load_pathway(path)
    assert pathway.name and len(list(pathway)) == len(list(default_pathway()))


def test_the_example_hospital_pathway_is_typed_and_keeps_the_rest():
    pathway = load_pathway(ROOT / "examples" / "pathways" / "stricter_targets.toml")
    assert pathway.crs.tocilizumab_within_h.value == 1
    assert "protocol v3" in pathway.crs.tocilizumab_within_h.source
    assert pathway.crs.high_risk_products.value[-1] == "lisocabtagene_maraleucel"
    assert isinstance(pathway.crs.high_risk_products.value, tuple)  # frozen like the rest
    assert pathway.kpis.cohort_by.value == "therapy"
    assert pathway.tocilizumab.min_interval_h.value == 8
    assert pathway.tocilizumab.min_interval_h.origin == "default"
    with pytest.raises(AttributeError):
        pathway.crs.tocilizumab_within_hours  # noqa: B018 - a misspelt name fails where it is written


def test_every_rule_cites_settings_that_exist():
    pathway = default_pathway()
    for rule in MANAGEMENT.values():
        for key in rule.settings:
            assert pathway.setting(key).source


def test_the_example_is_a_relative_link_to_the_packaged_default():
    assert EXAMPLE.is_symlink()
    assert not os.path.isabs(os.readlink(EXAMPLE))
    assert EXAMPLE.resolve() == PACKAGED.resolve()
    assert "docs/sources.md" in PACKAGED.read_text(encoding="utf-8")


def test_a_pathway_file_overrides_some_settings_and_keeps_the_rest(tmp_path):
    path = tmp_path / "ours.toml"
    path.write_text(
        '[pathway]\nname = "CHU pathway 2025"\n\n[crs]\n'
        'tocilizumab_within_h = { value = 1, unit = "h", source = "CHU protocol v3" }\n'
        "grade1_persistent_h = 48\n",
        encoding="utf-8",
    )
    pathway = load_pathway(path)
    assert pathway.name == "CHU pathway 2025"
    assert pathway.crs.tocilizumab_within_h.value == 1
    assert pathway.setting("crs.tocilizumab_within_h").source == "CHU protocol v3"
    assert pathway.setting("crs.tocilizumab_within_h").origin == str(path)
    assert pathway.setting("crs.grade1_persistent_h").source == NOT_STATED
    assert pathway.setting("crs.grade1_persistent_h").unit == "h"
    assert pathway.tocilizumab.min_interval_h.value == 8
    assert pathway.setting("tocilizumab.min_interval_h").origin == "default"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[crs]\ntocilizumab_within_hours = 2\n",
            "[crs] setting 'tocilizumab_within_hours' is unknown (did you mean 'tocilizumab_within_h'?)",
        ),
        ("[crss]\ntocilizumab_within_h = 2\n", "section 'crss' is unknown (did you mean 'crs'?)"),
        (
            "[crs]\ntocilizumab_within_h = 'two'\n",
            "tocilizumab_within_h = 'two' is not allowed; allowed: a number >= 0",
        ),
        (
            "[crs]\ntocilizumab_within_h = -1\n",
            "crs.tocilizumab_within_h = -1 is not allowed; allowed: a number >= 0",
        ),
        ("[tocilizumab]\ndose_tolerance = 10\n", "allowed: a number >= 0 and < 1"),
        ("[crs]\ntocilizumab_from_grade = 7\n", "7 is not allowed; one of 1, 2, 3, 4"),
        ("[crs]\ntocilizumab_from_grade = 2.5\n", "2.5 is not allowed; allowed: one of 1, 2, 3, 4"),
        (
            "[crs]\nhigh_risk_products = ['axicabtagene_ciloleucell']\n",
            "'axicabtagene_ciloleucell' is not allowed (did you mean 'axicabtagene_ciloleucel'?)",
        ),
        ("[kpis]\ncohort_by = 'settings'\n", "(did you mean 'setting'?); one of 'setting', 'therapy'"),
        ("[corticosteroids]\ndexamethasone_interval_h = [24, 6]\n", "allowed: a range [low, high]"),
        ("[crs]\ntocilizumab_within_h = { value = 2, why = 'x' }\n", "should be { value"),
        ("[pathway]\ntitle = 'x'\n", "[pathway] key 'title' is unknown; allowed: name, description"),
        ("[crs\n", "not valid TOML"),
        ("# our pathway, to be written\n", "holds no settings (it is empty, or comments alone)"),
    ],
)
def test_a_malformed_pathway_is_refused_with_file_and_key(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError, match=r"bad\.toml") as error:
        load_pathway(path)
    assert message in str(error.value)


def test_replace_changes_a_value_and_says_where_it_came_from():
    pathway = default_pathway().replace(crs__tocilizumab_within_h=4)
    assert pathway.crs.tocilizumab_within_h.value == 4
    assert pathway.setting("crs.tocilizumab_within_h").origin == "replace()"
    with pytest.raises(SpecError):
        default_pathway().replace(crs__tocilizumab_within_h="soon")
