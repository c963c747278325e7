"""Escalation rules, table-driven, each quoting the sentence of docs/sources.md it follows.

- "CRS grade >= 2: tocilizumab; add dexamethasone if no improvement after 24 h" (Management pathway);
- "grade 4: high-dose methylprednisolone" (Management pathway, ICANS without CRS), with the doses of
  "methylprednisolone 1 g/day x 3 days for grade 4" and "methylprednisolone 500 mg IV q12h" (Corticosteroids).
One event is one finding: an ICANS of grade 4 with no corticosteroid is `icans.corticosteroids`' finding only.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from iectox.management.adherence import adherence
from iectox.management.findings import DEVIATION
from iectox.management.pathway import default_pathway
from management_factories import at, dataset, dose, episode, evidence, infusion

PATHWAY = default_pathway()
SOURCES = " ".join((Path(__file__).parents[1] / "docs" / "sources.md").read_text(encoding="utf-8").split())
NO_IMPROVEMENT = "CRS grade >= 2: tocilizumab; add dexamethasone if no improvement after 24 h"
HIGH_DOSE = "grade 4: high-dose methylprednisolone"


def _observed(rows):
    """Graded bedside observations: (hours, CRS grade)."""
    return pd.DataFrame(
        {
            "infusion_id": ["INF-1"] * len(rows),
            "observed_at": [at(h) for h, _ in rows],
            "observed_at_time_known": [True] * len(rows),
            "crs_grade": pd.array([g for _, g in rows], dtype="Int64"),
        }
    )


def _judge(episodes, doses, observed=None, infusions=None):
    found = replace(evidence(dataset(episodes, doses, infusions), PATHWAY), observations=observed)
    rows, findings = adherence(found)
    return rows.set_index(["rule", "episode_id"]), findings


TOCILIZUMAB = dose("A1", "tocilizumab", 2, 560)
NO_IMPROVEMENT_CASES = [
    # CRS grade, doses, observations (h, grade), outcome (None: the rule does not judge it), findings
    (2, [TOCILIZUMAB], [(30, 2)], "untreated", [DEVIATION]),
    (2, [TOCILIZUMAB, dose("D1", "dexamethasone", 28, 10)], [(30, 2)], "met", []),
    (2, [TOCILIZUMAB], [(30, 1)], None, []),  # improved: grade 1 at 28 h after tocilizumab
    (2, [TOCILIZUMAB], [(20, 2)], None, []),  # 18 h after tocilizumab: too early to say
    (2, [TOCILIZUMAB], [], None, []),  # no observation: improvement is never guessed
    (2, [], [(30, 2)], None, []),  # no tocilizumab: crs.tocilizumab's finding, not this one
    (3, [TOCILIZUMAB], [(30, 3)], None, []),  # grade 3: crs.corticosteroids judges it
    (2, [dose("A1", "tocilizumab", 2, 560, day_only=True)], [(30, 2)], None, []),  # hour unknown: not guessed
]


@pytest.mark.parametrize(("grade", "doses", "observed", "outcome", "severities"), NO_IMPROVEMENT_CASES)
def test_grade_2_crs_not_improving_24_h_after_tocilizumab_gets_dexamethasone(
    grade, doses, observed, outcome, severities
):
    assert NO_IMPROVEMENT in SOURCES
    rows, findings = _judge([episode("EP-1", "CRS", 0, 96, grade)], doses, _observed(observed))
    key = ("crs.grade2_dexamethasone", "EP-1")
    assert (rows.loc[key, "outcome"] if key in rows.index else None) == outcome
    assert [f.severity for f in findings if f.rule == key[0]] == severities


HIGH_DOSE_CASES = [
    # ICANS grade, weight kg, doses, outcome, this rule's findings, icans.corticosteroids' findings
    (4, 70.0, [dose("M1", "methylprednisolone", 1, 1000, "ICANS")], "met", 0, 0),
    (4, 70.0, [dose(f"M{h}", "methylprednisolone", h, 500, "ICANS") for h in (1, 13, 25)], "met", 0, 0),
    (4, 70.0, [dose("D1", "dexamethasone", 1, 10, "ICANS")], "not_followed", 1, 0),
    (4, 70.0, [dose("M1", "methylprednisolone", 1, 70, "ICANS")], "not_followed", 1, 0),  # 1 mg/kg
    (4, 70.0, [], "untreated", 0, 1),  # one event, one finding: icans.corticosteroids names it
    (4, 10.0, [dose("M1", "methylprednisolone", 1, 150, "ICANS")], "met", 0, 0),  # a child: 15 mg/kg
    (3, 70.0, [dose("D1", "dexamethasone", 1, 10, "ICANS")], None, 0, 0),
]


@pytest.mark.parametrize(("grade", "weight", "doses", "outcome", "mine", "theirs"), HIGH_DOSE_CASES)
def test_grade_4_icans_gets_high_dose_methylprednisolone(grade, weight, doses, outcome, mine, theirs):
    assert HIGH_DOSE in SOURCES and "methylprednisolone 500 mg IV q12h" in SOURCES
    infusions = [infusion(weight_kg=weight)]
    rows, findings = _judge([episode("EP-1", "ICANS", 0, 96, grade)], doses, infusions=infusions)
    key = ("icans.high_dose_methylprednisolone", "EP-1")
    assert (rows.loc[key, "outcome"] if key in rows.index else None) == outcome
    assert sum(f.rule == key[0] for f in findings) == mine
    assert sum(f.rule == "icans.corticosteroids" and f.severity == DEVIATION for f in findings) == theirs


def test_the_finding_says_what_was_missing_in_both_languages():
    _, findings = _judge([episode("EP-1", "ICANS", 0, 96, 4)], [dose("D1", "dexamethasone", 1, 10, "ICANS")])
    [found] = [f for f in findings if f.rule == "icans.high_dose_methylprednisolone"]
    assert found.sentence() == (
        "Grade 4 ICANS treated with corticosteroids but not with high-dose methylprednisolone "
        "(at least 500 mg a dose); the pathway gives it from grade 4."
    )
    assert found.sentence("fr").startswith("ICANS de grade 4 traité par corticoïdes")
