"""The study dataset contract: every table and column of an iectox dataset, declared once.

Incomplete times are part of the contract. A date-and-time column accepts a full time ("2024-03-06 14:30")
or a date alone ("2024-03-06"), which means "that day, hour not recorded"; iectox never invents the hour.
Delays in hours leave such values out; delays in days use them. A blank means "not known at all".
"""

from __future__ import annotations

from iectox.schema.labs import ANALYTE, LAB_UNIT
from iectox.schema.model import Column, Kind, Schema, Table
from iectox.schema.therapies import INDICATION, THERAPY
from iectox.schema.vocabularies import (
    CEREBRAL_EDEMA,
    CONSCIOUSNESS,
    DOSE_STEP,
    DRUG,
    EPISODE_OUTCOME,
    GRADING_SCALE,
    HYPOTENSION_CAUSE,
    OXYGEN_CAUSE,
    OXYGEN_DEVICE,
    REASON,
    ROUTE,
    SEIZURE,
    SETTING,
    SEX,
    SYNDROME,
    TOXICITY_STATUS,
    VITAL_STATUS,
)

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$"
ID_RULE = "letters, digits, '_', '.', '-', at most 64 characters, no spaces"
# The administrations columns that only a bispecific antibody's own dose fills (docs/bispecifics.md): tables
# of other drugs' doses leave them out.
BSAB_DOSE_COLUMNS = ("dose_step", "cycle", "discharged_at", "discharged_at_time_known")
# ASCO 2021 (Santomasso et al.): CAPD for a patient with developmental delay up to 21 years, i.e. aged 21 or
# younger: an age under 22 in years (ages are decimal, 21.5 is "21 years"). Read by the grading
# (iectox.grading.astct_icans.uses_capd) and by the developmental_delay_age rule.
DELAY_CAPD_AGE = 22.0
NCT_PATTERN = r"NCT\d{8}"  # a ClinicalTrials.gov number; the one definition, read by the trial_id_format rule


def _id(name: str, description: str, **kw: object) -> Column:
    return Column(name, Kind.TEXT, description, required=True, pattern=ID_PATTERN, pattern_name=ID_RULE, **kw)


def _infusion_ref() -> Column:
    return _id(
        "infusion_id",
        "The infusion this row belongs to.",
        references="infusions.infusion_id",
        example="INF-0001",
    )


PATIENTS = Table(
    "patients",
    "One row per patient (pseudonymous).",
    (
        _id(
            "patient_id",
            "Pseudonymous patient identifier; never a name, a hospital number or a date of birth.",
            unique=True,
            example="P-0001",
        ),
        Column("sex", Kind.CATEGORY, "Sex as recorded.", required=True, vocabulary=SEX, example="female"),
        Column(
            "birth_year",
            Kind.INTEGER,
            "Year of birth, if the study collects it.",
            minimum=1900,
            maximum=2030,
            example="1961",
        ),
        Column("centre", Kind.TEXT, "Treating centre.", required=True, example="CHU-A"),
        # Lee 2019 and ASCO 2021: an older patient with developmental delay is assessed with CAPD, not ICE
        # (iectox.grading.astct_icans.uses_capd; up to 21 years, DELAY_CAPD_AGE).
        Column(
            "developmental_delay",
            Kind.BOOLEAN,
            "Baseline developmental delay: up to 21 years, ICANS is assessed with CAPD instead of ICE.",
            example="no",
        ),
    ),
    key="patient_id",
)

INFUSIONS = Table(
    "infusions",
    "One row per infusion of a CAR-T product or start of a bispecific antibody.",
    (
        _id("infusion_id", "Identifier of the infusion.", unique=True, example="INF-0001"),
        _id("patient_id", "The patient who received it.", references="patients.patient_id", example="P-0001"),
        Column(
            "therapy",
            Kind.CATEGORY,
            "Product given; the class (CAR-T or BsAb) is derived from it.",
            required=True,
            vocabulary=THERAPY,
            example="axicabtagene_ciloleucel",
        ),
        Column(
            "infusion_date",
            Kind.DATE,
            "Day of the CAR-T infusion (day 0) or first BsAb step-up dose; blank "
            "only for external data that publish no dates (timing analyses then leave the infusion out).",
            example="2023-05-17",
        ),
        Column(
            "setting",
            Kind.CATEGORY,
            "Clinical trial or standard of care.",
            required=True,
            vocabulary=SETTING,
            example="standard_of_care",
        ),
        Column(
            "trial_id",
            Kind.TEXT,
            "Trial identifier; required in a clinical trial, NCT12345678 form when it starts with NCT.",
            example="NCT01234567",
        ),
        Column(
            "indication",
            Kind.CATEGORY,
            "Disease and line of therapy.",
            required=True,
            vocabulary=INDICATION,
            example="dlbcl_3l_plus",
        ),
        Column(
            "age_at_infusion",
            Kind.NUMBER,
            "Age on the infusion day.",
            minimum=0,
            maximum=110,
            unit="years",
            example="62.5",
        ),
        # From 2 kg: tisagenlecleucel is given to small children (the tocilizumab label's 12 mg/kg branch is for
        # patients under 30 kg); below 10 kg is rare enough to be checked (rule small_child_weight).
        Column(
            "weight_kg",
            Kind.NUMBER,
            "Body weight before infusion.",
            minimum=2,
            maximum=250,
            unit="kg",
            example="71.4",
        ),
        Column("height_cm", Kind.NUMBER, "Height.", minimum=40, maximum=250, unit="cm", example="172"),
        Column(
            "crs_status",
            Kind.CATEGORY,
            "Whether CRS occurred, when the record states it; blank means 'derived "
            "from toxicity_episodes' and 'unknown' keeps the infusion out of CRS analyses.",
            vocabulary=TOXICITY_STATUS,
            example="yes",
        ),
        Column(
            "icans_status",
            Kind.CATEGORY,
            "Whether ICANS occurred; same convention as crs_status.",
            vocabulary=TOXICITY_STATUS,
            example="no",
        ),
    ),
    key="infusion_id",
)

TOXICITY_EPISODES = Table(
    "toxicity_episodes",
    "One row per CRS, ICANS or IEC-HS episode.",
    (
        _id("episode_id", "Identifier of the episode.", unique=True, example="EP-0001"),
        _infusion_ref(),
        Column(
            "syndrome", Kind.CATEGORY, "Which syndrome.", required=True, vocabulary=SYNDROME, example="CRS"
        ),
        Column(
            "onset_at",
            Kind.DATETIME,
            "First documented symptom; a date alone when the hour is not recorded, "
            "blank when the episode is known but not its onset.",
            example="2023-05-19 14:30",
        ),
        Column(
            "resolved_at", Kind.DATETIME, "Resolution; blank while ongoing or unknown.", example="2023-05-24"
        ),
        Column(
            "max_grade",
            Kind.INTEGER,
            "Highest grade during the episode, on `grading_scale`; blank when the grade was not recorded.",
            minimum=0,
            maximum=5,
            example="2",
        ),
        Column(
            "grading_scale",
            Kind.CATEGORY,
            "Scale of max_grade.",
            required=True,
            vocabulary=GRADING_SCALE,
            example="ASTCT2019",
        ),
        Column(
            "outcome",
            Kind.CATEGORY,
            "How the episode ended.",
            required=True,
            vocabulary=EPISODE_OUTCOME,
            example="resolved",
        ),
    ),
    key="episode_id",
)

ADMINISTRATIONS = Table(
    "administrations",
    "One row per dose of a drug given to manage a toxicity, as premedication, or of the bispecific antibody "
    "itself (with its dose step).",
    (
        _id("administration_id", "Identifier of the dose.", unique=True, example="ADM-0001"),
        _infusion_ref(),
        Column("drug", Kind.CATEGORY, "Drug given.", required=True, vocabulary=DRUG, example="tocilizumab"),
        Column(
            "given_at",
            Kind.DATETIME,
            "When it was given; a date alone when the hour is not recorded, blank "
            "when only the fact is known.",
            example="2023-05-20 08:00",
        ),
        Column(
            "dose_mg",
            Kind.NUMBER,
            "Dose actually given.",
            minimum=0,
            exclusive_minimum=True,
            unit="mg",
            example="560",
        ),
        Column("route", Kind.CATEGORY, "Route.", vocabulary=ROUTE, example="IV"),
        Column(
            "reason", Kind.CATEGORY, "What it was given for.", required=True, vocabulary=REASON, example="CRS"
        ),
        Column(
            "dose_step",
            Kind.CATEGORY,
            "For a dose of a bispecific antibody (or glofitamab's obinutuzumab pretreatment): which dose of "
            "the product's schedule it is (docs/bispecifics.md); blank for other drugs.",
            vocabulary=DOSE_STEP,
            example="",
        ),
        Column(
            "cycle",
            Kind.INTEGER,
            "For a dose of a bispecific antibody: the treatment cycle it belongs to (1 = the step-up cycle).",
            minimum=1,
            maximum=200,
            example="",
        ),
        Column(
            "discharged_at",
            Kind.DATETIME,
            "For a dose of a bispecific antibody: when the patient left hospital (or the monitoring the label "
            "asks for) after it; blank when the dose was given without a stay.",
            example="",
        ),
    ),
    key="administration_id",
)

OBSERVATIONS = Table(
    "observations",
    "Bedside observations that ASTCT grading is computed from (optional).",
    (
        _infusion_ref(),
        Column(
            "observed_at",
            Kind.DATETIME,
            "Time of the observation.",
            required=True,
            example="2023-05-19 14:00",
        ),
        # 30-44 °C: below 30 °C is severe accidental hypothermia and above 44 °C is not survivable for long;
        # neither is a bedside reading of a patient followed for CRS, so such a value is a typing error
        # (25 for 35, 48 for 38.4), refused at import and by grading alike.
        Column(
            "temperature_c",
            Kind.NUMBER,
            "Highest temperature.",
            minimum=30,
            maximum=44,
            unit="°C",
            example="38.4",
        ),
        Column("hypotension", Kind.BOOLEAN, "Hypotension present.", example="no"),
        # At most 6: the vasopressors in use (norepinephrine, epinephrine, dopamine, phenylephrine, and the
        # inotropes run beside them) do not reach 7 at once; ASTCT grade 4 already starts at 2.
        Column(
            "vasopressors",
            Kind.INTEGER,
            "Number of vasopressors running, vasopressin not counted.",
            minimum=0,
            maximum=6,
            example="0",
        ),
        Column("vasopressin", Kind.BOOLEAN, "Vasopressin running.", example="no"),
        Column(
            "oxygen_device",
            Kind.CATEGORY,
            "Oxygen support; for a cannula or blow-by the flow, when recorded, decides low vs high.",
            vocabulary=OXYGEN_DEVICE,
            example="nasal_cannula",
        ),
        # 0-80 L/min: high-flow nasal cannula devices deliver up to 60-80 L/min; nothing given at the bedside
        # flows more, so a larger number is a typing error (or a FiO2 % typed in the wrong column).
        Column("oxygen_l_min", Kind.NUMBER, "Oxygen flow.", minimum=0, maximum=80, unit="L/min", example="4"),
        Column(
            "ice_score",
            Kind.INTEGER,
            "Immune effector cell encephalopathy score.",
            minimum=0,
            maximum=10,
            example="10",
        ),
        Column(
            "consciousness",
            Kind.CATEGORY,
            "Level of consciousness.",
            vocabulary=CONSCIOUSNESS,
            example="alert",
        ),
        Column("seizure", Kind.CATEGORY, "Seizure.", vocabulary=SEIZURE, example="none"),
        Column("motor_weakness", Kind.BOOLEAN, "Deep focal motor weakness.", example="no"),
        Column(
            "cerebral_edema",
            Kind.CATEGORY,
            "Raised intracranial pressure / cerebral oedema.",
            vocabulary=CEREBRAL_EDEMA,
            example="none",
        ),
        Column(
            "capd_score",
            Kind.INTEGER,
            "Cornell Assessment of Pediatric Delirium (children).",
            minimum=0,
            maximum=32,
            example="4",
        ),
        Column(
            "antipyretic_or_anticytokine_given",
            Kind.BOOLEAN,
            "Antipyretics, tocilizumab or corticosteroids given for CRS since an earlier febrile observation "
            "(fever then no longer required).",
            example="no",
        ),
        Column(
            "oxygen_cause",
            Kind.CATEGORY,
            "What the oxygen or ventilation is for, when not CRS (blank: no other cause recorded).",
            vocabulary=OXYGEN_CAUSE,
            example="",
        ),
        Column(
            "hypotension_cause",
            Kind.CATEGORY,
            "What the hypotension is attributed to, when not CRS (blank: no other cause recorded).",
            vocabulary=HYPOTENSION_CAUSE,
            example="",
        ),
        Column(
            "sedated",
            Kind.BOOLEAN,
            "Sedating medication at the time of the ICE/CAPD and consciousness assessment.",
            example="no",
        ),
    ),
    required=False,
)

OUTCOMES = Table(
    "outcomes",
    "Follow-up status, one row per infusion.",
    (
        _id(
            "infusion_id",
            "The infusion this follow-up belongs to.",
            references="infusions.infusion_id",
            unique=True,
            example="INF-0001",
        ),
        Column(
            "last_follow_up",
            Kind.DATE,
            "Date last known alive, or date of death.",
            required=True,
            example="2024-05-17",
        ),
        Column(
            "status",
            Kind.CATEGORY,
            "Vital status at last follow-up.",
            required=True,
            vocabulary=VITAL_STATUS,
            example="alive",
        ),
        Column("death_date", Kind.DATE, "Date of death (status dead only).", example=""),
        Column("death_cause", Kind.TEXT, "Cause of death (status dead only).", example=""),
    ),
    key="infusion_id",
)

LABS = Table(
    "labs",
    "Laboratory results, one row per analyte measured (optional): the counts behind CAR-HEMATOTOX and ICAHT, "
    "the markers behind IEC-HS.",
    (
        _infusion_ref(),
        Column(
            "measured_at",
            Kind.DATETIME,
            "When the sample was taken; a date alone when the hour is not recorded. Before the infusion for "
            "the counts at lymphodepletion.",
            required=True,
            example="2023-05-12 07:30",
        ),
        Column(
            "analyte", Kind.CATEGORY, "What was measured.", required=True, vocabulary=ANALYTE, example="ANC"
        ),
        # Each analyte's plausible range, in its canonical unit, is checked by rule lab_value_plausible
        # (iectox.schema.labs.ANALYTES, each range with its reason).
        Column("value", Kind.NUMBER, "The result, in `unit`.", required=True, minimum=0, example="0.42"),
        Column(
            "unit",
            Kind.CATEGORY,
            "The unit of `value`, one of the analyte's (normalised to its canonical unit for scores).",
            required=True,
            vocabulary=LAB_UNIT,
            example="10^9/L",
        ),
    ),
    required=False,
)

CONTRACT = Schema((PATIENTS, INFUSIONS, TOXICITY_EPISODES, ADMINISTRATIONS, OBSERVATIONS, OUTCOMES, LABS))
