"""The doses of a bispecific antibody in the administrations table: each belongs to a course of that product.

A course of a bispecific antibody is one row of `infusions` (its `infusion_date` is the day of the first
step-up dose; glofitamab's obinutuzumab pretreatment comes 7 days before it); each dose of the antibody is a row of
`administrations` with the product as its drug and its `dose_step` (docs/bispecifics.md). A dose recorded on
another product's course, a dose step on a drug that has none, or a dose of the antibody without its step
cannot be audited against the product's schedule, and would be silently left out of the step-up analysis:
it is refused.
"""

from __future__ import annotations

from collections.abc import Iterator

from iectox.errors import Issue
from iectox.i18n import N_
from iectox.rules import Rule
from iectox.schema.vocabularies import BSAB_DRUG_CODES
from iectox.validate.frames import Frames

PRETREATMENT = {"obinutuzumab": "glofitamab"}  # the drug given as pretreatment -> the course it prepares


def _bsab_dose_matches_course(frames: Frames) -> Iterator[Issue]:
    adm = frames.tables["administrations"]
    therapy = frames.look_up("administrations", "infusion_id", "infusions", "therapy")
    drug, step = adm["drug"], adm["dose_step"]
    is_bsab = drug.isin(BSAB_DRUG_CODES).fillna(False)
    pretreatment = (drug == "obinutuzumab").fillna(False) & (step == "pretreatment").fillna(False)
    has_step = step.notna()
    other_course = is_bsab & therapy.notna() & (drug != therapy).fillna(False)
    yield from frames.flag(
        BSAB_DOSE_MATCHES_COURSE, "administrations", "drug", other_course, drug=drug, therapy=therapy
    )
    yield from frames.flag(
        BSAB_DOSE_MATCHES_COURSE, "administrations", "dose_step", is_bsab & ~has_step, NO_STEP, drug=drug
    )
    stray = has_step & ~is_bsab & ~pretreatment
    yield from frames.flag(
        BSAB_DOSE_MATCHES_COURSE, "administrations", "dose_step", stray, STRAY_STEP, drug=drug, step=step
    )
    wrong_pretreatment = (
        pretreatment & therapy.notna() & (therapy != PRETREATMENT["obinutuzumab"]).fillna(False)
    )
    yield from frames.flag(
        BSAB_DOSE_MATCHES_COURSE,
        "administrations",
        "dose_step",
        wrong_pretreatment,
        PRETREATMENT_COURSE,
        therapy=therapy,
    )


BSAB_DOSE_MATCHES_COURSE = Rule(
    id="bsab_dose_matches_course",
    severity="error",
    source="dataset contract (docs/data_dictionary.md, docs/bispecifics.md)",
    title="A dose of a bispecific antibody is on a course of that product and says its dose step; a dose step "
    "is given only to such a dose or to glofitamab's obinutuzumab pretreatment.",
    message=N_(
        "{drug} is recorded on a course of {therapy}: a bispecific antibody's dose belongs to its own course"
    ),
    columns=(
        "administrations.drug",
        "administrations.dose_step",
        "administrations.infusion_id",
        "infusions.therapy",
    ),
    evaluate=_bsab_dose_matches_course,
)
NO_STEP = N_("a dose of {drug} needs its dose_step (step_up_1, step_up_2, step_up_3 or treatment)")
STRAY_STEP = N_(
    "dose_step {step} is for a dose of a bispecific antibody (or obinutuzumab pretreatment), not for {drug}"
)
PRETREATMENT_COURSE = N_("obinutuzumab pretreatment is recorded on a course of {therapy}, not of glofitamab")
