"""Immune effector cell therapies: the products, their class, target, and where they are authorised.

Approval dates are the first EU marketing authorisation per indication (EMA EPARs), to the month. iectox
uses them only to keep synthetic cohorts plausible and to warn when a standard-of-care infusion predates an
authorisation; they never enter an analysis.
"""

from __future__ import annotations

from types import MappingProxyType

from iectox.i18n import N_
from iectox.schema.model import Term, Vocabulary, vocabulary

CAR_T = "CAR-T"
BSAB = "BsAb"
THERAPY_CLASSES = (CAR_T, BSAB)


def _therapy(
    code: str,
    label: str,
    synonyms: tuple[str, ...],
    therapy_class: str,
    target: str,
    approvals: dict[str, str],
) -> Term:
    attrs = {"therapy_class": therapy_class, "target": target, "approvals": MappingProxyType(approvals)}
    return Term(code, label, synonyms, MappingProxyType(attrs))


THERAPY = Vocabulary(
    "therapy",
    (
        _therapy(
            "axicabtagene_ciloleucel",
            N_("Axicabtagene ciloleucel (Yescarta)"),
            ("Yescarta", "axi-cel", "axicel", "axicabtagene"),
            CAR_T,
            "CD19",
            {"dlbcl_3l_plus": "2018-08", "pmbcl": "2018-08", "fl": "2022-06", "dlbcl_2l": "2022-10"},
        ),
        _therapy(
            "tisagenlecleucel",
            N_("Tisagenlecleucel (Kymriah)"),
            ("Kymriah", "tisa-cel", "tisacel", "CTL019"),
            CAR_T,
            "CD19",
            {"b_all": "2018-08", "dlbcl_3l_plus": "2018-08", "fl": "2022-05"},
        ),
        _therapy(
            "lisocabtagene_maraleucel",
            N_("Lisocabtagene maraleucel (Breyanzi)"),
            ("Breyanzi", "liso-cel", "lisocel", "JCAR017"),
            CAR_T,
            "CD19",
            {"dlbcl_3l_plus": "2022-04", "pmbcl": "2022-04", "dlbcl_2l": "2023-05"},
        ),
        _therapy(
            "brexucabtagene_autoleucel",
            N_("Brexucabtagene autoleucel (Tecartus)"),
            ("Tecartus", "brexu-cel", "brexucel", "KTE-X19"),
            CAR_T,
            "CD19",
            {"mcl": "2020-12", "b_all": "2022-09"},
        ),
        _therapy(
            "idecabtagene_vicleucel",
            N_("Idecabtagene vicleucel (Abecma)"),
            ("Abecma", "ide-cel", "idecel", "bb2121"),
            CAR_T,
            "BCMA",
            {"multiple_myeloma": "2021-08"},
        ),
        _therapy(
            "ciltacabtagene_autoleucel",
            N_("Ciltacabtagene autoleucel (Carvykti)"),
            ("Carvykti", "cilta-cel", "ciltacel", "JNJ-4528"),
            CAR_T,
            "BCMA",
            {"multiple_myeloma": "2022-05"},
        ),
        _therapy(
            "obecabtagene_autoleucel",
            N_("Obecabtagene autoleucel (Aucatzyl)"),
            ("Aucatzyl", "obe-cel", "obecel", "AUTO1"),
            CAR_T,
            "CD19",
            {"b_all": "2025-07"},
        ),
        _therapy(
            "investigational_car_t",
            N_("Investigational CAR-T"),
            ("investigational CAR T", "CAR-T (trial)", "experimental CAR-T"),
            CAR_T,
            "various",
            {},
        ),
        _therapy(
            "blinatumomab",
            N_("Blinatumomab (Blincyto)"),
            ("Blincyto",),
            BSAB,
            "CD19xCD3",
            {"b_all": "2015-11"},
        ),
        _therapy(
            "teclistamab",
            N_("Teclistamab (Tecvayli)"),
            ("Tecvayli",),
            BSAB,
            "BCMAxCD3",
            {"multiple_myeloma": "2022-08"},
        ),
        _therapy(
            "elranatamab",
            N_("Elranatamab (Elrexfio)"),
            ("Elrexfio",),
            BSAB,
            "BCMAxCD3",
            {"multiple_myeloma": "2023-12"},
        ),
        _therapy(
            "talquetamab",
            N_("Talquetamab (Talvey)"),
            ("Talvey",),
            BSAB,
            "GPRC5DxCD3",
            {"multiple_myeloma": "2023-08"},
        ),
        _therapy(
            "epcoritamab",
            N_("Epcoritamab (Epkinly/Tepkinly)"),
            ("Epkinly", "Tepkinly"),
            BSAB,
            "CD20xCD3",
            {"dlbcl_3l_plus": "2023-09", "fl": "2024-08"},
        ),
        _therapy(
            "glofitamab",
            N_("Glofitamab (Columvi)"),
            ("Columvi",),
            BSAB,
            "CD20xCD3",
            {"dlbcl_3l_plus": "2023-07"},
        ),
        _therapy(
            "mosunetuzumab",
            N_("Mosunetuzumab (Lunsumio)"),
            ("Lunsumio",),
            BSAB,
            "CD20xCD3",
            {"fl": "2022-06"},
        ),
        _therapy(
            "tarlatamab", N_("Tarlatamab (Imdelltra)"), ("Imdelltra",), BSAB, "DLL3xCD3", {"sclc": "2025-07"}
        ),
        _therapy(
            "investigational_bsab",
            N_("Investigational bispecific antibody"),
            ("investigational BsAb", "bispecific (trial)"),
            BSAB,
            "various",
            {},
        ),
    ),
    "Immune effector cell therapy given; brand names, short names (axi-cel) and INN spellings are accepted.",
)

INDICATION = vocabulary(
    "indication",
    [
        (
            "dlbcl_2l",
            N_("DLBCL, 2nd line"),
            (
                "DLBCL 2L",
                "LBCL 2nd line",
                "Refractory B-cell lymphoma (DLBCL, 2nd line)",
                "Refractory B-cell lymphoma (DLBCL as 2nd line therapy)",
                "DLBCL second line",
            ),
        ),
        (
            "dlbcl_3l_plus",
            N_("DLBCL, >= 3rd line"),
            (
                "DLBCL 3L+",
                "DLBCL >= 3rd line",
                "R/R B-cell NHL (DLBCL, >= 3rd line)",
                "Relapsed/refractory B-cell NHL (DLBCL type >= 3rd line)",
                "DLBCL third line or later",
            ),
        ),
        (
            "pmbcl",
            N_("PMBCL"),
            (
                "primary mediastinal B-cell lymphoma",
                "R/R aggressive NHL (PMBCL, >= 2nd line)",
                "Relapsed/refractory aggressive NHL (PMBCL >= second-line treatment)",
            ),
        ),
        ("fl", N_("Follicular lymphoma"), ("FL",)),
        ("mcl", N_("Mantle cell lymphoma"), ("MCL",)),
        (
            "b_all",
            N_("B-cell acute lymphoblastic leukaemia"),
            ("B-ALL", "ALL", "Acute B-cell leukaemia", "Acute B-cell leukemia", "B-cell ALL"),
        ),
        ("multiple_myeloma", N_("Multiple myeloma"), ("MM", "myeloma")),
        ("cll", N_("Chronic lymphocytic leukaemia"), ("CLL", "chronic lymphocytic leukemia")),
        ("sclc", N_("Small-cell lung cancer"), ("SCLC", "small cell lung cancer")),
        ("other", N_("Other"), ()),
    ],
    "Disease and, for DLBCL, the line of therapy at which the product was given.",
)


CLASS_OF: dict[str, str] = {t.code: str(t.attrs["therapy_class"]) for t in THERAPY.terms}  # for Series.map


def therapy_class(code: str) -> str:
    """CAR-T or BsAb: derived from the therapy, never entered by hand."""
    return str(THERAPY.term(code).attrs["therapy_class"])


APPROVALS: dict[tuple[str, str], str] = {
    (t.code, indication): month for t in THERAPY.terms for indication, month in t.attrs["approvals"].items()
}


def approved_since(therapy: str, indication: str) -> str | None:
    """First EU authorisation month ("YYYY-MM") of a product for an indication, or None if not authorised."""
    return APPROVALS.get((therapy, indication))
