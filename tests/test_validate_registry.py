"""The validation rules as objects: one registry gives their order, their docs, and who is passed settings."""

from __future__ import annotations

import inspect
import string
from datetime import date

import pandas as pd
import pytest

from iectox.errors import Issue
from iectox.i18n import N_
from iectox.rules import Registry, Rule
from iectox.validate import Settings, registry
from iectox.validate.docs import validation_rules_markdown
from iectox.validate.frames import Frames
from iectox.validate.registry import READING, VALIDATION, run_rules

ALL_RULES = [*READING.values(), *VALIDATION.values()]


def _late_dose(frames: Frames) -> pd.Series:
    doses = frames.tables["administrations"]
    return frames.flag(LATE_DOSE, "administrations", "dose_mg", doses["dose_mg"] > 500, dose=doses["dose_mg"])


LATE_DOSE = Rule(
    id="dose_above_500_mg",
    severity="warning",
    source="a throwaway rule of this test",
    title="No dose above 500 mg.",
    message=N_("dose_mg {dose} is above 500 mg"),
    columns=("administrations.dose_mg",),
    evaluate=_late_dose,  # takes no settings: it would fail if it were passed any
)


def test_a_registered_rule_is_checked_reported_and_documented(raw, monkeypatch):
    monkeypatch.setattr(registry, "VALIDATION", Registry("validation", [*VALIDATION.values(), LATE_DOSE]))
    flagged = [i for i in raw.issues() if i.rule == LATE_DOSE.id]
    doses = raw.tables["administrations"]["dose_mg"].astype(float)
    assert [i.row for i in flagged] == doses.index[doses > 500].tolist() and flagged
    issue = flagged[0]
    assert (issue.file, issue.column, issue.severity) == ("administrations.csv", "dose_mg", "warning")
    assert issue.message == f"dose_mg {issue.value} is above 500 mg"
    assert (issue.template, issue.values) == (LATE_DOSE.message, {"dose": issue.value})
    assert "| `dose_above_500_mg` | No dose above 500 mg. | warning | a throwaway rule of this test |" in (
        validation_rules_markdown()
    )


def test_a_rule_id_cannot_be_declared_twice():
    with pytest.raises(ValueError, match="rule id 'range' is declared twice"):
        Registry("validation", [*VALIDATION.values(), VALIDATION["range"]])
    assert len({rule.id for rule in ALL_RULES}) == len(ALL_RULES)


def test_only_the_study_period_rule_reads_settings_and_it_is_passed_them_by_name():
    readers = {rule.id: rule.settings for rule in VALIDATION.values() if rule.settings}
    assert readers == {"infusion_in_study_period": ("study_start", "study_end")}
    for rule in VALIDATION.values():
        assert list(inspect.signature(rule.evaluate).parameters) == ["frames", *rule.settings], rule.id


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda rule: rule.id)
def test_every_rule_is_documented_with_its_source_and_a_template(rule):
    assert rule.title.endswith(".") and rule.source
    placeholders = {name for _, name, _, _ in string.Formatter().parse(rule.message) if name}
    assert placeholders == set(placeholders) and "{" not in rule.message.format(
        **dict.fromkeys(placeholders, "x")
    )
    assert f"| `{rule.id}` | {rule.title} | {rule.severity} |" in validation_rules_markdown()


def test_each_issue_carries_its_template_and_values_to_be_translated(raw):
    raw.set("patients", 2, "sex", "femal").set("infusions", 2, "trial_id", "NCT123")
    raw.set("infusions", 3, "weight_kg", "seventy").set("outcomes", 3, "last_follow_up", "2023-05-01")
    issues = raw.issues(Settings(study_start=date(2020, 1, 1), study_end=date(2024, 7, 1)))
    assert {i.rule for i in issues} >= {"vocabulary", "number", "infusion_in_study_period"}
    for issue in issues:
        assert issue.template != issue.message or not issue.values
        assert issue.template.format(**issue.values) == issue.message
    vocabulary = next(i for i in issues if i.rule == "vocabulary")
    assert vocabulary.values == {
        "value": "femal",
        "column": "sex",
        "hint": "female",
        "allowed": "male, female, other, unknown",
    }


def test_an_issue_made_without_a_template_is_its_own_template():
    issue = Issue("x.csv", None, 2, "sex", "x", "custom", "a sentence")
    assert (issue.template, issue.values) == ("a sentence", {})
    assert issue == Issue("x.csv", None, 2, "sex", "x", "custom", "a sentence") and hash(issue)


def test_cells_that_fail_their_range_are_blank_for_the_rules_after(raw):
    """Age 200 is reported once, as out of range, not again as disagreeing with the birth year."""
    errors = raw.set("infusions", 2, "age_at_infusion", "200").errors()
    assert [(e.rule, e.row, e.column) for e in errors] == [("range", 2, "age_at_infusion")]


def test_run_rules_takes_any_registry(raw):
    only = Registry("one rule", [LATE_DOSE])
    frames = Frames({"administrations": pd.DataFrame({"dose_mg": [100.0, 800.0]}, index=[2, 3])})
    issues = run_rules(frames, Settings(), only)
    assert [(i.row, i.message) for i in issues] == [(3, "dose_mg 800 is above 500 mg")]
