"""Bedside advice: what the pathway says next, case by case, each case quoting the rule it follows.

The sentences quoted are those of the project's clinical reference (clinical_rules.md, kept outside the
repository; copied here with their provenance so that a clone can read them):

- LABEL: "Dose: 8 mg/kg IV over 1 h for patients >= 30 kg, maximum 800 mg per dose; 12 mg/kg for < 30 kg."
  (clinical_rules.md, "Tocilizumab for CRS": US/EU labels of tocilizumab and of the CAR-T products; NCCN)
- REPEAT: "Repeat no sooner than 8 h apart (tocilizumab label: "up to 3 additional doses", so at most 4 in
  total); at most 3 doses in 24 h" (same section)
- GRADE2: "CRS grade >= 2: tocilizumab; [...] grade 3: dexamethasone 10 mg q6h." (clinical_rules.md,
  "Management pathway")
- GRADE1: "CRS grade 1: tocilizumab considered when persistent (> 3 days, ASCO 2021) or earlier for high-risk
  products / elderly / comorbid patients (axi-cel, brexu-cel: > 24 h)." (same section)
- ICANS: "ICANS without CRS: corticosteroids (grade 2: dexamethasone 10 mg; grade 3: dexamethasone 10 mg q6h
  or methylprednisolone 1 mg/kg q12h; grade 4: high-dose methylprednisolone); tocilizumab only if CRS is also
  present." (same section)
- PULSE: "methylprednisolone 1 g/day x 3 days for grade 4" (clinical_rules.md, "Corticosteroids and other
  agents")

The pathway's own targets (tocilizumab within 2 h of grade 2, corticosteroids within 2 h of ICANS grade 2)
are local defaults of `default.toml`, marked unconfirmed there.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

import management_factories as mf
from iectox.management.advice import BEDSIDE, advise
from iectox.management.advice_items import AVOID, CONTINUE, GIVE, GIVEN, NO_MORE, REPEAT, WAIT, WATCH
from iectox.management.audit import audit
from iectox.management.bedside import Bedside, GivenDose, Syndrome
from iectox.management.pathway import default_pathway, load_pathway
from iectox.management.registry import MANAGEMENT

ROOT = Path(__file__).resolve().parents[1]
T0 = datetime(2024, 1, 10, 8, 0)  # every case: hours after this morning


def h(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def toci(*hours: float) -> tuple[GivenDose, ...]:
    return tuple(GivenDose("tocilizumab", h(x), 560.0) for x in hours)


def crs(grade: int | None, onset: float | None = None, since: float | None = None) -> Syndrome:
    """CRS at `grade`, begun at `onset` hours, first seen at `grade` at `since` hours."""
    reached = {1: h(onset)} if onset is not None else {}
    if since is not None and grade:
        reached[grade] = h(since)
    return Syndrome(grade, reached=reached)


def icans(grade: int | None, since: float | None = None) -> Syndrome:
    return Syndrome(grade, reached={grade: h(since)} if since is not None and grade else {})


def only(result, drug: str):
    found = [a for a in result.items if a.drug == drug]
    assert len(found) == 1, [(a.rule, a.drug) for a in result.items]
    return found[0]


TOCILIZUMAB_CASES = [
    # (why, bedside, action, dose_mg, vials {size: n}, due_by hours, not_before hours)
    (
        "GRADE2 + LABEL: 70 kg, 8 mg/kg = 560 mg, 400 + 2 x 80, within 2 h of grade 2",
        Bedside(h(1), crs=crs(2, onset=-2, since=0), weight_kg=70),
        GIVE,
        560.0,
        {400: 1, 80: 2},
        2,
        None,
    ),
    (
        "LABEL: < 30 kg takes 12 mg/kg: 25 kg = 300 mg, 4 x 80 wastes least (20 mg)",
        Bedside(h(0), crs=crs(2, since=0), weight_kg=25),
        GIVE,
        300.0,
        {80: 4},
        2,
        None,
    ),
    (
        "LABEL: maximum 800 mg per dose: 110 kg gets 800 mg, 2 x 400",
        Bedside(h(0), crs=crs(3, since=0), weight_kg=110),
        GIVE,
        800.0,
        {400: 2},
        2,
        None,
    ),
    (
        "REPEAT: no sooner than 8 h apart: a dose at 0 h, asked at 3 h, next from 8 h",
        Bedside(h(3), crs=crs(2, onset=-1, since=-1), weight_kg=70, doses=toci(0)),
        WAIT,
        560.0,
        {400: 1, 80: 2},
        None,
        8,
    ),
    (
        "REPEAT: 8 h after the last dose a further dose is allowed, if CRS does not improve",
        Bedside(h(8), crs=crs(2, onset=-1, since=-1), weight_kg=70, doses=toci(0)),
        REPEAT,
        560.0,
        {400: 1, 80: 2},
        None,
        8,
    ),
    (
        "REPEAT: 'so at most 4 in total': a 5th dose in the episode is refused",
        Bedside(h(40), crs=crs(3, onset=-1, since=-1), weight_kg=70, doses=toci(0, 8, 16, 32)),
        NO_MORE,
        None,
        None,
        None,
        None,
    ),
    (
        "a dose before this CRS began (another episode) does not count in its 4 but does in the 8 h",
        Bedside(h(5), crs=crs(2, onset=1, since=2), weight_kg=70, doses=toci(0)),
        WAIT,
        560.0,
        {400: 1, 80: 2},
        4,
        8,
    ),
    (
        "GRADE1: persistent > 3 days: grade 1 since 0 h, at 10 h: watch until 72 h",
        Bedside(h(10), crs=crs(1, onset=0), weight_kg=70, therapy="tisagenlecleucel"),
        WATCH,
        None,
        None,
        None,
        72,
    ),
    (
        "GRADE1: high-risk axi-cel, > 24 h: at exactly 24 h it has not yet persisted beyond",
        Bedside(h(24), crs=crs(1, onset=0), weight_kg=70, therapy="axicabtagene_ciloleucel"),
        WATCH,
        None,
        None,
        None,
        24,
    ),
    (
        "GRADE1: high-risk axi-cel, > 24 h: at 25 h tocilizumab, due 24 h after the threshold (48 h)",
        Bedside(h(25), crs=crs(1, onset=0), weight_kg=70, therapy="axicabtagene_ciloleucel"),
        GIVE,
        560.0,
        {400: 1, 80: 2},
        48,
        None,
    ),
    (
        "GRADE2 without a weight: tocilizumab is advised, its dose is not guessed",
        Bedside(h(0), crs=crs(2, since=0)),
        GIVE,
        None,
        None,
        2,
        None,
    ),
    (
        "the pathway's clock unrecorded: the target counts from the advice",
        Bedside(h(5), crs=crs(2), weight_kg=70),
        GIVE,
        560.0,
        {400: 1, 80: 2},
        7,
        None,
    ),
]


@pytest.mark.parametrize(
    ("why", "bedside", "action", "dose", "vials", "due", "not_before"),
    TOCILIZUMAB_CASES,
    ids=[c[0] for c in TOCILIZUMAB_CASES],
)
def test_tocilizumab(why, bedside, action, dose, vials, due, not_before):
    item = only(advise(bedside), "tocilizumab")
    assert item.action == action, why
    assert item.dose_mg == dose
    assert (
        None
        if item.vials is None
        else {s: item.vials.count(s) for s in (400, 200, 80) if item.vials.count(s)}
    ) == vials
    assert item.due_by == (None if due is None else h(due))
    assert item.not_before == (None if not_before is None else h(not_before))


def test_no_further_dose_names_the_label_limit():
    item = only(advise(TOCILIZUMAB_CASES[5][1]), "tocilizumab")
    assert [str(r.text) for r in item.reasons if r.rule == "tocilizumab.doses_per_episode"] == [
        "4 doses of tocilizumab in this CRS episode; the label allows 4 in total."
    ]


def test_three_doses_in_24_hours_hold_the_fourth_until_the_first_leaves_the_window():
    """REPEAT: "at most 3 doses in 24 h" binds when a pathway allows doses closer than 8 h (here 4 h)."""
    pathway = default_pathway().replace(tocilizumab__min_interval_h=4)
    bedside = Bedside(h(10), crs=crs(3, onset=-1, since=-1), weight_kg=70, doses=toci(0, 4, 8))
    item = only(advise(bedside, pathway), "tocilizumab")
    assert (item.action, item.not_before) == (WAIT, h(24))
    assert "3 doses of tocilizumab within 24 h; the pathway allows at most 3." in [
        str(r.text) for r in item.reasons
    ]


def test_a_dose_known_to_the_day_counts_at_the_end_of_its_day():
    day_only = GivenDose("tocilizumab", datetime(2024, 1, 10), 560.0, time_known=False)
    bedside = Bedside(h(4), crs=crs(2, onset=-8, since=-8), weight_kg=70, doses=(day_only,))
    item = only(advise(bedside), "tocilizumab")
    assert (item.action, item.not_before) == (WAIT, datetime(2024, 1, 11, 8, 0))  # midnight + 8 h


def test_the_pathway_file_sets_the_target_and_the_grade():
    stricter = load_pathway(ROOT / "examples" / "pathways" / "stricter_targets.toml")
    item = only(advise(Bedside(h(0), crs=crs(2, since=0), weight_kg=70), stricter), "tocilizumab")
    assert (item.within_h, item.due_by) == (1, h(1))  # "within 1 h" in that hospital's file
    later = default_pathway().replace(crs__tocilizumab_from_grade=3)
    assert [a.drug for a in advise(Bedside(h(0), crs=crs(2, since=0)), later).items] == []


CORTICOSTEROID_CASES = [
    # (why, bedside, drug, action, dose_mg, every_h, due_by hours, not_before hours)
    (
        "GRADE2: grade 3 CRS: dexamethasone 10 mg q6h",
        Bedside(h(0), crs=crs(3, since=0)),
        "dexamethasone",
        GIVE,
        10.0,
        6.0,
        None,
        None,
    ),
    (
        "PULSE: grade 4 CRS: methylprednisolone 1 g/day",
        Bedside(h(0), crs=crs(4, since=0)),
        "methylprednisolone",
        GIVE,
        1000.0,
        24.0,
        None,
        None,
    ),
    (
        "GRADE2: dexamethasone q6h under way: the next dose 6 h after the last",
        Bedside(h(3), crs=crs(3, since=0), doses=(GivenDose("dexamethasone", h(1), 10.0),)),
        "dexamethasone",
        CONTINUE,
        10.0,
        6.0,
        None,
        7,
    ),
    (
        "GRADE3 a month after a dexamethasone course (same infusion): that course has stopped, a new one starts",
        Bedside(h(0), crs=crs(3, since=-720), doses=(GivenDose("dexamethasone", h(-700), 10.0),)),
        "dexamethasone",
        GIVE,
        10.0,
        6.0,
        None,
        None,
    ),
    (
        "GRADE3: dexamethasone q6h one dose late (11 h after the last) is still under way",
        Bedside(h(12), crs=crs(3, since=0), doses=(GivenDose("dexamethasone", h(1), 10.0),)),
        "dexamethasone",
        CONTINUE,
        10.0,
        6.0,
        None,
        7,
    ),
    (
        "ICANS: grade 2: dexamethasone 10 mg, within 2 h",
        Bedside(h(0), crs=crs(0), icans=icans(2, since=0)),
        "dexamethasone",
        GIVE,
        10.0,
        None,
        2,
        None,
    ),
    (
        "ICANS: grade 2 given its dexamethasone: nothing more due",
        Bedside(h(3), crs=crs(0), icans=icans(2, since=0), doses=(GivenDose("dexamethasone", h(1), 10.0),)),
        "dexamethasone",
        GIVEN,
        10.0,
        None,
        None,
        None,
    ),
    (
        "ICANS: grade 3: dexamethasone 10 mg q6h",
        Bedside(h(0), icans=icans(3, since=0), weight_kg=70),
        "dexamethasone",
        GIVE,
        10.0,
        6.0,
        2,
        None,
    ),
    (
        "ICANS + PULSE: grade 4: high-dose methylprednisolone",
        Bedside(h(0), icans=icans(4, since=0)),
        "methylprednisolone",
        GIVE,
        1000.0,
        24.0,
        2,
        None,
    ),
]


@pytest.mark.parametrize(
    ("why", "bedside", "drug", "action", "dose", "every", "due", "not_before"),
    CORTICOSTEROID_CASES,
    ids=[c[0] for c in CORTICOSTEROID_CASES],
)
def test_corticosteroids(why, bedside, drug, action, dose, every, due, not_before):
    item = only(advise(bedside), drug)
    assert (item.action, item.dose_mg, item.every_h) == (action, dose, every), why
    assert item.due_by == (None if due is None else h(due))
    assert item.not_before == (None if not_before is None else h(not_before))


def test_grade_3_icans_offers_methylprednisolone_1_mg_per_kg_q12h():
    item = only(advise(Bedside(h(0), icans=icans(3, since=0), weight_kg=70)), "dexamethasone")
    (other,) = item.alternatives
    assert (other.drug, other.mg_per_kg, other.dose_mg, other.every_h) == (
        "methylprednisolone",
        1.0,
        70.0,
        12.0,
    )


def test_icans_without_crs_gets_no_tocilizumab_and_with_crs_it_does():
    alone = advise(Bedside(h(0), crs=crs(0), icans=icans(2, since=0), weight_kg=70))
    assert (only(alone, "tocilizumab").action, only(alone, "tocilizumab").rule) == (
        AVOID,
        "bedside.icans_without_crs",
    )
    both = advise(Bedside(h(0), crs=crs(2, since=0), icans=icans(2, since=0), weight_kg=70))
    assert only(both, "tocilizumab").action == GIVE
    unknown = advise(Bedside(h(0), icans=icans(2, since=0), weight_kg=70))  # CRS not graded: nothing said
    assert [a.drug for a in unknown.items] == ["dexamethasone"]


def test_nothing_is_advised_without_a_grade_or_at_grade_0():
    assert advise(Bedside(h(0))).items == ()
    assert advise(Bedside(h(0), crs=crs(0), icans=icans(0))).items == ()


def test_every_bedside_rule_cites_the_audit_rule_it_anticipates():
    anticipated = {
        "bedside.crs_tocilizumab": "crs.tocilizumab",
        "bedside.crs_grade1_persistent": "crs.grade1_persistent_tocilizumab",
        "bedside.crs_corticosteroids": "crs.corticosteroids",
        "bedside.icans_corticosteroids": "icans.corticosteroids",
        "bedside.icans_without_crs": "icans.without_crs",
    }
    assert list(BEDSIDE) == list(anticipated)
    pathway = default_pathway()
    for rule in BEDSIDE.values():
        assert rule.source == MANAGEMENT[anticipated[rule.id]].source
        for key in rule.settings:
            pathway.setting(key)  # every setting it declares exists


def test_reasons_carry_their_sources():
    item = only(
        advise(Bedside(h(3), crs=crs(2, onset=-1, since=-1), weight_kg=70, doses=toci(0))), "tocilizumab"
    )
    interval = next(r for r in item.reasons if r.rule == "tocilizumab.interval")
    assert (
        str(interval.text)
        == "Last tocilizumab at 2024-01-10 08:00; the label requires at least 8 h between doses."
    )
    assert interval.sources[-1].startswith(
        "Tocilizumab labels (RoActemra SmPC 4.2, Actemra USPI, CRS): repeat no sooner"
    )
    dose = next(r for r in item.reasons if r.rule == "tocilizumab.dose")
    assert str(dose.text) == "Label dose at 70 kg: 8 mg/kg = 560 mg (at most 800 mg a dose)."


def test_bad_bedside_values_are_refused():
    with pytest.raises(ValueError, match="grade is 0 to 4"):
        Syndrome(5)
    with pytest.raises(ValueError, match="after"):
        Bedside(h(0), doses=toci(1))
    with pytest.raises(ValueError, match="positive"):
        Bedside(h(0), weight_kg=0)
    with pytest.raises(ValueError, match="not one of"):
        GivenDose("aspirin", h(0))


def test_as_dict_is_plain_json():
    import json

    result = advise(Bedside(h(1), crs=crs(2, onset=-2, since=0), weight_kg=70))
    data = json.loads(json.dumps(result.as_dict()))
    (item,) = data["advice"]
    assert item["vials"] == {"400": 1, "80": 2} and item["due_by"] == "2024-01-10T10:00"
    assert (
        item["reasons"][0]["template"]
        == "Grade {grade} CRS: the pathway gives tocilizumab from grade {from_grade}."
    )


def _audited(doses_h: list[float], pathway, crs_grade: int = 3) -> set[str]:
    """The rules of the audit's findings on the doses given at `doses_h` hours after T0 (a CRS from -1 h)."""
    data = mf.dataset(
        episodes=[mf.episode("EP-1", "CRS", -1, None, crs_grade)],
        doses=[mf.dose(f"ADM-{n}", "tocilizumab", x, 560.0) for n, x in enumerate(doses_h, 1)],
    )
    return {f.rule for f in audit(data, pathway).findings if f.rule.startswith("tocilizumab.")}


@pytest.mark.parametrize(
    ("given", "interval"),
    [([0], 8.0), ([0, 8, 16], 8.0)],
    ids=["one dose given", "three doses given"],
)
def test_a_dose_at_the_time_advised_gives_the_audit_nothing_to_say_and_one_earlier_does(given, interval):
    pathway = default_pathway()
    asked = given[-1] + 1
    bedside = Bedside(
        mf.at(asked), crs=Syndrome(3, reached={1: mf.at(-1)}), weight_kg=70, doses=_toci_at(given)
    )
    item = only(advise(bedside, pathway), "tocilizumab")
    assert item.action == WAIT and item.dose_mg == 560.0
    advised = (item.not_before - mf.T0.to_pydatetime()) / timedelta(hours=1)
    assert advised == given[-1] + interval
    assert _audited([*given, advised], pathway) == set()
    assert "tocilizumab.interval" in _audited([*given, advised - 0.5], pathway)  # (and the 24 h window)


def test_the_window_time_advised_is_the_audits_boundary():
    pathway = default_pathway().replace(tocilizumab__min_interval_h=4)
    bedside = Bedside(
        mf.at(10), crs=Syndrome(3, reached={1: mf.at(-1)}), weight_kg=70, doses=_toci_at([0, 4, 8])
    )
    item = only(advise(bedside, pathway), "tocilizumab")
    advised = (item.not_before - mf.T0.to_pydatetime()) / timedelta(hours=1)
    assert advised == 24
    assert _audited([0, 4, 8, advised], pathway) == set()
    assert _audited([0, 4, 8, advised - 0.5], pathway) == {"tocilizumab.doses_in_window"}


def test_no_more_is_where_the_audit_counts_one_too_many():
    pathway = default_pathway()
    given = [0, 8, 16, 24]
    bedside = Bedside(mf.at(40), crs=Syndrome(3, reached={1: mf.at(-1)}), weight_kg=70, doses=_toci_at(given))
    assert only(advise(bedside, pathway), "tocilizumab").action == NO_MORE
    assert _audited(given, pathway) == set()
    assert _audited([*given, 40], pathway) == {"tocilizumab.doses_per_episode"}


def _toci_at(hours: list[float]) -> tuple[GivenDose, ...]:
    return tuple(GivenDose("tocilizumab", mf.at(x).to_pydatetime(), 560.0) for x in hours)
