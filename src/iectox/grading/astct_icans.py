"""ASTCT 2019 ICANS grade of each observation: adults by ICE, children below the CAPD age (and patients with
developmental delay up to 21 years) by CAPD.

Source: Lee et al., Biol Blood Marrow Transplant 2019;25:625 (Tables 5 and 6 for adults, Table 8 for children),
as reproduced in the project's `clinical_rules.md`. The most severe domain not attributable to another cause
sets the grade: each domain is one function below, vectorised over NumPy arrays; `grade_icans` applies them to
an observations frame. Missing inputs are handled as in `astct_crs`: the mildest value gives the grade, and the
reason says "lower bound" and names each missing domain that could raise it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from iectox.grading.ice import ice_as_recorded
from iectox.grading.inputs import NOT_RECORDED, category, flag, number, plausible
from iectox.grading.reasons import graded_in_chunks, joined, missing_list, pack_bits, sentence
from iectox.i18n import N_, tr
from iectox.schema.contract import DELAY_CAPD_AGE
from iectox.schema.vocabularies import CEREBRAL_EDEMA, CONSCIOUSNESS, SEIZURE

DEFAULT_CAPD_AGE = 12.0
CAPD_DELIRIUM = 9
# CAPD 1-8: Lee 2019's Table 8 lists it under grades 1 and 2 (consciousness decides between them), so alone, in
# an alert child, it is grade 1 ("table"). "consciousness" is the convention some teams use instead: CAPD 1-8
# grades nothing by itself, only the level of consciousness does.
CAPD_CONVENTIONS = ("table", "consciousness")
CAPD_LOW_GRADE = {"table": 1, "consciousness": 0}
UNAROUSABLE = CONSCIOUSNESS.codes.index("unarousable")
# Grade of each code, in vocabulary order; the last slot (index -1) is "not recorded", graded at its mildest.
CONSCIOUSNESS_GRADE = np.array([0, 1, 2, 3, 4, 0], dtype=np.int8)
SEIZURE_GRADE = np.array([0, 3, 3, 4, 0], dtype=np.int8)
CEREBRAL_EDEMA_GRADE = np.array([0, 3, 4, 0], dtype=np.int8)
# The most severe grade each domain can give, for lower bounds: assessment (ICE or CAPD), consciousness,
# seizure, motor findings, cerebral oedema.
DOMAIN_WORST = (3, 4, 4, 4, 4)
ADULT_INPUTS = ("ice_score", "consciousness", "seizure", "motor_weakness", "cerebral_edema")
CHILD_INPUTS = ("capd_score", *ADULT_INPUTS[1:])
CONSCIOUSNESS_TEXT = {
    1: N_("wakes spontaneously"),
    2: N_("wakes to voice"),
    3: N_("wakes only to tactile stimulus"),
    4: N_("unarousable"),
}
SEIZURE_TEXT = {
    1: N_("clinical seizure resolving rapidly"),
    2: N_("non-convulsive EEG seizure resolving with intervention"),
    3: N_("prolonged (> 5 min) or repetitive seizures"),
}
CEREBRAL_EDEMA_TEXT = {1: N_("focal/local cerebral oedema on imaging"), 2: N_("diffuse cerebral oedema")}
NO_CAPD, NO_ICE = N_("{state} (unable to perform CAPD)"), N_("{state} (cannot perform ICE)")
CAPD_TEXT = N_("CAPD {value} (child)")
ICE_TEXT, ICE_AWAKE = N_("ICE {value}/10"), N_("ICE {value}/10 while awake")
MOTOR = N_("deep focal motor weakness")
NOT_GRADABLE = N_("not gradable: no ICANS input recorded")
NOT_GRADABLE_SEDATED = N_("not gradable: sedated (ICE or CAPD and consciousness cannot be assessed)")
SEDATED = N_("ICE or CAPD and consciousness not assessable: sedated")
NO_OTHER = N_("{domain}, no other domain affected")
NO_SIGN = N_("no ICANS sign recorded")


def uses_capd(
    age_years: np.ndarray, capd_age: float = DEFAULT_CAPD_AGE, developmental_delay: np.ndarray | None = None
) -> np.ndarray:
    """Children under 12 (the cut-off is a setting) are assessed with CAPD instead of ICE (ASTCT 2019, Table 8),
    and so is an older patient with developmental delay (`developmental_delay` = 1) up to 21 years, that is
    younger than the contract's `DELAY_CAPD_AGE` (Lee 2019; ASCO 2021, Santomasso et al.); a blank age counts
    as an adult."""
    with np.errstate(invalid="ignore"):
        child = age_years < capd_age
        if developmental_delay is None:
            return child
        return child | ((developmental_delay == 1) & (age_years < DELAY_CAPD_AGE))


def icans_ice_grade(ice_score: np.ndarray) -> np.ndarray:
    """ICE 7-9 = 1, 3-6 = 2, 0-2 = 3, 10 = 0 (ASTCT 2019, Table 6). ICE 0 while awake is grade 3; ICE 0
    because the patient is unarousable is grade 4 through the consciousness domain."""
    with np.errstate(invalid="ignore"):
        grade = np.where(ice_score <= 9, 1, 0)
        grade = np.where(ice_score <= 6, 2, grade)
        return np.where(ice_score <= 2, 3, grade).astype(np.int8)


def icans_capd_grade(capd_score: np.ndarray, convention: str = "table") -> np.ndarray:
    """Children: CAPD 1-8 = 1 (Lee 2019, Table 8 lists "1-8" under grade 1 and grade 2: the level of
    consciousness, wakes spontaneously = 1, to voice = 2, decides between them), CAPD >= 9 = 3, unable to
    perform CAPD (unarousable) = 4 through the consciousness domain. With `convention="consciousness"`, CAPD
    1-8 grades nothing by itself (`CAPD_CONVENTIONS`)."""
    low = CAPD_LOW_GRADE[convention]
    with np.errstate(invalid="ignore"):
        return np.where(capd_score >= CAPD_DELIRIUM, 3, np.where(capd_score >= 1, low, 0)).astype(np.int8)


def icans_consciousness_grade(consciousness: np.ndarray) -> np.ndarray:
    """Depressed consciousness: wakes spontaneously = 1, wakes to voice = 2, wakes only to tactile stimulus
    = 3, unarousable or needing vigorous or repeated stimuli (stupor, coma) = 4 (ASTCT 2019, Table 6)."""
    return CONSCIOUSNESS_GRADE[consciousness]


def icans_seizure_grade(seizure: np.ndarray) -> np.ndarray:
    """Any clinical seizure resolving rapidly, or non-convulsive EEG seizures resolving with intervention = 3;
    prolonged (> 5 min) or repetitive seizures without return to baseline = 4 (ASTCT 2019, Table 6)."""
    return SEIZURE_GRADE[seizure]


def icans_motor_grade(motor_weakness: np.ndarray) -> np.ndarray:
    """Deep focal motor weakness (hemiparesis, paraparesis) = 4 (ASTCT 2019, Table 6)."""
    return np.where(motor_weakness == 1, 4, 0).astype(np.int8)


def icans_cerebral_edema_grade(cerebral_edema: np.ndarray) -> np.ndarray:
    """Focal/local oedema on imaging = 3; diffuse oedema, decerebrate or decorticate posturing, cranial nerve VI
    palsy, papilloedema or Cushing's triad = 4 (ASTCT 2019, Table 6)."""
    return CEREBRAL_EDEMA_GRADE[cerebral_edema]


def astct_icans_grade(*domain_grades: np.ndarray) -> np.ndarray:
    """The most severe domain sets the grade; ICE 10 (or CAPD < 9) with no other domain = no ICANS."""
    return np.maximum.reduce(domain_grades).astype(np.int8)


def grade_icans(
    frame: pd.DataFrame, capd_age: float = DEFAULT_CAPD_AGE, lang: str = "en", capd_convention: str = "table"
) -> tuple[pd.Series, pd.Categorical]:
    """ASTCT 2019 ICANS grade (Int64, blank when no ICANS input was recorded) and its reason in `lang`, for
    every row; `capd_convention` as in `icans_capd_grade`. The inputs are read once; grades and reasons are
    computed `reasons.CHUNK_ROWS` rows at a time."""
    child = uses_capd(number(frame, "age_years"), capd_age, flag(frame, "developmental_delay"))
    ice = ice_as_recorded(frame)
    capd = plausible(number(frame, "capd_score"), "capd_score")
    consciousness = category(frame, "consciousness", CONSCIOUSNESS)
    seizure = category(frame, "seizure", SEIZURE)
    motor = flag(frame, "motor_weakness")
    edema = category(frame, "cerebral_edema", CEREBRAL_EDEMA)
    # Lee 2019, Table 6: depressed consciousness "should be attributable to no other cause (e.g., no sedating
    # medication)": under sedation the ICE (or CAPD) and consciousness domains cannot be assessed, so they grade
    # nothing and are not counted as missing; the other domains still grade.
    sedated = flag(frame, "sedated") == 1
    inputs = (child, ice, capd, consciousness, seizure, motor, edema, sedated)

    def part(rows: slice) -> tuple[np.ndarray, np.ndarray, dict[str, tuple[np.ndarray, int]]]:
        return _icans_part(*(values[rows] for values in inputs), capd_convention)

    grades, reasons = graded_in_chunks(len(frame), part, lambda f: icans_reason_text(f, lang))
    return pd.Series(grades, index=frame.index, name="icans_grade"), reasons


def _icans_part(
    child: np.ndarray,
    ice: np.ndarray,
    capd: np.ndarray,
    consciousness: np.ndarray,
    seizure: np.ndarray,
    motor: np.ndarray,
    edema: np.ndarray,
    sedated: np.ndarray,
    capd_convention: str,
) -> tuple[np.ndarray, np.ndarray, dict[str, tuple[np.ndarray, int]]]:
    """(grade, gradable, reason fields) of some rows, from their inputs as `grade_icans` reads them."""
    score = np.where(child, capd, ice)
    domains = (
        np.where(sedated, 0, np.where(child, icans_capd_grade(capd, capd_convention), icans_ice_grade(ice))),
        np.where(sedated, 0, icans_consciousness_grade(consciousness)),
        icans_seizure_grade(seizure),
        icans_motor_grade(motor),
        icans_cerebral_edema_grade(edema),
    )
    missing = (
        np.isnan(score) & ~sedated,
        (consciousness == NOT_RECORDED) & ~sedated,
        seizure == NOT_RECORDED,
        motor == NOT_RECORDED,
        edema == NOT_RECORDED,
    )
    grade = astct_icans_grade(*domains)
    raising = [m & (top > grade) for m, top in zip(missing, DOMAIN_WORST, strict=True)]
    bits, n_bits = pack_bits(raising)
    assessed = (
        ~np.isnan(score) & ~sedated,
        (consciousness != NOT_RECORDED) & ~sedated,
        *(~m for m in missing[2:]),
    )
    gradable = np.logical_or.reduce(assessed)
    drives = [(grade >= 1) & (d == grade) for d in domains]
    shown_score = (drives[0] | (grade == 0)) & ~missing[0] & ~sedated
    awake = (consciousness != NOT_RECORDED) & (consciousness != UNAROUSABLE)
    fields = {
        "grade": (np.where(gradable, grade, 5).astype(np.int64), 6),
        "child": (child.astype(np.int64), 2),
        "score": (np.where(shown_score, np.nan_to_num(score) + 1, 0).astype(np.int64), 34),
        "awake": ((shown_score & awake).astype(np.int64), 2),
        "consciousness": (np.where(drives[1], consciousness + 1, 0).astype(np.int64), 6),
        "seizure": (np.where(drives[2], seizure + 1, 0).astype(np.int64), 5),
        "motor": (drives[3].astype(np.int64), 2),
        "edema": (np.where(drives[4], edema + 1, 0).astype(np.int64), 4),
        "missing": (np.where(gradable, bits, 0), n_bits),
        "sedated": (sedated.astype(np.int64), 2),
    }
    return grade, gradable, fields


def _score_text(f: dict[str, int], lang: str) -> str:
    value = f["score"] - 1
    child, awake = f["child"], f["awake"]
    if child:
        return tr(CAPD_TEXT, lang).format(value=value)
    return tr(ICE_AWAKE if value == 0 and awake else ICE_TEXT, lang).format(value=value)


def icans_reason_text(f: dict[str, int], lang: str = "en") -> str:
    """The sentence for one combination of reason fields (see `grade_icans`), in `lang`."""
    if f["grade"] == 5:
        return tr(NOT_GRADABLE_SEDATED if f["sedated"] else NOT_GRADABLE, lang)
    consciousness, seizure, edema, child = f["consciousness"], f["seizure"], f["edema"], f["child"]
    messages = [
        *([CONSCIOUSNESS_TEXT[consciousness - 1]] if consciousness else []),
        *([SEIZURE_TEXT[seizure - 1]] if seizure else []),
        *([MOTOR] if f["motor"] else []),
        *([CEREBRAL_EDEMA_TEXT[edema - 1]] if edema else []),
    ]
    drivers = [_score_text(f, lang)] if f["score"] else []
    for message in messages:
        text = tr(message, lang)
        if message == CONSCIOUSNESS_TEXT[UNAROUSABLE]:  # the assessment cannot be done
            text = tr(NO_CAPD if child else NO_ICE, lang).format(state=text)
        drivers.append(text)
    if f["grade"] == 0:
        body = tr(NO_OTHER, lang).format(domain=drivers[0]) if drivers else tr(NO_SIGN, lang)
    else:
        body = joined(drivers, lang)
    if f["sedated"]:
        body = "; ".join([body, tr(SEDATED, lang)])
    names = CHILD_INPUTS if f["child"] else ADULT_INPUTS
    missing = missing_list(f["missing"], names) if f["missing"] else ""
    return sentence(f["grade"], bool(f["missing"]), body, missing, lang)
