"""Every column of the analysis table, with its definition: what a reader of a report needs to trust it."""

from __future__ import annotations

from dataclasses import dataclass

from iectox.grading.car_hematotox import RISK
from iectox.i18n import N_
from iectox.schema import INDICATION, THERAPY, Vocabulary
from iectox.schema.vocabularies import DOSE_STEP, EPISODE_OUTCOME, SETTING, SEX, VITAL_STATUS


@dataclass(frozen=True)
class Derived:
    name: str
    label: str
    kind: str  # "id" | "categorical" | "continuous" | "ordinal" | "boolean" | "date" | "text"
    definition: str
    unit: str | None = None
    vocabulary: Vocabulary | None = None  # labels of the codes, for tables and figures


AFTER_STEP = (
    "Bispecific antibody: a CRS began after a dose of this step and before the next dose; blank when the "
    "course had no timed dose of that step (docs/bispecifics.md)."
)

COLUMNS: tuple[Derived, ...] = (
    Derived("infusion_id", "Infusion", "id", "The infusion (one row each)."),
    Derived("patient_id", "Patient", "id", "The patient who received it."),
    Derived(
        "cohort",
        "Cohort",
        "categorical",
        "Setting of the infusion: clinical_trial or standard_of_care.",
        vocabulary=SETTING,
    ),
    Derived("centre", "Centre", "categorical", "Treating centre."),
    Derived("sex", "Sex", "categorical", "Sex as recorded for the patient.", vocabulary=SEX),
    Derived("age", "Age", "continuous", "Age on the infusion day.", "years"),
    Derived("weight_kg", "Weight", "continuous", "Body weight before infusion.", "kg"),
    Derived("indication", "Indication", "categorical", "Disease and line of therapy.", vocabulary=INDICATION),
    Derived(
        "therapy",
        "Product",
        "categorical",
        "Product given (international non-proprietary name).",
        vocabulary=THERAPY,
    ),
    Derived("therapy_class", "Therapy class", "categorical", "CAR-T or BsAb, derived from the product."),
    Derived("infusion_date", "Infusion date", "date", "Day 0."),
    Derived(
        "crs_any",
        "CRS",
        "boolean",
        "CRS occurred: a CRS episode is recorded or crs_status is yes; blank when crs_status is unknown.",
    ),
    Derived(
        "crs_grade",
        "CRS, maximum grade",
        "ordinal",
        "Highest CRS grade on the study's grading scale over all "
        "CRS episodes of the infusion; 0 without CRS; blank when unknown or graded only on another scale.",
    ),
    Derived(
        "crs_grade_scales",
        "CRS scales recorded",
        "text",
        "Every scale a CRS grade of the infusion was "
        "recorded on, so that grades on other scales are visible, never pooled.",
    ),
    Derived(
        "crs_onset_day",
        "CRS onset day",
        "continuous",
        "Calendar days from infusion to the first CRS onset (day 0 = infusion day).",
        "days",
    ),
    Derived(
        "crs_outcome",
        "CRS outcome",
        "categorical",
        "death if any CRS episode ended in death, otherwise the outcome of the last CRS episode.",
        vocabulary=EPISODE_OUTCOME,
    ),
    Derived("icans_any", "ICANS", "boolean", "As crs_any, for ICANS."),
    Derived("icans_grade", "ICANS, maximum grade", "ordinal", "As crs_grade, for ICANS."),
    Derived("icans_grade_scales", "ICANS scales recorded", "text", "As crs_grade_scales, for ICANS."),
    Derived("icans_onset_day", "ICANS onset day", "continuous", "As crs_onset_day, for ICANS.", "days"),
    Derived("tocilizumab", "Received tocilizumab", "boolean", "At least one tocilizumab dose recorded."),
    Derived(
        "tocilizumab_injections",
        "Tocilizumab injections",
        "continuous",
        "Number of tocilizumab doses; blank when none was given.",
    ),
    Derived(
        "tocilizumab_dose_mg",
        "Tocilizumab dose per injection",
        "continuous",
        "Mean of the infusion's tocilizumab doses (doses of unknown amount left out).",
        "mg",
    ),
    Derived(
        "tocilizumab_dose_mg_kg",
        "Tocilizumab dose per kg",
        "continuous",
        "tocilizumab_dose_mg / weight_kg.",
        "mg/kg",
    ),
    Derived(
        "hours_crs_onset_to_tocilizumab",
        "CRS onset to first tocilizumab",
        "continuous",
        "Hours from the "
        "first CRS onset to the first tocilizumab dose; blank when either hour was not recorded.",
        "hours",
    ),
    Derived(
        "days_crs_onset_to_tocilizumab",
        "CRS onset to first tocilizumab",
        "continuous",
        "hours_crs_onset_to_tocilizumab / 24.",
        "days",
    ),
    Derived(
        "calendar_days_crs_onset_to_tocilizumab",
        "CRS onset to first tocilizumab (calendar days)",
        "continuous",
        "Calendar days between the day of CRS onset and the day of the first tocilizumab "
        "dose; usable when only the days were recorded.",
        "days",
    ),
    Derived(
        "corticosteroids",
        "Received corticosteroids",
        "boolean",
        "At least one corticosteroid dose recorded (premedication before a bispecific dose excluded; "
        "prophylaxis excluded unless the study includes it).",
    ),
    Derived(
        "corticosteroids_with_tocilizumab",
        "Concomitant corticosteroids",
        "boolean",
        "Among "
        "tocilizumab-treated infusions: a corticosteroid given from the CRS onset to the end of the steroid "
        "window after the CRS resolution (a dose of unknown time given for CRS counts); blank when no "
        "tocilizumab was given.",
    ),
    *(
        Derived(
            f"crs_after_{step}",
            label,
            "boolean",
            AFTER_STEP,
        )
        for step, label in (
            ("step_up_1", "CRS after step-up dose 1"),
            ("step_up_2", "CRS after step-up dose 2"),
            ("step_up_3", "CRS after step-up dose 3"),
            ("treatment", "CRS after a treatment dose"),
        )
    ),
    Derived(
        "crs_bsab_step",
        "Dose step before the first CRS",
        "categorical",
        "Bispecific antibody: the dose step of the last dose given before the first CRS onset that followed "
        "a timed dose (an onset known to the day counts from the end of that day).",
        vocabulary=DOSE_STEP,
    ),
    Derived("crs_bsab_cycle", "Cycle of the first CRS", "continuous", "Cycle of that dose."),
    Derived(
        "crs_bsab_hours_after_dose",
        "First CRS after the dose",
        "continuous",
        "Hours from that dose to the first CRS onset; blank when the onset hour was not recorded.",
        "hours",
    ),
    Derived(
        "hematotox_score",
        N_("CAR-HEMATOTOX score"),
        "ordinal",
        N_(
            "CAR-HEMATOTOX (Rejeski, Blood 2021) from platelets, ANC, haemoglobin, CRP and ferritin, each the last "
            "value from day -30 to day -5; 0-7; blank when a marker is missing (docs/haematotoxicity.md)."
        ),
    ),
    Derived(
        "hematotox_risk",
        N_("CAR-HEMATOTOX risk"),
        "categorical",
        N_("low (score 0-1) or high (score >= 2, also when the markers measured already reach 2)."),
        vocabulary=RISK,
    ),
    Derived(
        "icaht_early",
        N_("Early ICAHT, grade"),
        "ordinal",
        N_(
            "EHA/EBMT early ICAHT grade (Rejeski, Blood 2023) from the ANC of days 0-30: days <= 0.5 G/L "
            "(1: < 7, 2: 7-13, 3: >= 14, 4: >= 30) or <= 0.1 G/L for >= 7 days (4); blank without an ANC."
        ),
    ),
    Derived(
        "severe_neutropenia_days",
        N_("Days with ANC <= 0.5 G/L (day 0-30)"),
        "continuous",
        N_("Days from day 0 to day 30 with ANC <= 0.5 G/L, a recovery of under 3 days counted as low."),
        "days",
    ),
    Derived(
        "icaht_late",
        N_("Late ICAHT, grade"),
        "ordinal",
        N_(
            "EHA/EBMT late ICAHT grade from the second-lowest of at least two ANC after day 30 (<= 1.5, 1.0, "
            "0.5, 0.1 G/L: grades 1-4); blank with fewer than two counts."
        ),
    ),
    Derived(
        "iechs_lab_criteria",
        N_("IEC-HS laboratory criteria"),
        "boolean",
        N_(
            "Hines 2023 IEC-HS criteria in the labs: ferritin over 2x baseline (or ULN) after infusion with "
            "ALT/AST > 5x ULN, fibrinogen < 1.5 g/L, LDH > ULN or triglycerides > 265 mg/dL; blank without a "
            "ferritin after infusion."
        ),
    ),
    Derived(
        "iechs_grade",
        N_("IEC-HS, grade"),
        "ordinal",
        N_(
            "IEC-HS grade as far as the data show it: 1 criteria met, 2 treated (anakinra, siltuximab, "
            "corticosteroid), 5 or a recorded ASTCT 2023 grade from episodes; blank when the criteria are not met."
        ),
    ),
    Derived(
        "status", "Vital status", "categorical", "alive or dead at last follow-up.", vocabulary=VITAL_STATUS
    ),
    Derived("death_cause", "Cause of death", "text", "As recorded."),
    Derived(
        "follow_up_days", "Follow-up", "continuous", "Days from infusion to last follow-up or death.", "days"
    ),
)

BY_NAME = {c.name: c for c in COLUMNS}
