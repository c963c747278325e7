"""Direct identifiers are refused for privacy: by header, and by value (masked in every message)."""

from __future__ import annotations

import pytest

from iectox.validate.identifiers import NIR, nir_key_holds
from spoiled import check_copies, small_tables

NIR_KIND = "a NIR (French social security number)"
PHONE = "a phone number"
EMAIL = "an e-mail address"
BIRTH = "a date of birth"
NAME = "a name (NAME Firstname)"

# (column, table of the cell when the column is not an id, value, kind found or None)
VALUES = [
    ("patient_id", None, "161057512345685", NIR_KIND),
    ("patient_id", None, "1 61 05 75 123 456 85", NIR_KIND),
    ("patient_id", None, "2-85-03-2A-004-123-71", NIR_KIND),
    ("patient_id", None, "1610575123456", NIR_KIND),
    ("death_cause", "outcomes", "sepsis; NIR 2 85 03 2A 004 123 71", NIR_KIND),
    ("centre", "patients", "269099912304552", NIR_KIND),
    ("patient_id", None, "0612345678", PHONE),
    ("death_cause", "outcomes", "family: 06 12 34 56 78", PHONE),
    ("centre", "patients", "+33 6 12 34 56 78", PHONE),
    ("trial_id", "infusions", "06.12.34.56.78", PHONE),
    ("patient_id", None, "+33612345678", PHONE),
    ("death_cause", "outcomes", "reported by jean.dupont@chu-lyon.fr", EMAIL),
    ("centre", "patients", "dupont@hopital.fr", EMAIL),
    ("patient_id", None, "P-1961-05-17", BIRTH),
    ("patient_id", None, "17/05/1961", BIRTH),
    ("patient_id", None, "P19610517", BIRTH),
    ("patient_id", None, "P-17051961", BIRTH),
    ("infusion_id", None, "INF-1961-05-17", BIRTH),
    ("patient_id", None, "DUPONT_Jean", NAME),
    ("patient_id", None, "DUPONT Jean", NAME),
    ("patient_id", None, "Jean DUPONT", NAME),
    ("patient_id", None, "LE GALL Marie-Anne", NAME),
    ("episode_id", None, "MARTIN_Léa", NAME),
    ("patient_id", None, "P-0001", None),
    ("infusion_id", None, "INF-0001", None),
    ("centre", "patients", "CHU-A", None),
    ("centre", "patients", "CHU Lyon Sud", None),
    ("trial_id", "infusions", "NCT01234567", None),
    ("patient_id", None, "161057512345684", None),  # 15 digits, but the NIR key does not hold
    ("infusion_id", None, "INF-2023-05-17", None),  # the infusion's own day: no therapy before 2000
    ("episode_id", None, "EP-20230519-1", None),
    ("death_cause", "outcomes", "CRS grade 4 on 2023-05-19 despite 8 mg/kg tocilizumab", None),
    ("patient_id", None, "P_0001_B", None),
    ("patient_id", None, "12345678", None),
    ("patient_id", None, "CHU-A-0001", None),
]
NUMBER = "a hospital or social security number"
A_NAME = "a name"
# Free text (centre, trial_id, death_cause): names, dates of birth and hospital numbers among other words, and
# the clinical and hospital text that must pass (acronyms before a word, eponyms, centres named after people).
FREE_TEXT = [
    ("death_cause", "outcomes", "DUPONT_Jean", A_NAME),
    ("death_cause", "outcomes", "Jean DUPONT", A_NAME),
    ("death_cause", "outcomes", "décès de DUPONT Jean à domicile", A_NAME),
    ("death_cause", "outcomes", "CHU Lyon-Sud, patient Jean-Pierre MARTIN", A_NAME),
    ("centre", "patients", "LE GALL Marie-Anne", A_NAME),
    ("centre", "patients", "CHU DUPONT Jean", A_NAME),
    ("death_cause", "outcomes", "Claire LECLERC", A_NAME),  # a common surname, though a centre's namesake
    ("death_cause", "outcomes", "12/03/1961", BIRTH),
    ("death_cause", "outcomes", "sepsis, patient né le 12/03/1961", BIRTH),
    ("death_cause", "outcomes", "progression; DDN 03/04/2005", BIRTH),
    ("centre", "patients", "1961-03-12", BIRTH),
    ("death_cause", "outcomes", "IPP 123456789", NUMBER),
    ("centre", "patients", "IPP-123456789", NUMBER),
    ("death_cause", "outcomes", "NIP 12345678, sepsis", NUMBER),
    ("death_cause", "outcomes", "dossier n° 1234567", NUMBER),
    ("trial_id", "infusions", "ipp: 123456789", NUMBER),
    ("patient_id", "patients", "IPP-123456789", NUMBER),  # the identifier, where its references are checked
    ("infusion_id", "infusions", "NDA-123456789", NUMBER),
    ("death_cause", "outcomes", "CRS grade 3", None),
    ("death_cause", "outcomes", "Progression", None),
    ("death_cause", "outcomes", "Sepsis (E. coli)", None),
    ("death_cause", "outcomes", "ICANS", None),
    ("death_cause", "outcomes", "HLH/MAS", None),
    ("death_cause", "outcomes", "Parkinson disease", None),
    ("death_cause", "outcomes", "Guillain-Barré syndrome", None),
    ("death_cause", "outcomes", "GUILLAIN-BARRE Syndrome", None),
    ("death_cause", "outcomes", "Décès: progression lymphome", None),
    ("death_cause", "outcomes", "PROGRESSION Lymphome", None),
    ("death_cause", "outcomes", "CRS Grade 4, ICANS Grade 3", None),
    ("death_cause", "outcomes", "COVID Pneumonia", None),
    ("death_cause", "outcomes", "Infection CMV, progression DLBCL", None),
    ("death_cause", "outcomes", "Kymriah", None),
    ("death_cause", "outcomes", "Yescarta", None),
    ("death_cause", "outcomes", "CAR-T Kymriah, choc septique le 03/04/2023", None),
    ("death_cause", "outcomes", "décès 2024-06-30", None),
    ("death_cause", "outcomes", "ne répond pas, décès 19/05/2023", None),
    ("death_cause", "outcomes", "progression; NÉE LE 17/05/2001", BIRTH),
    ("death_cause", "outcomes", "IPP inconnu", None),
    ("centre", "patients", "CHU Lyon-Sud", None),
    ("centre", "patients", "Hôpital Saint-Louis", None),
    ("centre", "patients", "APHP Saint-Louis", None),
    ("centre", "patients", "CHU de Nantes", None),
    ("centre", "patients", "Institut Paoli-Calmettes", None),
    ("centre", "patients", "Gustave Roussy", None),
    ("centre", "patients", "IGR Gustave Roussy", None),
    ("centre", "patients", "Centre Léon BERARD", None),
    ("centre", "patients", "CHU Henri Mondor", None),
    ("centre", "patients", "CHU Jean Minjoz", None),
    ("centre", "patients", "Hôpital Paul BROUSSE", None),
    ("centre", "patients", "IUCT Oncopole", None),
    ("trial_id", "infusions", "CARTITUDE-4", None),
    ("patient_id", None, "IPP-0001", None),
    ("patient_id", None, "NIP-123", None),
]
VALUES += FREE_TEXT
IDS = {"patient_id": "P-001", "infusion_id": "INF-001", "episode_id": "EP-001"}


def _cells(column: str, table: str | None, value: str) -> list[tuple[str, int, str, str]]:
    """The cell to hold `value`; an identifier everywhere it is used, so that references still hold."""
    if table is not None:
        return [(table, 3 if column in ("death_cause", "trial_id") else 2, column, value)]
    small = small_tables()
    return [
        (name, int(row), column, value)
        for name, frame in small.items()
        if column in frame
        for row in frame.index[frame[column] == IDS[column]]
    ]


@pytest.fixture(scope="module")
def checked():
    """Every case checked at once, each in its own copy of the small dataset: (cells, issues) per case."""
    return dict(zip(VALUES, check_copies([_cells(c, t, v) for c, t, v, _ in VALUES]), strict=True))


@pytest.mark.parametrize("case", VALUES, ids=[v[2] for v in VALUES])
def test_a_direct_identifier_in_a_value_is_refused_and_never_shown(checked, case):
    column, _, value, kind = case
    cells, issues = checked[case]
    errors = [i for i in issues if i.severity == "error"]
    if kind is None:
        assert errors == []
        return
    assert {(e.file, e.row, e.column) for e in errors} == cells
    for error in errors:
        assert (error.rule, error.value) == ("direct_identifier_value", None)
        assert error.message == (
            f"{column} holds what looks like {kind} (not shown): iectox keeps pseudonymous data only; "
            "replace it with a pseudonymous code, or remove it"
        )
        for shown in (error.message, error.text("fr"), str(error.values)):
            assert value not in shown and "1961" not in shown and "DUPONT" not in shown
    assert "pseudonymisées" in errors[0].text("fr")


def test_the_cases_found_and_passed():
    """At least 25 cases, both ways: identifiers found, and pseudonymous codes that must pass."""
    found = [v for v in VALUES if v[3] is not None]
    assert len(VALUES) >= 25 and len(found) >= 15 and len(VALUES) - len(found) >= 10
    free = [v for v in FREE_TEXT if v[0] in ("centre", "trial_id", "death_cause")]
    assert {v[3] for v in free} == {A_NAME, BIRTH, NUMBER, None} and sum(v[3] is None for v in free) >= 25


def test_the_nir_key_is_checked():
    assert nir_key_holds(NIR.search("161057512345685"))
    assert not nir_key_holds(NIR.search("161057512345684"))
    assert nir_key_holds(NIR.search("2 85 03 2A 004 123 71"))
    assert not nir_key_holds(NIR.search("2 85 03 2B 004 123 71"))  # 2B counts as 18, not 19


HEADERS = [
    ("nom", "a name"),
    ("Prénom", "a name"),
    ("prenom", "a name"),
    ("first_name", "a name"),
    ("Last Name", "a name"),
    ("surname", "a name"),
    ("name", "a name"),
    ("nom_de_naissance", "a name"),
    ("NIP", "a hospital or social security number"),
    ("IPP", "a hospital or social security number"),
    ("NIR", "a hospital or social security number"),
    ("Numéro de sécurité sociale", "a hospital or social security number"),
    ("date of birth", "a date of birth"),
    ("date_de_naissance", "a date of birth"),
    ("DDN", "a date of birth"),
    ("dob", "a date of birth"),
    ("birth_date", "a date of birth"),
    ("phone", "a phone number"),
    ("Téléphone", "a phone number"),
    ("address", "a postal address"),
    ("Adresse", "a postal address"),
    ("e-mail", "an e-mail address"),
    ("email", "an e-mail address"),
]


def test_a_direct_identifier_column_is_refused_for_privacy(raw):
    for header, _ in HEADERS:
        raw.tables["patients"][header] = "x"
    errors = raw.errors()
    assert [(e.rule, e.file, e.row, e.column) for e in errors] == [
        ("direct_identifier_column", "patients.csv", 1, header) for header, _ in HEADERS
    ]
    assert [e.message for e in errors] == [
        f"column '{header}' looks like a direct identifier ({kind}): iectox keeps pseudonymous data only; "
        "remove the column"
        for header, kind in HEADERS
    ]
    assert errors[1].text("fr") == (
        "la colonne « Prénom » semble être un identifiant direct (un nom) : iectox ne conserve que des données "
        "pseudonymisées ; supprimez la colonne"
    )


def test_other_unknown_columns_are_still_unknown(raw):
    raw.tables["patients"]["notes"] = "x"
    assert [e.rule for e in raw.errors()] == ["unknown_column"]
