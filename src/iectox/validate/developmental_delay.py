"""The developmental_delay_age rule: developmental delay recorded for a patient treated after 21 years.

Developmental delay only changes the grading up to 21 years (CAPD instead of ICE: Lee 2019; ASCO 2021,
Santomasso et al.; `DELAY_CAPD_AGE`): recorded for a patient aged 22 or more at an infusion, it changes
nothing there, which is worth a second look (a wrong age, a wrong patient, or a team expecting CAPD).
"""

from __future__ import annotations

from collections.abc import Iterator

from iectox.errors import Issue
from iectox.i18n import N_
from iectox.rules import Rule
from iectox.schema.contract import DELAY_CAPD_AGE
from iectox.validate.frames import Frames


def _developmental_delay_age(frames: Frames) -> Iterator[Issue]:
    infusions, patients = frames.tables["infusions"], frames.tables["patients"]
    delay = frames.look_up("infusions", "patient_id", "patients", "developmental_delay")
    older = (delay.fillna(False) & (infusions["age_at_infusion"] >= DELAY_CAPD_AGE).fillna(False)).astype(
        bool
    )
    if not older.any():
        return
    first = infusions[older].drop_duplicates("patient_id").set_index("patient_id")
    patient = patients["patient_id"]
    yield from frames.flag(
        DEVELOPMENTAL_DELAY_AGE,
        "patients",
        "developmental_delay",
        patient.isin(first.index).fillna(False),
        age=patient.map(first["age_at_infusion"]),
        infusion_id=patient.map(first["infusion_id"]),
    )


DEVELOPMENTAL_DELAY_AGE = Rule(
    id="developmental_delay_age",
    severity="warning",  # a true delay in an adult changes nothing; a wrong age or patient is worth a look
    source="Lee et al., Biol Blood Marrow Transplant 2019;25:625; ASCO 2021 (Santomasso et al., J Clin Oncol "
    "2021;39:3978): CAPD for a patient with developmental delay up to 21 years",
    title="Developmental delay is recorded for a patient aged over 21 at an infusion: ICE, not CAPD, grades it.",
    message=N_(
        "developmental_delay is yes but the patient was {age} years old at infusion {infusion_id}: CAPD "
        "replaces ICE only up to 21 years, so ICE grades this infusion"
    ),
    columns=("patients.developmental_delay", "infusions.age_at_infusion"),
    evaluate=_developmental_delay_age,
)
