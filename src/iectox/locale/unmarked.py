# ruff: noqa: E501  (each message stays on one line, as it is searched for in its module)
"""Messages shown to users but defined as data where no `N_` marks them yet, so that the catalog
extraction finds them and their French stays live.

Grouped by the module (or data file) that defines them. When that module wraps a message in `N_` itself,
delete its line here; `tests/test_i18n_catalog.py` fails when a message listed here no longer occurs in
its module, so this list only shrinks. Nothing imports this module: Babel reads it.
"""

from iectox.i18n import N_

UNMARKED = {
    "analysis/columns.py": (
        N_(
            "Bispecific antibody: a CRS began after a dose of this step and before the next dose; blank when the course had no timed dose of that step (docs/bispecifics.md)."
        ),
        N_("CRS after step-up dose 1"),
        N_("CRS after step-up dose 2"),
        N_("CRS after step-up dose 3"),
        N_("CRS after a treatment dose"),
        N_("Dose step before the first CRS"),
        N_(
            "Bispecific antibody: the dose step of the last dose given before the first CRS onset that followed a timed dose (an onset known to the day counts from the end of that day)."
        ),
        N_("Cycle of the first CRS"),
        N_("Cycle of that dose."),
        N_("First CRS after the dose"),
        N_("Hours from that dose to the first CRS onset; blank when the onset hour was not recorded."),
        N_("Age"),
        N_("Age on the infusion day."),
        N_("alive or dead at last follow-up."),
        N_(
            "Among tocilizumab-treated infusions: a corticosteroid given from the CRS onset to the end of the steroid window after the CRS resolution (a dose of unknown time given for CRS counts); blank when no tocilizumab was given."
        ),
        N_("As crs_any, for ICANS."),
        N_("As crs_grade, for ICANS."),
        N_("As crs_grade_scales, for ICANS."),
        N_("As crs_onset_day, for ICANS."),
        N_("As recorded."),
        N_(
            "At least one corticosteroid dose recorded (premedication before a bispecific dose excluded; prophylaxis excluded unless the study includes it)."
        ),
        N_("At least one tocilizumab dose recorded."),
        N_(
            "Calendar days between the day of CRS onset and the day of the first tocilizumab dose; usable when only the days were recorded."
        ),
        N_("Calendar days from infusion to the first CRS onset (day 0 = infusion day)."),
        N_("CAR-T or BsAb, derived from the product."),
        N_("Cause of death"),
        N_("Centre"),
        N_("Concomitant corticosteroids"),
        N_("corticosteroids"),
        N_("CRS occurred: a CRS episode is recorded or crs_status is yes; blank when crs_status is unknown."),
        N_("CRS onset day"),
        N_("CRS onset to first tocilizumab"),
        N_("CRS onset to first tocilizumab (calendar days)"),
        N_("CRS outcome"),
        N_("CRS scales recorded"),
        N_("CRS, maximum grade"),
        N_("Day 0."),
        N_("Days from infusion to last follow-up or death."),
        N_("death if any CRS episode ended in death, otherwise the outcome of the last CRS episode."),
        N_(
            "Every scale a CRS grade of the infusion was recorded on, so that grades on other scales are visible, never pooled."
        ),
        N_("Follow-up"),
        N_(
            "Highest CRS grade on the study's grading scale over all CRS episodes of the infusion; 0 without CRS; blank when unknown or graded only on another scale."
        ),
        N_(
            "Hours from the first CRS onset to the first tocilizumab dose; blank when either hour was not recorded."
        ),
        N_("hours_crs_onset_to_tocilizumab / 24."),
        N_("ICANS onset day"),
        N_("ICANS scales recorded"),
        N_("ICANS, maximum grade"),
        N_("Indication"),
        N_("Infusion date"),
        N_("Mean of the infusion's tocilizumab doses (doses of unknown amount left out)."),
        N_("Number of tocilizumab doses; blank when none was given."),
        N_("Product"),
        N_("Product given (international non-proprietary name)."),
        N_("Received corticosteroids"),
        N_("Received tocilizumab"),
        N_("Setting of the infusion: clinical_trial or standard_of_care."),
        N_("Sex"),
        N_("Sex as recorded for the patient."),
        N_("The infusion (one row each)."),
        N_("Therapy class"),
        N_("tocilizumab"),
        N_("Tocilizumab dose per injection"),
        N_("Tocilizumab dose per kg"),
        N_("Tocilizumab injections"),
        N_("tocilizumab_dose_mg / weight_kg."),
        N_("Vital status"),
        N_("Weight"),
    ),
    "analysis/derive.py": (N_("prophylaxis"),),
    "analysis/overview.py": (
        N_("Male sex"),
        N_("Age, mean (SD)"),
        N_("Weight kg, mean (SD)"),
        N_("CRS, any grade"),
        N_("CRS grade >= 3 (ASTCT)"),
        N_("CRS status unknown"),
        N_("ICANS, any grade"),
        N_("ICANS grade >= 3 (ASTCT)"),
        N_("Tocilizumab given"),
        N_("Deaths during follow-up"),
    ),
    "cli/audit.py": (
        N_("deviation"),
        N_("info"),
    ),
    "data/pathways/default.toml": (
        N_(
            "ASCO guideline 2021 (Santomasso et al., J Clin Oncol 2021;39:3978): tocilizumab considered for grade 1 CRS persisting > 3 days"
        ),
        N_(
            'docs/sources.md, Tocilizumab for CRS: tocilizumab label, "up to 3 additional doses", so at most 4 in total; check the label in force'
        ),
        N_("docs/sources.md (ASCO 2021, NCCN): dexamethasone 10 mg"),
        N_("docs/sources.md (ASCO 2021, NCCN): dexamethasone 10 mg q6h to q24h by grade"),
        N_("docs/sources.md (ASCO 2021, NCCN): methylprednisolone 1 g/day x 3 days for grade 4"),
        N_("docs/sources.md (ASCO 2021, NCCN): methylprednisolone 1-2 mg/kg q12h"),
        N_("docs/sources.md, Management pathway (ASCO 2021, NCCN): grade 3 CRS -> dexamethasone 10 mg q6h"),
        N_("docs/sources.md, Management pathway (ASCO 2021, NCCN): ICANS grade 2 -> dexamethasone 10 mg"),
        N_(
            "docs/sources.md, Management pathway (ASCO 2021, NCCN): ICANS grade 3 -> dexamethasone 10 mg q6h or methylprednisolone 1 mg/kg q12h"
        ),
        N_(
            "docs/sources.md, Management pathway (ASCO 2021, NCCN): ICANS grade 4 -> high-dose methylprednisolone (1 g/day x 3 days)"
        ),
        N_(
            "docs/sources.md, Corticosteroids (ASCO 2021, NCCN): methylprednisolone 1 g/day x 3 days for grade 4 (then taper)"
        ),
        N_(
            "docs/sources.md, Management pathway: axi-cel, brexu-cel (CAR-T with the highest CRS and ICANS rates in pivotal trials)"
        ),
        N_("docs/sources.md, Management pathway: CRS grade >= 2 -> tocilizumab (labels; ASCO 2021; NCCN)"),
        N_(
            "docs/sources.md, Management pathway: earlier for high-risk products (axi-cel, brexu-cel: > 24 h); unconfirmed"
        ),
        N_("doses"),
        N_("doses of one drug further apart start a new course; iectox default, unconfirmed"),
        N_("fraction of the label dose"),
        N_("fraction of the regimen dose"),
        N_("grade"),
        N_("h"),
        N_("iectox default pathway"),
        N_("Lee et al., Biol Blood Marrow Transplant 2019;25:625 (ASTCT consensus grading)"),
        N_(
            "local quality target for CRS onset -> first tocilizumab; no guideline states one; iectox default, unconfirmed"
        ),
        N_("local target after grade 1 CRS passes the persistence threshold; iectox default, unconfirmed"),
        N_(
            "local target, counted from the first observation at that grade (docs/sources.md gives no delay); iectox default, unconfirmed"
        ),
        N_("local tolerance around the label dose (rounding to whole vials); iectox default, unconfirmed"),
        N_("local tolerance on dosing intervals when recognising a regimen; iectox default, unconfirmed"),
        N_("local tolerance when recognising a regimen; iectox default, unconfirmed"),
        N_("mg"),
        N_("mg/day"),
        N_("mg/kg"),
        N_("seed study: clinical trials versus standard of care (infusions.setting)"),
        N_("Tocilizumab labels (RoActemra SmPC 4.2, Actemra USPI, CRS): repeat no sooner than 8 h apart"),
        N_(
            "docs/sources.md, Tocilizumab for CRS: at most 3 doses in 24 h (CAR-T product information and ASCO 2021, not the tocilizumab label)"
        ),
        N_(
            "docs/sources.md, Management pathway: CRS grade 1: tocilizumab considered when persistent (> 3 days, ASCO 2021): a recommendation to consider, so a finding is a warning unless the pathway makes it a deviation"
        ),
        N_(
            "docs/sources.md, Other sources: ASCO 2021 asks to consider dexamethasone for grade 2 ICANS, so a grade 2 ICANS without corticosteroids is a warning unless the pathway makes it a deviation"
        ),
        N_(
            "docs/sources.md, Other sources: dexamethasone 20 mg q6h (cited as ASCO 2021, whose tables give 10 mg; 20 mg q6h if refractory in a 2023 review); unconfirmed"
        ),
        N_(
            "docs/sources.md, Corticosteroids (ASCO 2021 grade 4 CRS): methylprednisolone 500 mg IV q12h for 3 days, then 250 mg q12h x 2 days, 125 mg q12h x 2 days, 60 mg q12h x 2 days"
        ),
        N_(
            "docs/sources.md, Corticosteroids (ASCO 2021 grade 4 CRS): methylprednisolone 500 mg IV q12h ... then 250, 125, 60 mg q12h"
        ),
        N_(
            "docs/sources.md, Other sources: children, dexamethasone 0.5 mg/kg a dose, at most the adult dose (Mahadeo et al., Nat Rev Clin Oncol 2019;16:45); iectox default, unconfirmed"
        ),
        N_(
            "docs/sources.md, Other sources: children, methylprednisolone 30 mg/kg a day, at most the adult 1 g/day (Mahadeo et al., Nat Rev Clin Oncol 2019;16:45); iectox default, unconfirmed"
        ),
        N_("mg/kg/day"),
        N_(
            "docs/sources.md, Corticosteroids: methylprednisolone 1 g/day x 3 days for grade 4; ASCO 2021 grade 4 CRS: methylprednisolone 500 mg IV q12h (the smaller dose of the two high-dose regimens)"
        ),
        N_(
            "docs/sources.md, Corticosteroids and other agents: anakinra off label, regimens vary (e.g. 100 mg q6h); a setting"
        ),
        N_(
            "docs/sources.md, Corticosteroids and other agents: anakinra, children 2 mg/kg q6h IV, maximum 100 mg a dose"
        ),
        N_(
            "docs/sources.md, Tocilizumab for CRS: US REMS required >= 2 doses on site per patient (REMS removed in June 2025); kept as the local default, it covers the EU SmPCs' 1 dose"
        ),
        N_(
            "docs/sources.md, Tocilizumab for CRS: EU SmPCs (e.g. axi-cel): >= 1 dose on site before infusion and access to a further dose within 8 h of each dose; set a product's doses from its SmPC in force"
        ),
        N_(
            "local option: dose banding, the dose rounded to whole vials within this fraction (as many French hospital pharmacies do); 0 = off; iectox default"
        ),
        N_("docs/sources.md, Management pathway: New CRS/ICANS after day 14 is rare"),
    ),
    "data/seed/published_tables.json": (
        N_("Age (years)"),
        N_("Clinical trials population"),
        N_("Real-life population"),
        N_("Recovery"),
        N_("Weight (kg)"),
    ),
    "data/seed/study.toml": (
        N_("CRS and ICANS after CAR-T cells: clinical trials versus standard of care"),
        N_("Cytokine release syndrome (maximum ASTCT grade)"),
        N_("Demographics"),
        N_("Dose per injection (mg)"),
        N_("Indications (three most frequent per cohort)"),
        N_("Injections per patient"),
        N_("Neurotoxicity: ICANS (maximum ASTCT grade)"),
        N_("Outcome of CRS, tocilizumab-treated"),
        N_("PMBCL, >= 2nd line"),
        N_("Products used"),
        N_("Time from CRS onset to first injection (days)"),
        N_("Treatment with tocilizumab"),
        N_("Vital status at last follow-up"),
        N_("Haematotoxicity and IEC-HS, from the labs"),
        N_("CAR-HEMATOTOX before lymphodepletion"),
        N_("Early ICAHT (day 0-30), grade"),
        N_("Late ICAHT (after day 30), grade"),
        N_("IEC-HS laboratory criteria met"),
    ),
    "management/corticosteroids.py": (
        N_("dexamethasone"),
        N_("hydrocortisone"),
        N_("methylprednisolone"),
        N_("prednisolone"),
    ),
    "management/delays.py": (N_("corticosteroid"),),
    "management/pathway.py": (
        N_("Pathway"),
        N_("default"),
    ),
    "published/__init__.py": (N_("Variable"),),
    "published/consistency.py": (N_("median"),),
    "published/recheck.py": (N_("SD"),),
    "render/audit_html.py": (
        N_("By quarter"),
        N_("Findings"),
        N_("First grade >= 2 times come from the graded observations."),
        N_("Generated by iectox from the patient-level rows of the study."),
        N_("Management audit"),
        N_("Median delay, h [IQR]"),
        N_("No finding."),
        N_(
            "No graded observations: delays from the first grade >= 2 are blank and those targets are only shown met when the delay from onset is already within them."
        ),
        N_("within target; median h"),
    ),
    "render/document.py": (
        N_("April"),
        N_("August"),
        N_("December"),
        N_("February"),
        N_("January"),
        N_("July"),
        N_("June"),
        N_("March"),
        N_("May"),
        N_("Mean"),
        N_("November"),
        N_("October"),
        N_("September"),
    ),
    "render/docx.py": (
        N_("Agrees"),
        N_("Published"),
        N_("Reproduced"),
        N_("Statistic"),
    ),
    "render/figures.py": (
        N_("CRS: maximum grade by cohort"),
        N_("ICANS: maximum grade by cohort"),
    ),
    "render/html.py": (
        N_("Cohort comparison report"),
        N_("Definitions"),
        N_(
            "Each number printed in the published tables, next to the same number recomputed from the patient-level rows. A count agrees when it is equal; a mean, SD or p-value when it is equal at the printed precision. A p-value can differ because the published test was not stated: the test used here is named in brackets."
        ),
        N_(
            "Every number in the tables is computed from {csv}, written next to this file: one row per infusion, one column per variable (the column names are given with the definitions in the methods). To check a number, open it in a spreadsheet, filter the column {by} on a cohort, then count the rows (n), divide by the rows where the column is filled (%), or average the column (mean). The same rows are in the sheet analysis of {xlsx}."
        ),
    ),
    "render/management.py": (
        N_("KPI and cohort"),
        N_("n eligible"),
        N_("Within target, %"),
        N_("Within target, n"),
    ),
    "render/methods.py": (
        N_("and"),
        N_("ASTCT consensus 2019 (Lee et al., Biol Blood Marrow Transplant 2019;25:625-38)"),
    ),
    "schema/contract.py": (
        N_("years"),
        N_("Age on the infusion day."),
        N_(
            "Antipyretics, tocilizumab or corticosteroids given for CRS since an earlier febrile observation (fever then no longer required)."
        ),
        N_("What the oxygen or ventilation is for, when not CRS (blank: no other cause recorded)."),
        N_("What the hypotension is attributed to, when not CRS (blank: no other cause recorded)."),
        N_("Sedating medication at the time of the ICE/CAPD and consciousness assessment."),
        N_("Baseline developmental delay: up to 21 years, ICANS is assessed with CAPD instead of ICE."),
        N_(
            "Laboratory results, one row per analyte measured (optional): the counts behind CAR-HEMATOTOX and ICAHT, the markers behind IEC-HS."
        ),
        N_(
            "When the sample was taken; a date alone when the hour is not recorded. Before the infusion for the counts at lymphodepletion."
        ),
        N_("What was measured."),
        N_("The result, in `unit`."),
        N_("The unit of `value`, one of the analyte's (normalised to its canonical unit for scores)."),
        N_("Bedside observations that ASTCT grading is computed from (optional)."),
        N_("Body weight before infusion."),
        N_("Cause of death (status dead only)."),
        N_("Clinical trial or standard of care."),
        N_("Cornell Assessment of Pediatric Delirium (children)."),
        N_("Date last known alive, or date of death."),
        N_("Date of death (status dead only)."),
        N_(
            "Day of the CAR-T infusion (day 0) or first BsAb step-up dose; blank only for external data that publish no dates (timing analyses then leave the infusion out)."
        ),
        N_("Deep focal motor weakness."),
        N_("Disease and line of therapy."),
        N_("Dose actually given."),
        N_("Drug given."),
        N_(
            "First documented symptom; a date alone when the hour is not recorded, blank when the episode is known but not its onset."
        ),
        N_("Follow-up status, one row per infusion."),
        N_("Height."),
        N_("Highest grade during the episode, on `grading_scale`; blank when the grade was not recorded."),
        N_("Highest temperature."),
        N_("How the episode ended."),
        N_("Hypotension present."),
        N_("Identifier of the dose."),
        N_("Identifier of the episode."),
        N_("Identifier of the infusion."),
        N_("Immune effector cell encephalopathy score."),
        N_("letters, digits, '_', '.', '-', at most 64 characters, no spaces"),
        N_("Level of consciousness."),
        N_("Number of vasopressors running, vasopressin not counted."),
        N_("One row per CRS, ICANS or IEC-HS episode."),
        N_(
            "One row per dose of a drug given to manage a toxicity, as premedication, or of the bispecific antibody itself (with its dose step)."
        ),
        N_(
            "For a dose of a bispecific antibody (or glofitamab's obinutuzumab pretreatment): which dose of the product's schedule it is (docs/bispecifics.md); blank for other drugs."
        ),
        N_("For a dose of a bispecific antibody: the treatment cycle it belongs to (1 = the step-up cycle)."),
        N_(
            "For a dose of a bispecific antibody: when the patient left hospital (or the monitoring the label asks for) after it; blank when the dose was given without a stay."
        ),
        N_("One row per infusion of a CAR-T product or start of a bispecific antibody."),
        N_("One row per patient (pseudonymous)."),
        N_("Oxygen flow."),
        N_("Oxygen support; for a cannula or blow-by the flow, when recorded, decides low vs high."),
        N_("Product given; the class (CAR-T or BsAb) is derived from it."),
        N_("Pseudonymous patient identifier; never a name, a hospital number or a date of birth."),
        N_("Raised intracranial pressure / cerebral oedema."),
        N_("Resolution; blank while ongoing or unknown."),
        N_("Route."),
        N_("Scale of max_grade."),
        N_("Seizure."),
        N_("Sex as recorded."),
        N_("The infusion this follow-up belongs to."),
        N_("The infusion this row belongs to."),
        N_("The patient who received it."),
        N_("Time of the observation."),
        N_("Treating centre."),
        N_("Trial identifier; required in a clinical trial, NCT12345678 form when it starts with NCT."),
        N_("Vasopressin running."),
        N_("Vital status at last follow-up."),
        N_("What it was given for."),
        N_(
            "When it was given; a date alone when the hour is not recorded, blank when only the fact is known."
        ),
        N_(
            "Whether CRS occurred, when the record states it; blank means 'derived from toxicity_episodes' and 'unknown' keeps the infusion out of CRS analyses."
        ),
        N_("Whether ICANS occurred; same convention as crs_status."),
        N_("Which syndrome."),
        N_("Year of birth, if the study collects it."),
    ),
    "schema/therapies.py": (
        N_("Acute B-cell leukaemia"),
        N_("other"),
        N_("R/R aggressive NHL (PMBCL, >= 2nd line)"),
        N_("R/R B-cell NHL (DLBCL, >= 3rd line)"),
        N_("Refractory B-cell lymphoma (DLBCL, 2nd line)"),
    ),
    "stats/build.py": (
        N_("Any grade"),
        N_("Mean (SD)"),
        N_("Median [IQR]"),
        N_("Missing"),
    ),
    "sentences built from parts": (
        N_("a date (DD/MM/YYYY (day first) or YYYY-MM-DD with an optional HH:MM)"),
        N_("a date (DD/MM/YYYY (day first) or YYYY-MM-DD)"),
        N_("a date (MM/DD/YYYY (month first) or YYYY-MM-DD with an optional HH:MM)"),
        N_("a date (MM/DD/YYYY (month first) or YYYY-MM-DD)"),
        N_("a date (YYYY-MM-DD with an optional HH:MM)"),
        N_("a date (YYYY-MM-DD)"),
        N_("CRS onset day (days)"),
        N_("CRS onset to first tocilizumab (calendar days) (days)"),
        N_("CRS onset to first tocilizumab (days)"),
        N_("CRS onset to first tocilizumab (hours)"),
        N_("Follow-up (days)"),
        N_("Grade"),
        N_("ICANS onset day (days)"),
        N_("No CRS"),
        N_("No ICANS"),
        N_("not tested: all observations are in the same group (R: kruskal.test needs 2 groups or more)"),
        N_("not tested: all values are equal: the Kruskal-Wallis statistic is undefined"),
        N_("not tested: all values are equal: the rank sum test is undefined"),
        N_("not tested: data are essentially constant (R: 'data are essentially constant')"),
        N_("not tested: every group needs at least 2 observations (R: 'not enough observations')"),
        N_("not tested: no variation within groups: the F statistic is undefined"),
        N_("not tested: not enough observations (R: 'not enough observations')"),
        N_("not tested: not enough observations in the first group (R: 'not enough x observations')"),
        N_("not tested: not enough observations in the second group (R: 'not enough y observations')"),
        N_("not tested: one-way ANOVA needs at least 2 groups"),
        N_("Tocilizumab dose per injection (mg)"),
        N_("Tocilizumab dose per kg (mg/kg)"),
    ),
}
