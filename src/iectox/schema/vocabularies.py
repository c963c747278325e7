"""The small controlled vocabularies of the dataset contract (therapies and indications: `therapies`)."""

from __future__ import annotations

from types import MappingProxyType

from iectox.i18n import N_
from iectox.schema.model import Term, Vocabulary, vocabulary

SEX = vocabulary(
    "sex",
    [
        ("male", N_("Male"), ("M", "man", "H", "homme", "masculin")),
        ("female", N_("Female"), ("F", "woman", "femme", "feminin")),
        ("other", N_("Other"), ()),
        ("unknown", N_("Unknown"), ("U", "inconnu", "not known")),
    ],
)

SETTING = vocabulary(
    "setting",
    [
        (
            "clinical_trial",
            N_("Clinical trial"),
            ("trial", "clinical trials", "CT", "essai", "essai clinique", "study"),
        ),
        (
            "standard_of_care",
            N_("Standard of care"),
            ("SOC", "real-life", "real life", "routine care", "commercial", "vie reelle", "hors essai"),
        ),
    ],
    "Whether the therapy was given inside a clinical trial or in routine care.",
)

SYNDROME = vocabulary(
    "syndrome",
    [
        ("CRS", N_("Cytokine release syndrome"), ("SRC", "cytokine release")),
        (
            "ICANS",
            N_("Immune effector cell-associated neurotoxicity syndrome"),
            ("neurotoxicity", "CRES", "neurotox"),
        ),
        ("IEC-HS", N_("IEC-associated HLH-like syndrome"), ("carHLH", "HLH", "HLH-like", "MAS", "IECHS")),
    ],
)

#  Highest grade each scale defines and the syndromes it grades. Sources: Lee et al. BBMT 2019;25:625 (ASTCT);
#  Hines et al. TCT 2023;29:438 (IEC-HS); Lee et al. Blood 2014;124:188; Porter et al. J Hematol Oncol
#  2018;11:35 (Penn); Park et al. NEJM 2018;378:449 (MSKCC); Neelapu et al. Nat Rev Clin Oncol 2018;15:47
#  (CARTOX, grades 1-4); NCI CTCAE v4.03 and v5.0.
_SCALES = (
    (
        "ASTCT2019",
        N_("ASTCT consensus 2019"),
        ("ASTCT", "ASBMT", "ASTCT 2019", "Lee 2019"),
        5,
        ("CRS", "ICANS"),
    ),
    ("ASTCT2023", N_("ASTCT IEC-HS 2023"), ("ASTCT IEC-HS", "Hines 2023"), 5, ("IEC-HS",)),
    ("Lee2014", N_("Lee 2014"), ("Lee", "Lee et al 2014"), 5, ("CRS",)),
    ("Penn", N_("Penn (Porter 2018)"), ("UPenn", "Porter"), 5, ("CRS",)),
    ("MSKCC", N_("MSKCC (Park 2018)"), ("Park",), 5, ("CRS",)),
    ("CARTOX", N_("CARTOX (Neelapu 2018)"), ("Neelapu", "CARTOX-10"), 4, ("CRS", "ICANS")),
    ("CTCAEv4", N_("CTCAE v4"), ("CTCAE 4", "CTCAE v4.03"), 5, ("CRS", "ICANS", "IEC-HS")),
    ("CTCAEv5", N_("CTCAE v5"), ("CTCAE 5", "CTCAE v5.0"), 5, ("CRS", "ICANS", "IEC-HS")),
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
        ("resolved", N_("Resolved"), ("recovery", "recovered", "resolution", "guerison")),
        ("death", N_("Death"), ("died", "deces", "fatal")),
        ("ongoing", N_("Ongoing"), ("persistent", "en cours")),
        ("unknown", N_("Unknown"), ()),
    ],
)

# The bispecific antibodies as drugs of the administrations table (their doses carry a dose step); the codes
# are those of the therapy vocabulary, so that a dose is matched to its course without a mapping.
BSAB_DRUGS = (
    ("blinatumomab", N_("Blinatumomab (Blincyto)")),
    ("teclistamab", N_("Teclistamab (Tecvayli)")),
    ("elranatamab", N_("Elranatamab (Elrexfio)")),
    ("talquetamab", N_("Talquetamab (Talvey)")),
    ("epcoritamab", N_("Epcoritamab (Epkinly/Tepkinly)")),
    ("glofitamab", N_("Glofitamab (Columvi)")),
    ("mosunetuzumab", N_("Mosunetuzumab (Lunsumio)")),
    ("tarlatamab", N_("Tarlatamab (Imdelltra)")),
    ("investigational_bsab", N_("Investigational bispecific antibody")),
)
BSAB_DRUG_CODES = tuple(code for code, _ in BSAB_DRUGS)  # in this order: the order of the per-dose tables

DRUG = vocabulary(
    "drug",
    [
        ("tocilizumab", N_("Tocilizumab"), ("RoActemra", "Actemra", "toci", "TCZ")),
        ("dexamethasone", N_("Dexamethasone"), ("dexa", "dex", "Dectancyl")),
        ("methylprednisolone", N_("Methylprednisolone"), ("Solu-Medrol", "Solumedrol", "methylpred", "MP")),
        ("hydrocortisone", N_("Hydrocortisone"), ("HSHC",)),
        ("prednisolone", N_("Prednisolone"), ("Solupred",)),
        ("anakinra", N_("Anakinra"), ("Kineret",)),
        ("siltuximab", N_("Siltuximab"), ("Sylvant",)),
        (
            "paracetamol",
            N_("Paracetamol (acetaminophen)"),
            ("acetaminophen", "Doliprane", "Perfalgan", "Dafalgan"),
        ),
        ("metamizole", N_("Metamizole (dipyrone)"), ("dipyrone", "Novalgin", "Novaminsulfon")),
        ("nsaid", N_("NSAID (ibuprofen, ketoprofen...)"), ("ibuprofen", "ketoprofen", "Advil", "Profenid")),
        (
            "corticosteroid",
            N_("Corticosteroid, drug not recorded"),
            ("steroids", "corticosteroids", "corticoids"),
        ),
        (
            "antihistamine",
            N_("Antihistamine (premedication)"),
            ("diphenhydramine", "dexchlorpheniramine", "Polaramine"),
        ),
        ("obinutuzumab", N_("Obinutuzumab (glofitamab pretreatment)"), ("Gazyvaro", "Gazyva")),
        *((code, label, ()) for code, label in BSAB_DRUGS),
        ("other", N_("Other"), ()),
    ],
    "Drug given: to manage the toxicity, as premedication, or the bispecific antibody itself (its own code).",
)

# Antipyretics: given for a CRS fever they waive fever for later grades (iectox.grading.fever_waiver).
ANTIPYRETICS = ("paracetamol", "metamizole", "nsaid")
CORTICOSTEROIDS = ("dexamethasone", "methylprednisolone", "hydrocortisone", "prednisolone", "corticosteroid")

ROUTE = vocabulary(
    "route",
    [
        ("IV", N_("Intravenous"), ("intravenous", "i.v.", "IVD", "IVL")),
        ("SC", N_("Subcutaneous"), ("subcutaneous", "s.c.", "SQ")),
        ("PO", N_("Oral"), ("oral", "per os", "os")),
        ("other", N_("Other"), ()),
    ],
)

REASON = vocabulary(
    "reason",
    [
        ("CRS", N_("CRS"), ("SRC", "cytokine release syndrome")),
        ("ICANS", N_("ICANS"), ("neurotoxicity",)),
        ("prophylaxis", N_("Prophylaxis"), ("prophylactic", "prevention")),
        ("premedication", N_("Premedication before a bispecific antibody dose"), ("premed", "premedicated")),
        ("treatment", N_("The bispecific antibody course itself"), ("course", "BsAb dose")),
        ("other", N_("Other"), ()),
    ],
)
# A dose given before a bispecific antibody's dose to prevent its reactions: it treats no toxicity, so it is no
# course, no treatment delay and no "corticosteroids given" (it still counts in the steroid exposure).
PREMEDICATION = "premedication"

DOSE_STEP = vocabulary(
    "dose_step",
    [
        ("pretreatment", N_("Pretreatment (obinutuzumab before glofitamab)"), ("pre-treatment", "pretreat")),
        ("step_up_1", N_("Step-up dose 1"), ("SUD1", "step-up 1", "step up 1", "priming dose")),
        ("step_up_2", N_("Step-up dose 2"), ("SUD2", "step-up 2", "step up 2", "intermediate dose")),
        ("step_up_3", N_("Step-up dose 3"), ("SUD3", "step-up 3", "step up 3")),
        ("treatment", N_("Treatment dose"), ("full dose", "treatment dose", "maintenance")),
    ],
    "Which dose of a bispecific antibody's schedule this is (docs/bispecifics.md); blank for other drugs.",
)

OXYGEN_DEVICE = vocabulary(
    "oxygen_device",
    [
        ("none", N_("None (room air)"), ("room air", "RA", "air ambiant", "no")),
        ("nasal_cannula", N_("Nasal cannula (flow decides low vs high)"), ("NC", "lunettes", "nasal prongs")),
        ("blow_by", N_("Blow-by"), ("blowby",)),
        ("high_flow_cannula", N_("High-flow nasal cannula"), ("HFNC", "high flow", "optiflow", "OHD")),
        ("facemask", N_("Facemask"), ("face mask", "simple mask", "masque")),
        (
            "non_rebreather",
            N_("Non-rebreather mask"),
            ("NRB", "non-rebreather", "masque haute concentration"),
        ),
        ("venturi", N_("Venturi mask"), ("venturi mask",)),
        ("cpap", N_("CPAP"), ()),
        ("bipap", N_("BiPAP"), ("NIV", "VNI", "BPAP")),
        (
            "mechanical_ventilation",
            N_("Intubation / mechanical ventilation"),
            ("intubated", "intubation", "ventilation", "MV", "IOT"),
        ),
    ],
)

# What hypoxia or hypotension is attributed to: ASTCT CRS counts only what is "not attributable to any other
# cause" (Lee 2019, Table 2); blank means no other cause was recorded.
OXYGEN_CAUSE = vocabulary(
    "oxygen_cause",
    [
        ("CRS", N_("CRS (no other cause)"), ("SRC", "cytokine release syndrome")),
        (
            "airway_protection",
            N_("Airway protection (e.g. intubation for coma or seizures)"),
            ("airway", "protection des voies aeriennes"),
        ),
        ("other", N_("Another cause (e.g. pneumonia, fluid overload)"), ("autre", "other cause")),
    ],
    "Why oxygen or ventilation was needed.",
)
HYPOTENSION_CAUSE = vocabulary(
    "hypotension_cause",
    [
        ("CRS", N_("CRS (no other cause)"), ("SRC", "cytokine release syndrome")),
        ("other", N_("Another cause (e.g. sepsis, bleeding, sedation)"), ("autre", "other cause")),
    ],
    "What the hypotension is attributed to.",
)

CONSCIOUSNESS = vocabulary(
    "consciousness",
    [
        ("alert", N_("Alert"), ("awake", "normal")),
        ("wakes_spontaneously", N_("Wakes spontaneously"), ()),
        ("wakes_to_voice", N_("Wakes to voice"), ()),
        ("wakes_to_touch", N_("Wakes only to tactile stimulus"), ("wakes to tactile stimulus",)),
        ("unarousable", N_("Unarousable, stupor or coma"), ("coma", "stupor")),
    ],
)

SEIZURE = vocabulary(
    "seizure",
    [
        ("none", N_("None"), ("no",)),
        ("clinical_resolved", N_("Clinical seizure resolving rapidly"), ()),
        ("nonconvulsive_resolved", N_("Non-convulsive EEG seizure resolving with intervention"), ()),
        (
            "prolonged_or_repetitive",
            N_("Prolonged (> 5 min) or repetitive seizures"),
            ("status epilepticus",),
        ),
    ],
)

CEREBRAL_EDEMA = vocabulary(
    "cerebral_edema",
    [
        ("none", N_("None"), ("no",)),
        ("focal", N_("Focal/local oedema on imaging"), ("local", "focal oedema")),
        (
            "diffuse",
            N_("Diffuse oedema, posturing, CN VI palsy, papilloedema or Cushing's triad"),
            ("diffuse oedema",),
        ),
    ],
)

VITAL_STATUS = vocabulary(
    "vital_status",
    [
        ("alive", N_("Alive"), ("vivant", "living")),
        ("dead", N_("Dead"), ("deceased", "death", "died", "decede")),
    ],
)

TOXICITY_STATUS = vocabulary(
    "toxicity_status",
    [
        ("yes", N_("Yes"), ("y", "oui", "present", "1", "true")),
        ("no", N_("No"), ("n", "non", "absent", "0", "false")),
        (
            "unknown",
            N_("Unknown (not assessed or not recorded)"),
            ("NA", "N/A", "nk", "not known", "inconnu"),
        ),
    ],
)
