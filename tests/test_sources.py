"""Every source an output cites ships with iectox, and the corrected citations say what their source says.

An audit finding cites its rule's source and the sources of the pathway settings it read
(`management.registry.cite`); the bedside advice and pharmacy orders cite the same settings. Each names either a
published document or a section of docs/sources.md, the page that ships the project's clinical reference with
its provenance; none may name a file that is not in the repository (issue 11: "today outputs cite
`clinical_rules.md`, which is not in the repository").
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from iectox.management.pathway import default_pathway
from iectox.management.registry import MANAGEMENT, cite

ROOT = Path(__file__).parents[1]
SOURCES = (ROOT / "docs" / "sources.md").read_text(encoding="utf-8")
HEADINGS = [line.lstrip("#").strip() for line in SOURCES.splitlines() if line.startswith("#")]
PATHWAY = default_pathway()
CITED = sorted({rule.source for rule in MANAGEMENT.values()} | {setting.source for setting in PATHWAY})


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("source", CITED)
def test_every_cited_source_ships_with_iectox(source):
    assert "clinical_rules.md" not in source
    for page in re.findall(r"docs/[\w/.-]+\.md", source):
        assert (ROOT / page).is_file(), page


@pytest.mark.parametrize("source", [s for s in CITED if s.startswith("docs/sources.md, ")])
def test_a_cited_section_of_the_sources_page_exists(source):
    section = re.split(r"[:(]", source.removeprefix("docs/sources.md, "))[0].strip()
    assert any(heading.startswith(section) for heading in HEADINGS), section


CITATIONS = [
    # setting or rule, what its source must say, the sentence of docs/sources.md it follows
    (
        "tocilizumab.max_doses_in_window",
        "CAR-T product information and ASCO 2021, not the tocilizumab label",
        "at most 3 doses in 24 h (CAR-T product information and ASCO 2021, not the tocilizumab label)",
    ),
    (
        "tocilizumab.window_h",
        "CAR-T product information and ASCO 2021, not the tocilizumab label",
        "at most 3 doses in 24 h (CAR-T product information and ASCO 2021, not the tocilizumab label)",
    ),
    (
        "tocilizumab.max_doses_per_episode",
        'tocilizumab label, "up to 3 additional doses", so at most 4 in total',
        '(tocilizumab label: "up to 3 additional doses", so at most 4 in total)',
    ),
    (
        "tocilizumab.doses_in_window",
        "CAR-T product information and ASCO 2021, not the tocilizumab label",
        "at most 3 doses in 24 h (CAR-T product information and ASCO 2021, not the tocilizumab label)",
    ),
    (
        "tocilizumab.doses_per_episode",
        "tocilizumab labels (RoActemra SmPC, Actemra USPI), up to 3 additional doses",
        '(tocilizumab label: "up to 3 additional doses", so at most 4 in total)',
    ),
    (
        "corticosteroids.dexamethasone_high_mg",
        "cited as ASCO 2021, whose tables give 10 mg",
        "If refractory, increase to 20 mg i.v. every 6 h",
    ),
]

ASCO = "https://eguideline.guidelinecentral.com/i/1475467"
CONFIRMED = [
    # a value once marked unconfirmed, the source's sentence, and where it was read (issue 11, session 18)
    (
        "CAPD for developmental delay up to 21 years",
        "validated up to age 21 years",
        f"{ASCO}-immune-related-adverse-events-car-t-cell-therapy/9",
    ),
    (
        "dexamethasone 10 mg q6h for grade 3 CRS",
        "dexamethasone 10 mg IV every 6 hours (or equivalent)",
        f"{ASCO}/5",
    ),
    (
        "methylprednisolone 500 mg q12h then 250/125/60 mg",
        "500 mg IV every 12 hours for 3 days, followed by 250 mg IV every 12 hours for 2 days, 125 mg IV every 12 "
        "hours for 2 days, and 60 mg IV every 12 hours",
        f"{ASCO}/5",
    ),
    (
        "grade 1 CRS: tocilizumab to consider when persistent",
        "In patients with persistent (>3 days) or refractory fever, consider managing as per G2.",
        f"{ASCO}-immune-related-adverse-events-car-t-cell-therapy/4",
    ),
    (
        "grade 2 ICANS: dexamethasone to consider",
        "For high-risk products or patients consider dexamethasone 10 mg IV × 2 doses",
        f"{ASCO}-immune-related-adverse-events-car-t-cell-therapy/7",
    ),
    (
        "methylprednisolone 1 mg/kg q12h",
        "methylprednisolone equivalent (1 mg/kg IV every 12 hours)",
        f"{ASCO}-immune-related-adverse-events-car-t-cell-therapy/7",
    ),
]


@pytest.mark.parametrize(("value", "sentence", "url"), CONFIRMED, ids=[c[0] for c in CONFIRMED])
def test_a_confirmed_value_quotes_its_source_and_says_where(value, sentence, url):
    assert _flat(sentence) in _flat(SOURCES)
    assert f"<{url}>" in SOURCES


@pytest.mark.parametrize(("key", "says", "sentence"), CITATIONS, ids=[c[0] for c in CITATIONS])
def test_the_citations_name_the_right_source(key, says, sentence):
    assert _flat(sentence) in _flat(SOURCES)
    source = MANAGEMENT[key].source if key in MANAGEMENT else PATHWAY.setting(key).source
    assert says in source


def test_a_finding_cites_the_sources_page_not_the_missing_reference():
    cited = cite(MANAGEMENT["tocilizumab.doses_in_window"], PATHWAY, "fr")
    assert "docs/sources.md" in cited and "clinical_rules.md" not in cited
