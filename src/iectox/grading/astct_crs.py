"""ASTCT 2019 CRS grade of each observation.

Source: Lee DW, Santomasso BD, Locke FL, et al. ASTCT consensus grading for cytokine release syndrome and
neurologic toxicity associated with immune effector cells. Biol Blood Marrow Transplant 2019;25:625-638
(Table 2), as reproduced in the project's `clinical_rules.md`. Each rule below is one function, vectorised
over NumPy arrays; `grade_crs` applies them to an observations frame.

Grade 5 (death from CRS) cannot be seen in one observation: `iectox.grading.agreement` carries it from a
recorded episode whose outcome is death, and nothing here ever produces it.

Missing values. A blank is not "normal": each observation is graded twice, with every missing input at its
mildest and at its most severe value. The mildest gives the grade; when the most severe gives more, the grade
is a lower bound, and the reason says so and names the inputs that could raise it.
"""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd

from iectox.grading.fever_waiver import fever_waiver_inputs
from iectox.grading.inputs import NOT_RECORDED, category, flag, number, plausible
from iectox.grading.reasons import (
    graded_in_chunks,
    joined,
    missing_list,
    number_text,
    pack_bits,
    sentence,
    value_codes,
)
from iectox.i18n import N_, tr
from iectox.schema.vocabularies import HYPOTENSION_CAUSE, OXYGEN_CAUSE, OXYGEN_DEVICE

FEVER_C = 38.0
LOW_FLOW_MAX_L_MIN = 6.0
NASAL_CANNULA = OXYGEN_DEVICE.codes.index("nasal_cannula")
# Oxygen by cannula or blow-by is low or high flow by its flow (Lee 2019, Table 2 footnote: low flow is "<= 6
# L/min", high flow "> 6 L/min"), whatever the device's name; without a flow, the device keeps its class.
FLOW_CLASSED_DEVICES = ("nasal_cannula", "high_flow_cannula", "blow_by")
MECHANICAL_VENTILATION = OXYGEN_DEVICE.codes.index("mechanical_ventilation")
DEVICE_GRADE_BY_CODE = {
    "none": 0,
    "nasal_cannula": 2,  # low-flow; > 6 L/min makes it grade 3 (crs_hypoxia_grade)
    "blow_by": 2,
    "high_flow_cannula": 3,
    "facemask": 3,
    "non_rebreather": 3,
    "venturi": 3,
    "cpap": 4,
    "bipap": 4,
    "mechanical_ventilation": 4,
}
# Indexed by the device's position in the vocabulary; the last slot (index -1) is "device not recorded".
DEVICE_GRADE = np.array([DEVICE_GRADE_BY_CODE[c] for c in OXYGEN_DEVICE.codes] + [0], dtype=np.int8)
FLOW_CLASSED = [OXYGEN_DEVICE.codes.index(c) for c in FLOW_CLASSED_DEVICES]
INPUTS = (
    "temperature_c",
    "hypotension",
    "vasopressors",
    "vasopressin",
    "oxygen_device",
    "oxygen_l_min",
    "antipyretic_or_anticytokine_given",
)
# Attribution (Lee 2019, Table 2: CRS counts hypotension or hypoxia "not attributable to any other cause"):
# oxygen for airway protection or another cause, and hypotension from another cause, grade no CRS. A blank
# cause is no other cause recorded: the observation is graded as CRS.
OTHER_OXYGEN_CAUSES = [OXYGEN_CAUSE.codes.index(c) for c in ("airway_protection", "other")]
OTHER_HYPOTENSION_CAUSE = HYPOTENSION_CAUSE.codes.index("other")
FEVER_GATE = (
    0,
    6,
)  # temperature and antipyretic/anti-cytokine therapy decide whether CRS can be graded at all


def crs_fever(temperature_c: np.ndarray) -> np.ndarray:
    """Fever is a temperature >= 38.0 °C (ASTCT 2019, Table 2, footnote: fever is defined as >= 38 °C)."""
    with np.errstate(invalid="ignore"):
        return temperature_c >= FEVER_C


def crs_hypotension_grade(
    hypotension: np.ndarray, vasopressors: np.ndarray, vasopressin: np.ndarray
) -> np.ndarray:
    """Hypotension not requiring vasopressors = 2; requiring a vasopressor with or without vasopressin = 3;
    requiring multiple vasopressors (excluding vasopressin) = 4 (ASTCT 2019, Table 2).

    `vasopressors` counts pressors other than vasopressin. Vasopressin alone counts as one vasopressor (grade 3):
    the table's grade 3 is "a vasopressor with or without vasopressin" and vasopressin is left out only of the
    count of "multiple vasopressors" for grade 4. Pressors running mean hypotension needing them, whatever the
    hypotension flag says.
    """
    pressors = vasopressors + (vasopressin & (vasopressors == 0))
    grade = np.where(pressors >= 1, 3, np.where(hypotension, 2, 0))
    return np.where(pressors >= 2, 4, grade).astype(np.int8)


def crs_hypoxia_grade(oxygen_device: np.ndarray, oxygen_l_min: np.ndarray) -> np.ndarray:
    """Low-flow nasal cannula (<= 6 L/min) or blow-by = 2; high-flow nasal cannula (> 6 L/min), facemask,
    non-rebreather or Venturi mask = 3; positive pressure (CPAP, BiPAP, intubation and mechanical ventilation)
    = 4 (ASTCT 2019, Table 2 and its footnote: "Low-flow nasal cannula is defined as oxygen delivered at <= 6
    L/minute ... High-flow nasal cannula is defined as oxygen delivered at > 6 L/minute").

    `oxygen_device` holds vocabulary positions, -1 when not recorded. A recorded flow decides low against high
    flow for a cannula, blow-by or an unrecorded device, whatever the device is called (a "high-flow" cannula
    at 4 L/min is low-flow oxygen), and a cannula at 0 L/min is no oxygen; without a flow the device keeps its
    class. Masks and positive pressure keep their row of the table whatever the flow recorded.
    """
    grade = DEVICE_GRADE[oxygen_device]
    flow_classed = np.isin(oxygen_device, FLOW_CLASSED) | (oxygen_device == NOT_RECORDED)
    with np.errstate(invalid="ignore"):
        by_flow = np.where(oxygen_l_min > LOW_FLOW_MAX_L_MIN, 3, np.where(oxygen_l_min > 0, 2, 0))
        grade = np.where(flow_classed & ~np.isnan(oxygen_l_min), by_flow, grade)
    return grade.astype(np.int8)


def flow_class(oxygen_device: np.ndarray, oxygen_l_min: np.ndarray) -> np.ndarray:
    """How the oxygen's class was decided, for the reason: 0 by the device (no flow recorded, or a device
    whose class no flow changes), 1 by the flow, agreeing with the device's name, 2 by the flow against it
    (a "high-flow" cannula at 4 L/min, blow-by at 8 L/min, a flow through an unrecorded device)."""
    decided = (np.isin(oxygen_device, FLOW_CLASSED) | (oxygen_device == NOT_RECORDED)) & ~np.isnan(
        oxygen_l_min
    )
    named = DEVICE_GRADE[oxygen_device]
    with np.errstate(invalid="ignore"):
        by_flow = np.where(oxygen_l_min > LOW_FLOW_MAX_L_MIN, 3, 2)
    against = (oxygen_device == NOT_RECORDED) | (named != by_flow)
    return np.where(decided, np.where(against, 2, 1), 0).astype(np.int64)


def astct_crs_grade(
    fever: np.ndarray,
    fever_not_required: np.ndarray,
    hypotension_grade: np.ndarray,
    hypoxia_grade: np.ndarray,
) -> np.ndarray:
    """The grade is set by the more severe of hypotension and hypoxia; fever alone is grade 1. Fever is
    required to diagnose CRS, except once antipyretics or anti-cytokine therapy (tocilizumab, corticosteroids)
    were given: then hypotension and hypoxia grade CRS without fever (ASTCT 2019, Table 2 and text)."""
    organ = np.maximum(hypotension_grade, hypoxia_grade)
    crs = fever | (fever_not_required & (organ > 0))
    return np.where(crs, np.maximum(organ, fever.astype(np.int8)), 0).astype(np.int8)


class _Observed:
    """The CRS inputs of an observations frame, with the mildest and most severe fill of each missing one."""

    def __init__(self, frame: pd.DataFrame, administrations: pd.DataFrame | None = None) -> None:
        self.temperature = plausible(number(frame, "temperature_c"), "temperature_c")
        # fever is waived only once CRS is established and treated (iectox.grading.fever_waiver)
        self.established, self.administered = fever_waiver_inputs(
            frame, crs_fever(self.temperature), administrations
        )
        self.hypotension = flag(frame, "hypotension")
        self.vasopressors = plausible(number(frame, "vasopressors"), "vasopressors")
        self.vasopressin = flag(frame, "vasopressin")
        self.device = category(frame, "oxygen_device", OXYGEN_DEVICE)
        self.flow = plausible(number(frame, "oxygen_l_min"), "oxygen_l_min")
        self.given = flag(frame, "antipyretic_or_anticytokine_given")
        self.oxygen_cause = category(frame, "oxygen_cause", OXYGEN_CAUSE)
        self.oxygen_elsewhere = np.isin(self.oxygen_cause, OTHER_OXYGEN_CAUSES)
        self.hypotension_elsewhere = category(frame, "hypotension_cause", HYPOTENSION_CAUSE) == (
            OTHER_HYPOTENSION_CAUSE
        )
        self.missing = [
            np.isnan(self.temperature),
            self.hypotension == NOT_RECORDED,
            np.isnan(self.vasopressors),
            self.vasopressin == NOT_RECORDED,
            self.device == NOT_RECORDED,
            np.isnan(self.flow),
            self.given == NOT_RECORDED,
        ]

    def part(self, rows: slice) -> _Observed:
        """The same inputs for `rows` only (views, no copy)."""
        part = copy.copy(self)
        for name, value in vars(self).items():
            if isinstance(value, np.ndarray):
                setattr(part, name, value[rows])
        part.missing = [mask[rows] for mask in self.missing]
        return part

    def components(
        self, worst: tuple[bool, ...] | None = None, rows: np.ndarray | slice = slice(None)
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(fever, fever_not_required, hypotension grade, hypoxia grade), each input at its mildest value when
        missing, or at its most severe where `worst[i]` is True."""
        worst = worst or (False,) * len(INPUTS)
        m = [mask[rows] for mask in self.missing]
        temperature = np.where(m[0] & worst[0], FEVER_C, self.temperature[rows])
        hypotension = np.where(m[1], worst[1], self.hypotension[rows] == 1)
        vasopressors = np.where(m[2], 2.0 if worst[2] else 0.0, self.vasopressors[rows])
        vasopressin = np.where(m[3], worst[3], self.vasopressin[rows] == 1)
        device = np.where(m[4] & worst[4], MECHANICAL_VENTILATION, self.device[rows])
        flow = np.where(m[5] & worst[5], np.inf, self.flow[rows])
        flagged = np.where(m[6], worst[6], self.given[rows] == 1)
        given = self.established[rows] & (flagged | self.administered[rows])
        hypotension_grade = crs_hypotension_grade(hypotension, vasopressors, vasopressin)
        hypoxia_grade = crs_hypoxia_grade(device, flow)
        return (
            crs_fever(temperature),
            given,
            np.where(self.hypotension_elsewhere[rows], 0, hypotension_grade).astype(np.int8),
            np.where(self.oxygen_elsewhere[rows], 0, hypoxia_grade).astype(np.int8),
        )


def _raising(
    obs: _Observed, grade: np.ndarray, rows: np.ndarray, also_worst: tuple[int, ...] = ()
) -> list[np.ndarray]:
    """Per input, the `rows` where it is missing and its most severe value (with the inputs `also_worst`)
    would give a higher grade."""
    masks = []
    for i in range(len(INPUTS)):
        worst = tuple(j == i or j in also_worst for j in range(len(INPUTS)))
        higher = astct_crs_grade(*obs.components(worst, rows)) > grade[rows]
        mask = np.zeros(len(grade), dtype=bool)
        mask[rows] = obs.missing[i][rows] & higher
        masks.append(mask)
    return masks


def grade_crs(
    frame: pd.DataFrame, lang: str = "en", administrations: pd.DataFrame | None = None
) -> tuple[pd.Series, pd.Categorical]:
    """ASTCT 2019 CRS grade (Int64, blank when no CRS input was recorded) and its reason in `lang`, for every
    row; `administrations` (the dataset's table) tells which doses for CRS waive fever. The inputs are read
    once; grades and reasons are computed `reasons.CHUNK_ROWS` rows at a time."""
    obs = _Observed(frame, administrations)
    # the temperature or flow a reason shows, coded once for every row: 1..t temperatures, t+1.. flows
    temperature_code, temperatures = value_codes(obs.temperature)
    flow_code, flows = value_codes(obs.flow)
    flow_code = np.where(flow_code > 0, flow_code + len(temperatures), 0)
    values = np.concatenate([temperatures, flows])

    def part(rows: slice) -> tuple[np.ndarray, np.ndarray, dict[str, tuple[np.ndarray, int]]]:
        return _crs_part(obs.part(rows), temperature_code[rows], flow_code[rows], len(values) + 1)

    grades, reasons = graded_in_chunks(len(frame), part, lambda f: crs_reason_text(f, values, lang))
    return pd.Series(grades, index=frame.index, name="crs_grade"), reasons


def _crs_part(
    obs: _Observed, temperature_code: np.ndarray, flow_code: np.ndarray, n_values: int
) -> tuple[np.ndarray, np.ndarray, dict[str, tuple[np.ndarray, int]]]:
    """(grade, gradable, reason fields) of the rows of `obs`."""
    fever, given, hypotension_grade, hypoxia_grade = obs.components()
    grade = astct_crs_grade(fever, given, hypotension_grade, hypoxia_grade)
    worst = astct_crs_grade(*obs.components((True,) * len(INPUTS)))
    lower = worst > grade
    # The missing inputs that could raise the grade, named in the reason: those that could on their own, or,
    # when none could, the missing fever-gate inputs together with what they would let through.
    bits = pack_bits(_raising(obs, grade, np.flatnonzero(lower)))[0]
    gated = np.flatnonzero(lower & (bits == 0))
    if gated.size:
        gate = pack_bits(
            [obs.missing[i] if i in FEVER_GATE else np.zeros_like(lower) for i in range(len(INPUTS))]
        )
        bits[gated] = (pack_bits(_raising(obs, grade, gated, FEVER_GATE))[0] | gate[0])[gated]
    gradable = ~np.logical_and.reduce(obs.missing[:6])
    grade_shown = np.where(gradable, grade, 5)

    organ = np.maximum(hypotension_grade, hypoxia_grade)
    raw_hypoxia = crs_hypoxia_grade(obs.device, obs.flow)
    raw_hypotension = crs_hypotension_grade(
        obs.hypotension == 1, np.nan_to_num(obs.vasopressors), obs.vasopressin == 1
    )
    attributed = np.where(obs.oxygen_elsewhere & (raw_hypoxia > 0), obs.oxygen_cause, 0) + 3 * (
        obs.hypotension_elsewhere & (raw_hypotension > 0)
    )
    hypotension_drives = (grade >= 2) & (hypotension_grade == grade)
    hypoxia_drives = (grade >= 2) & (hypoxia_grade == grade)
    pressors = np.clip(np.nan_to_num(obs.vasopressors), 0, 9).astype(np.int64)
    hypotension_detail = np.where(hypotension_drives, 1 + pressors * 2 + (obs.vasopressin == 1), 0)
    device_detail = np.where(hypoxia_drives, obs.device.astype(np.int64) + 2, 0)
    decided_by = np.where(hypoxia_drives, flow_class(obs.device, obs.flow), 0)
    shows_temperature = grade <= 1  # the flow is shown when hypoxia sets the grade
    value = np.where(shows_temperature, temperature_code, np.where(hypoxia_drives, flow_code, 0))
    fields = {
        "grade": (grade_shown, 6),
        "fever": (np.where(np.isnan(obs.temperature), 2, fever).astype(np.int64), 3),
        "masked": (((grade >= 1) & ~fever & given).astype(np.int64), 2),
        "ignored": (((grade == 0) & (organ > 0)).astype(np.int64), 2),
        "hypotension": (hypotension_detail, 21),
        "device": (device_detail, len(OXYGEN_DEVICE.codes) + 2),
        "flow_class": (decided_by, 3),
        "value": (value, n_values),
        "missing": (np.where(lower, bits, 0), 1 << len(INPUTS)),
        "attributed": (attributed.astype(np.int64), 6),
    }
    return grade, gradable, fields


VASOPRESSIN_ALONE = N_("vasopressin alone (counts as one vasopressor)")
NO_PRESSOR, ONE_PRESSOR, PRESSORS = (
    N_("hypotension without vasopressors"),
    N_("1 vasopressor"),
    N_("{n} vasopressors"),
)
WITH_VASOPRESSIN = N_("{pressors} with vasopressin")
DEVICE_TEXT = {
    "none": N_("room air"),
    "nasal_cannula": N_("nasal cannula"),
    "blow_by": N_("blow-by oxygen"),
    "high_flow_cannula": N_("high-flow nasal cannula"),
    "facemask": N_("facemask"),
    "non_rebreather": N_("non-rebreather mask"),
    "venturi": N_("Venturi mask"),
    "cpap": N_("CPAP"),
    "bipap": N_("BiPAP"),
    "mechanical_ventilation": N_("intubation / mechanical ventilation"),
}
AT_FLOW = N_("{device} {flow} L/min")
DEVICE_UNKNOWN = N_("oxygen, device not recorded")
DEVICE_UNKNOWN_FLOW = N_("oxygen {flow} L/min, device not recorded")
LOW_FLOW_UNKNOWN = N_("low-flow nasal cannula, flow not recorded")
LOW_FLOW, HIGH_FLOW = N_("low-flow nasal cannula {flow} L/min"), N_("high-flow nasal cannula {flow} L/min")
DEVICE_NO_FLOW = N_("{device}, flow not recorded")
BY_FLOW = {2: N_("{oxygen}: low flow (<= 6 L/min)"), 3: N_("{oxygen}: high flow (> 6 L/min)")}
NOT_GRADABLE = N_("not gradable: no CRS input recorded")
NO_FEVER_RECORDED = N_("no fever recorded")
NO_FEVER = N_("no fever ({temperature} °C)")
ORGAN_WITHOUT_FEVER = N_("{body}; hypotension or hypoxia without fever is not graded as CRS")
FEVER_ONLY = N_("fever {temperature} °C without hypotension or hypoxia")
FEVER_MASKED = N_("{body} (fever not required after antipyretic or anti-cytokine therapy)")
ATTRIBUTED = {
    OXYGEN_CAUSE.codes.index("airway_protection"): N_("oxygen or ventilation for airway protection, not CRS"),
    OXYGEN_CAUSE.codes.index("other"): N_("oxygen attributed to another cause, not CRS"),
}
HYPOTENSION_ELSEWHERE = N_("hypotension attributed to another cause, not CRS")


def _hypotension_text(detail: int, lang: str) -> str:
    pressors, vasopressin = divmod(detail - 1, 2)
    if pressors == 0:
        return tr(VASOPRESSIN_ALONE if vasopressin else NO_PRESSOR, lang)
    text = tr(ONE_PRESSOR, lang) if pressors == 1 else tr(PRESSORS, lang).format(n=pressors)
    return tr(WITH_VASOPRESSIN, lang).format(pressors=text) if vasopressin else text


def _device_text(detail: int, flow: float | None, decided_by: int, lang: str) -> str:
    """The oxygen that set the grade; when its flow overrode the device's class (`flow_class` 2), which class
    the flow gave, so that a reader sees why a "high-flow" cannula at 4 L/min is grade 2."""
    code = detail - 2
    shown = None if flow is None else number_text(flow, lang=lang)
    if code == NOT_RECORDED:
        text = tr(DEVICE_UNKNOWN_FLOW, lang).format(flow=shown) if shown else tr(DEVICE_UNKNOWN, lang)
    elif code == NASAL_CANNULA:
        if flow is None:
            return tr(LOW_FLOW_UNKNOWN, lang)
        return tr(LOW_FLOW if flow <= LOW_FLOW_MAX_L_MIN else HIGH_FLOW, lang).format(flow=shown)
    else:
        device = tr(DEVICE_TEXT[OXYGEN_DEVICE.codes[code]], lang)
        if shown is None:
            flow_classed = OXYGEN_DEVICE.codes[code] in FLOW_CLASSED_DEVICES
            return tr(DEVICE_NO_FLOW, lang).format(device=device) if flow_classed else device
        text = tr(AT_FLOW, lang).format(device=device, flow=shown)
    if decided_by == 2 and flow is not None:
        return tr(BY_FLOW[3 if flow > LOW_FLOW_MAX_L_MIN else 2], lang).format(oxygen=text)
    return text


def crs_reason_text(f: dict[str, int], values: np.ndarray, lang: str = "en") -> str:
    """The sentence for one combination of reason fields (see `grade_crs`), in `lang`."""
    if f["grade"] == 5:
        return tr(NOT_GRADABLE, lang)
    value = float(values[f["value"] - 1]) if f["value"] else None
    if f["grade"] == 0:
        if f["fever"] == 2:
            body = tr(NO_FEVER_RECORDED, lang)
        else:
            body = tr(NO_FEVER, lang).format(temperature=number_text(value, 1, lang))  # type: ignore[arg-type]
        if f["ignored"]:
            body = tr(ORGAN_WITHOUT_FEVER, lang).format(body=body)
    elif f["grade"] == 1:
        body = tr(FEVER_ONLY, lang).format(temperature=number_text(value, 1, lang))  # type: ignore[arg-type]
    else:
        drivers = []
        if f["hypotension"]:
            drivers.append(_hypotension_text(f["hypotension"], lang))
        if f["device"]:
            drivers.append(_device_text(f["device"], value, f["flow_class"], lang))
        body = joined(drivers, lang)
        if f["masked"]:
            body = tr(FEVER_MASKED, lang).format(body=body)
    oxygen, hypotension = f["attributed"] % 3, f["attributed"] // 3
    notes = [*([ATTRIBUTED[oxygen]] if oxygen else []), *([HYPOTENSION_ELSEWHERE] if hypotension else [])]
    if notes:
        body = "; ".join([body, *(tr(note, lang) for note in notes)])
    missing = missing_list(f["missing"], INPUTS) if f["missing"] else ""
    return sentence(f["grade"], bool(f["missing"]), body, missing, lang)
