"""The small controlled vocabularies of the dataset contract (therapies and indications: `therapies`)."""

from __future__ import annotations

from types import MappingProxyType

from iectox.schema.model import Term, Vocabulary, vocabulary

SEX = vocabulary(
    "sex",
    [
        ("male", "Male", ("M", "man", "H", "homme", "masculin")),
        ("female", "Female", ("F", "woman", "femme", "feminin")),
        ("other", "Other", ()),
        ("unknown", "Unknown", ("U", "inconnu", "not known")),
    ],
)

SETTING = vocabulary(
    "setting",
    [
        (
            "clinical_trial",
            "Clinical trial",
            ("trial", "clinical trials", "CT", "essai", "essai clinique", "study"),
        ),
        (
            "standard_of_care",
            "Standard of care",
            ("SOC", "real-life", "real life", "routine care", "commercial", "vie reelle", "hors essai"),
        ),
    ],
    "Whether the therapy was given inside a clinical trial or in routine care.",
)

SYNDROME = vocabulary(
    "syndrome",
    [
        ("CRS", "Cytokine release syndrome", ("SRC", "cytokine release")),
        (
            "ICANS",
            "Immune effector cell-associated neurotoxicity syndrome",
            ("neurotoxicity", "CRES", "neurotox"),
        ),
        ("IEC-HS", "IEC-associated HLH-like syndrome", ("carHLH", "HLH", "HLH-like", "MAS", "IECHS")),
    ],
)

#  Highest grade each scale defines and the syndromes it grades. Sources: Lee et al. BBMT 2019;25:625 (ASTCT);
#  Hines et al. TCT 2023;29:438 (IEC-HS); Lee et al. Blood 2014;124:188; Porter et al. J Hematol Oncol
#  2018;11:35 (Penn); Park et al. NEJM 2018;378:449 (MSKCC); Neelapu et al. Nat Rev Clin Oncol 2018;15:47
#  (CARTOX, grades 1-4); NCI CTCAE v4.03 and v5.0.
_SCALES = (
    ("ASTCT2019", "ASTCT consensus 2019", ("ASTCT", "ASBMT", "ASTCT 2019", "Lee 2019"), 5, ("CRS", "ICANS")),
    ("ASTCT2023", "ASTCT IEC-HS 2023", ("ASTCT IEC-HS", "Hines 2023"), 5, ("IEC-HS",)),
    ("Lee2014", "Lee 2014", ("Lee", "Lee et al 2014"), 5, ("CRS",)),
    ("Penn", "Penn (Porter 2018)", ("UPenn", "Porter"), 5, ("CRS",)),
    ("MSKCC", "MSKCC (Park 2018)", ("Park",), 5, ("CRS",)),
    ("CARTOX", "CARTOX (Neelapu 2018)", ("Neelapu", "CARTOX-10"), 4, ("CRS", "ICANS")),
    ("CTCAEv4", "CTCAE v4", ("CTCAE 4", "CTCAE v4.03"), 5, ("CRS", "ICANS", "IEC-HS")),
    ("CTCAEv5", "CTCAE v5", ("CTCAE 5", "CTCAE v5.0"), 5, ("CRS", "ICANS", "IEC-HS")),
)
GRADING_SCALE = Vocabulary(
    "grading_scale",
    tuple(
        Term(code, label, syn, MappingProxyType({"max_grade": top, "syndromes": syndromes}))
        for code, label, syn, top, syndromes in _SCALES
    ),
    "The scale the recorded grade was given on; grades on different scales are never pooled.",
)

EPISODE_OUTCOME = vocabulary(
    "episode_outcome",
    [
        ("resolved", "Resolved", ("recovery", "recovered", "resolution", "guerison")),
        ("death", "Death", ("died", "deces", "fatal")),
        ("ongoing", "Ongoing", ("persistent", "en cours")),
        ("unknown", "Unknown", ()),
    ],
)

DRUG = vocabulary(
    "drug",
    [
        ("tocilizumab", "Tocilizumab", ("RoActemra", "Actemra", "toci", "TCZ")),
        ("dexamethasone", "Dexamethasone", ("dexa", "dex", "Dectancyl")),
        ("methylprednisolone", "Methylprednisolone", ("Solu-Medrol", "Solumedrol", "methylpred", "MP")),
        ("hydrocortisone", "Hydrocortisone", ("HSHC",)),
        ("prednisolone", "Prednisolone", ("Solupred",)),
        ("anakinra", "Anakinra", ("Kineret",)),
        ("siltuximab", "Siltuximab", ("Sylvant",)),
        (
            "corticosteroid",
            "Corticosteroid, drug not recorded",
            ("steroids", "corticosteroids", "corticoids"),
        ),
        ("other", "Other", ()),
    ],
    "Drug given to manage the toxicity.",
)

CORTICOSTEROIDS = ("dexamethasone", "methylprednisolone", "hydrocortisone", "prednisolone", "corticosteroid")

ROUTE = vocabulary(
    "route",
    [
        ("IV", "Intravenous", ("intravenous", "i.v.", "IVD", "IVL")),
        ("SC", "Subcutaneous", ("subcutaneous", "s.c.", "SQ")),
        ("PO", "Oral", ("oral", "per os", "os")),
        ("other", "Other", ()),
    ],
)

REASON = vocabulary(
    "reason",
    [
        ("CRS", "CRS", ("SRC", "cytokine release syndrome")),
        ("ICANS", "ICANS", ("neurotoxicity",)),
        ("prophylaxis", "Prophylaxis", ("prophylactic", "prevention")),
        ("other", "Other", ()),
    ],
)

OXYGEN_DEVICE = vocabulary(
    "oxygen_device",
    [
        ("none", "None (room air)", ("room air", "RA", "air ambiant", "no")),
        ("nasal_cannula", "Nasal cannula (flow decides low vs high)", ("NC", "lunettes", "nasal prongs")),
        ("blow_by", "Blow-by", ("blowby",)),
        ("high_flow_cannula", "High-flow nasal cannula", ("HFNC", "high flow", "optiflow", "OHD")),
        ("facemask", "Facemask", ("face mask", "simple mask", "masque")),
        ("non_rebreather", "Non-rebreather mask", ("NRB", "non-rebreather", "masque haute concentration")),
        ("venturi", "Venturi mask", ("venturi mask",)),
        ("cpap", "CPAP", ()),
        ("bipap", "BiPAP", ("NIV", "VNI", "BPAP")),
        (
            "mechanical_ventilation",
            "Intubation / mechanical ventilation",
            ("intubated", "intubation", "ventilation", "MV", "IOT"),
        ),
    ],
)

CONSCIOUSNESS = vocabulary(
    "consciousness",
    [
        ("alert", "Alert", ("awake", "normal")),
        ("wakes_spontaneously", "Wakes spontaneously", ()),
        ("wakes_to_voice", "Wakes to voice", ()),
        ("wakes_to_touch", "Wakes only to tactile stimulus", ("wakes to tactile stimulus",)),
        ("unarousable", "Unarousable, stupor or coma", ("coma", "stupor")),
    ],
)

SEIZURE = vocabulary(
    "seizure",
    [
        ("none", "None", ("no",)),
        ("clinical_resolved", "Clinical seizure resolving rapidly", ()),
        ("nonconvulsive_resolved", "Non-convulsive EEG seizure resolving with intervention", ()),
        ("prolonged_or_repetitive", "Prolonged (> 5 min) or repetitive seizures", ("status epilepticus",)),
    ],
)

CEREBRAL_EDEMA = vocabulary(
    "cerebral_edema",
    [
        ("none", "None", ("no",)),
        ("focal", "Focal/local oedema on imaging", ("local", "focal oedema")),
        (
            "diffuse",
            "Diffuse oedema, posturing, CN VI palsy, papilloedema or Cushing's triad",
            ("diffuse oedema",),
        ),
    ],
)

VITAL_STATUS = vocabulary(
    "vital_status",
    [
        ("alive", "Alive", ("vivant", "living")),
        ("dead", "Dead", ("deceased", "death", "died", "decede")),
    ],
)

TOXICITY_STATUS = vocabulary(
    "toxicity_status",
    [
        ("yes", "Yes", ("y", "oui", "present", "1", "true")),
        ("no", "No", ("n", "non", "absent", "0", "false")),
        ("unknown", "Unknown (not assessed or not recorded)", ("NA", "N/A", "nk", "not known", "inconnu")),
    ],
)
