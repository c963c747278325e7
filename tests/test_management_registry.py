"""The management registry: every rule declared once, checked by one conformance suite; a new rule is one object.

The conformance tests run over the whole registry, so a rule added to it is checked by tests that already
exist: its settings exist in the pathway, its sentences have a French translation, its findings carry its
id and source, and a rule with a title becomes a KPI with that label, in registry order.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from iectox.i18n import N_, catalog
from iectox.management.audit import audit
from iectox.management.evidence import Evidence, Verdicts, emit
from iectox.management.findings import INFO
from iectox.management.outcomes import rows
from iectox.management.pathway import default_pathway
from iectox.management.registry import MANAGEMENT, cite, kpi_rules, rule_label
from iectox.management.verdicts import LATE, MET
from iectox.render.audit import audit_json
from iectox.render.audit_xlsx import workbook
from iectox.rules import Registry, Rule
from management_factories import dataset, dose, episode, infusion

PATHWAY = default_pathway()


@pytest.mark.parametrize("rule", list(MANAGEMENT.values()), ids=list(MANAGEMENT))
def test_every_rule_is_complete(rule):
    assert rule.id.split(".")[0] in {
        "crs",
        "icans",
        "tocilizumab",
        "corticosteroids",
        "anticytokines",
        "episode",
        "bsab",
    }
    assert rule.source and rule.message
    for key in rule.settings:
        assert PATHWAY.setting(key).source  # a rule reads only settings the pathway declares
    for text in (rule.message, rule.title, rule.source):
        if text:
            assert text in catalog("fr"), text


def test_kpis_follow_the_rules_with_a_title_in_registry_order():
    assert [r.id for r in kpi_rules()] == [
        "crs.onset_to_tocilizumab",
        "crs.tocilizumab",
        "crs.grade1_persistent_tocilizumab",
        "crs.corticosteroids",
        "crs.grade2_dexamethasone",
        "icans.corticosteroids",
        "icans.without_crs",
        "icans.high_dose_methylprednisolone",
    ]


def test_icans_without_crs_given_tocilizumab_is_one_rule():
    ids = [r for r in MANAGEMENT if "icans" in r and "crs" in r]
    assert ids == ["icans.without_crs"]


def test_a_source_is_the_rule_s_then_its_settings_each_once():
    rule = MANAGEMENT["crs.tocilizumab"]
    assert cite(rule, PATHWAY) == "; ".join(
        [rule.source, PATHWAY.crs.tocilizumab_from_grade.source, PATHWAY.crs.tocilizumab_within_h.source]
    )
    window = MANAGEMENT["tocilizumab.doses_in_window"]  # both settings give the same source: said once
    assert cite(window, PATHWAY).count(PATHWAY.tocilizumab.window_h.source) == 1


def test_labels_carry_this_pathway_s_thresholds():
    strict = PATHWAY.replace(icans__corticosteroid_within_h=1)
    rule = MANAGEMENT["icans.corticosteroids"]
    assert rule_label(rule, strict) == "ICANS grade >= 2: corticosteroids within 1 h"
    assert rule_label(rule, strict, "fr") == "ICANS de grade ≥ 2 : corticoïdes en 1 h"


# A throwaway pathway rule, written as docs/management_audit.md shows: CRS of grade >= 2 should see a first
# tocilizumab dose within the pathway's target counted from onset (a looser clock than crs.tocilizumab).
def onset_clock(evidence: Evidence) -> Verdicts:
    limit = evidence.pathway.crs.tocilizumab_within_h.value
    eps = evidence.episodes
    eps = eps[(eps["syndrome"] == "CRS") & eps["grade"].ge(2).fillna(False)]
    delay = eps["hours_onset_to_tocilizumab"]
    late = delay.gt(limit).fillna(False)
    outcome = pd.Series(np.where(late, LATE, MET), index=eps.index, dtype="string")
    found = emit(eps, late, INFO, N_("Tocilizumab {delay} h after CRS onset."), delay=delay)
    return Verdicts(found, rows(eps, outcome, delay, limit))


THROWAWAY = Rule(
    id="crs.tocilizumab_from_onset",
    severity="info",
    source="test: a rule added in one object",
    message=N_("Tocilizumab {delay} h after CRS onset."),
    title=N_("CRS grade >= 2: tocilizumab within {a} h of onset"),
    columns=("episodes.grade", "episodes.hours_onset_to_tocilizumab"),
    settings=("crs.tocilizumab_within_h",),
    evaluate=onset_clock,
)


@pytest.fixture(scope="module")
def extended():
    registry = Registry("extended", [*MANAGEMENT.values(), THROWAWAY])
    data = dataset(
        [episode("EP-1", "CRS", 0, 48, 2), episode("EP-2", "CRS", 0, 48, 2, infusion_id="INF-2")],
        [
            dose("A-1", "tocilizumab", 1, 560),
            dose("A-2", "tocilizumab", 5, 560, infusion_id="INF-2"),
        ],
        [infusion(), infusion("INF-2")],
    )
    return audit(data, PATHWAY, rules=registry)


def test_a_registered_rule_gives_findings_with_its_id_and_source(extended):
    found = [f for f in extended.findings if f.rule == THROWAWAY.id]
    assert [(f.episode_id, f.sentence()) for f in found] == [("EP-2", "Tocilizumab 5 h after CRS onset.")]
    assert found[0].source == f"{THROWAWAY.source}; {PATHWAY.crs.tocilizumab_within_h.source}"
    assert THROWAWAY.id in set(extended.findings_table()["rule"])


def test_a_registered_rule_with_a_title_is_a_kpi_shown_last(extended):
    kpis = extended.kpis_by_cohort
    assert kpis["rule"].drop_duplicates().iloc[-1] == THROWAWAY.id
    row = kpis[kpis["rule"] == THROWAWAY.id].iloc[0]
    assert (row["n"], row["met"], row["late"], row["target_h"]) == (2, 1, 1, "2")
    assert extended.label(THROWAWAY.id) == "CRS grade >= 2: tocilizumab within 2 h of onset"
    data = json.loads(json.dumps(audit_json(extended), default=str))
    assert data["kpi_labels"][THROWAWAY.id] == "CRS grade >= 2: tocilizumab within 2 h of onset"
    labels = [c.value for c in workbook(extended)["kpis_by_cohort"]["B"]]
    assert labels[-1] == "CRS grade >= 2: tocilizumab within 2 h of onset"


def test_a_rule_id_is_declared_once():
    with pytest.raises(ValueError, match="declared twice"):
        Registry("twice", [*MANAGEMENT.values(), MANAGEMENT["crs.tocilizumab"]])
