"""Anakinra and siltuximab doses against the pathway, table-driven, quoting docs/sources.md:

"anakinra off label, regimens vary (e.g. 100 mg q6h; published range 50-200 mg/day SC up to high-dose IV; children
2 mg/kg q6h IV, maximum 100 mg a dose): a setting, weight-based in children; siltuximab 11 mg/kg IV".
"""

from __future__ import annotations

from pathlib import Path

import pytest

from iectox.management.adherence import adherence
from iectox.management.anticytokines import ANTICYTOKINE_RULES
from iectox.management.findings import INFO, WARNING
from iectox.management.pathway import default_pathway
from iectox.rules import Registry
from management_factories import dataset, dose, evidence, infusion

PATHWAY = default_pathway()
SOURCES = " ".join((Path(__file__).parents[1] / "docs" / "sources.md").read_text(encoding="utf-8").split())
RULES = Registry("anticytokines", list(ANTICYTOKINE_RULES))

CASES = [
    # drug, dose mg, weight kg, findings (severity) or none, the words of docs/sources.md followed
    ("anakinra", 100.0, 70.0, [], "e.g. 100 mg q6h"),
    ("anakinra", 40.0, 20.0, [], "children 2 mg/kg q6h IV"),
    ("anakinra", 100.0, 20.0, [], "regimens vary (e.g. 100 mg q6h"),  # the adult dose stays allowed
    ("anakinra", 100.0, 60.0, [], "maximum 100 mg a dose"),  # 2 mg/kg x 60 kg = 120, capped at 100
    ("anakinra", 200.0, 70.0, [INFO], "anakinra off label, regimens vary"),  # information, not a deviation
    ("anakinra", 40.0, None, [INFO], "weight-based in children"),  # no weight: the per-kg dose is unchecked
    ("siltuximab", 770.0, 70.0, [], "siltuximab 11 mg/kg IV"),
    ("siltuximab", 110.0, 10.0, [], "siltuximab 11 mg/kg IV"),
    ("siltuximab", 400.0, 70.0, [WARNING], "siltuximab 11 mg/kg IV"),
    ("siltuximab", 770.0, None, [INFO], "siltuximab 11 mg/kg IV"),
]


@pytest.mark.parametrize(("drug", "mg", "weight", "severities", "quote"), CASES)
def test_anticytokine_doses(drug, mg, weight, severities, quote):
    assert quote in SOURCES
    data = dataset([], [dose("X1", drug, 5, mg, "CRS")], [infusion(weight_kg=weight)])
    _, findings = adherence(evidence(data, PATHWAY), RULES)
    assert [f.severity for f in findings] == severities
    assert all(f.administration_id == "X1" and f.rule == f"anticytokines.{drug}_dose" for f in findings)


def test_the_doses_are_pathway_settings():
    pathway = PATHWAY.replace(anticytokines__anakinra_mg=200.0)
    data = dataset([], [dose("X1", "anakinra", 5, 200.0, "CRS")])
    assert adherence(evidence(data, pathway), RULES)[1] == []


def test_the_sentences_in_both_languages():
    data = dataset([], [dose("X1", "siltuximab", 5, 400.0, "CRS")])
    [found] = adherence(evidence(data, PATHWAY), RULES)[1]
    assert found.sentence() == "Siltuximab 400 mg is 5.7 mg/kg at 70 kg; the pathway gives 11 mg/kg."
    assert found.sentence("fr").startswith("Siltuximab 400")
