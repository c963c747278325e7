"""`iectox.i18n`: the language chosen from options and environment, numbers the French way, Issue texts."""

from __future__ import annotations

import numpy as np
import pytest

from iectox.errors import Issue
from iectox.i18n import language, number, p_value, percent, tr
from iectox.message import Message, shown
from iectox.stats.choose import choose_count_test
from iectox.stats.methods import METHODS
from iectox.stats.policy import policy


@pytest.mark.parametrize(
    ("environment", "explicit", "expected"),
    [
        ({}, None, "en"),
        ({"LANG": "fr_FR.UTF-8"}, None, "fr"),
        ({"LANG": "fr_FR.UTF-8"}, "en", "en"),
        ({"LC_ALL": "fr_CA.UTF-8", "LANG": "en_GB.UTF-8"}, None, "fr"),
        ({"IECTOX_LANG": "en", "LC_ALL": "fr_FR.UTF-8"}, None, "en"),
        ({"IECTOX_LANG": "FR"}, None, "fr"),
        ({"LANG": "C.UTF-8"}, None, "en"),
    ],
)
def test_language_from_option_then_environment(monkeypatch, environment, explicit, expected):
    for name in ("IECTOX_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert language(explicit) == expected


def test_numbers_in_french():
    assert number(69.5, 1, "fr") == "69,5" and number(69.5, 1, "en") == "69.5"
    assert percent(12.345, 1, "fr") == "12,3\u00a0%" and percent(12.345, 1, "en") == "12.3%"
    assert p_value(0.00001, 4, "fr") == "<0,0001"


def test_every_statistical_test_has_a_french_name():
    """Test names come from the statistics registry (id -> the name R prints); each needs its French."""
    assert tr(METHODS["fisher_exact"].name, "fr") == "Test exact de Fisher"
    assert [m.id for m in METHODS.values() if tr(m.name, "fr") == m.name] == []


def test_an_issue_prints_its_template_in_french_and_keeps_cell_values_as_typed():
    issue = Issue(
        "registry.xlsx",
        "patients",
        3,
        "patient_id",
        "no",
        "pattern",
        "patient_id 'no' is not valid: ...",
        template="{column} '{value}' is not valid: {pattern_text}",
        values={
            "column": "patient_id",
            "value": "no",
            "pattern_text": "letters, digits, '_', '.', '-', at most 64 characters, no spaces",
        },
    )
    assert issue.text("fr") == (
        "patient_id « no » n'est pas valide : lettres, chiffres, « _ », « . », « - », au plus 64 caractères, "
        "sans espace"
    )
    assert issue.where("fr") == "registry.xlsx, feuille patients, ligne 3, colonne patient_id"
    assert issue.where() == "registry.xlsx, sheet patients, row 3, column patient_id"
    plain = Issue("f.csv", None, None, None, None, "rule", "Grade 2")
    assert plain.text("fr") == "Grade 2" and plain.text("en") == "Grade 2"


def test_a_message_is_its_english_and_shows_its_template_in_french():
    test, reason = choose_count_test(np.array([[20, 25], [18, 30]]), policy("iectox"))
    assert test == "pearson_chi2"
    assert reason == "2 x 2 table, smallest expected count 18.39"
    assert reason.text("fr") == "tableau 2 x 2, plus petit effectif théorique 18,39"
    assert reason.record()["values"]["smallest"] == pytest.approx(45 * 38 / 93)
    share = Message("{share:.1f}%", share=12.25)
    assert (str(share), shown(share, "en")) == ("12.2%", "12.2%")
    assert shown("Median [IQR]", "fr") == "Médiane [EIQ]"
