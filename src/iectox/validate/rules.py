"""Cross-field rules: what must hold between columns and tables for a record to make clinical sense.

Each rule is one `Rule` object: its id, severity, source, statement (`title`, shown in the docs) and English
message are declared once, beside its vectorised `evaluate(frames, **settings)`; a rule is passed only the
settings it declares. The chronology rules are in `iectox.validate.chronology`; `CROSS_FIELD_RULES` gives
the order of all of them.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa

from iectox.errors import Issue
from iectox.i18n import N_
from iectox.rules import Rule
from iectox.schema.contract import NCT_PATTERN
from iectox.schema.labs import ANALYTES, allowed_unit, canonical_values
from iectox.schema.therapies import APPROVALS
from iectox.schema.vocabularies import GRADING_SCALE
from iectox.validate.bsab_doses import BSAB_DOSE_MATCHES_COURSE
from iectox.validate.chronology import (
    ADMINISTRATION_NOT_BEFORE_INFUSION,
    FOLLOW_UP_NOT_BEFORE_INFUSION,
    INFUSION_IN_STUDY_PERIOD,
    NOTHING_AFTER_DEATH,
    OBSERVATION_NOT_BEFORE_INFUSION,
    ONSET_NOT_BEFORE_INFUSION,
    RESOLUTION_NOT_BEFORE_ONSET,
)
from iectox.validate.columnar import is_in
from iectox.validate.developmental_delay import DEVELOPMENTAL_DELAY_AGE
from iectox.validate.frames import Frames, taken

CONTRACT = "dataset contract (docs/data_dictionary.md)"
ASTCT = "ASTCT consensus grading (Lee et al., Biol Blood Marrow Transplant 2019;25:625)"


def _trial_id_required(frames: Frames) -> Iterator[Issue]:
    inf = frames.tables["infusions"]
    missing = (inf["setting"] == "clinical_trial") & inf["trial_id"].isna()
    yield from frames.flag(TRIAL_ID_REQUIRED, "infusions", "trial_id", missing)


TRIAL_ID_REQUIRED = Rule(
    id="trial_id_required",
    severity="error",
    source=CONTRACT,
    title="An infusion given in a clinical trial names its trial (trial_id).",
    message=N_("trial_id is required when setting is clinical_trial"),
    columns=("infusions.setting", "infusions.trial_id"),
    evaluate=_trial_id_required,
)


def _trial_id_format(frames: Frames) -> Iterator[Issue]:
    ids = frames.tables["infusions"]["trial_id"]
    looks_nct = ids.str.upper().str.startswith("NCT").fillna(False)
    malformed = looks_nct & ~ids.str.fullmatch(NCT_PATTERN).fillna(False)
    yield from frames.flag(TRIAL_ID_FORMAT, "infusions", "trial_id", malformed, trial_id=ids)


TRIAL_ID_FORMAT = Rule(
    id="trial_id_format",
    severity="error",
    source="ClinicalTrials.gov: a study's identifier is NCT followed by 8 digits",
    title="A trial_id that starts with NCT is a ClinicalTrials.gov number: NCT followed by exactly 8 digits.",
    message=N_("trial_id '{trial_id}' is not an NCT number (NCT followed by 8 digits)"),
    columns=("infusions.trial_id",),
    evaluate=_trial_id_format,
)


def _age_matches_birth_year(frames: Frames) -> Iterator[Issue]:
    inf = frames.tables["infusions"]
    birth = frames.look_up("infusions", "patient_id", "patients", "birth_year")
    gap = inf["infusion_date"].dt.year - birth.astype("float64") - inf["age_at_infusion"].floordiv(1)
    wrong = gap.notna() & ~gap.isin([0, 1])
    yield from frames.flag(
        AGE_MATCHES_BIRTH_YEAR,
        "infusions",
        "age_at_infusion",
        wrong,
        age=inf["age_at_infusion"],
        birth_year=birth,
        infusion_date=inf["infusion_date"],
    )


AGE_MATCHES_BIRTH_YEAR = Rule(
    id="age_matches_birth_year",
    severity="error",
    source="arithmetic: a patient born in year B is B - Y or B - Y - 1 years old in year Y",
    title="Age at infusion agrees with the birth year: infusion year - birth year - age is 0 or 1.",
    message=N_(
        "age_at_infusion {age} does not match birth_year {birth_year} and infusion_date {infusion_date}"
    ),
    columns=("infusions.age_at_infusion", "infusions.infusion_date", "patients.birth_year"),
    evaluate=_age_matches_birth_year,
)


def _ongoing_episode_not_resolved(frames: Frames) -> Iterator[Issue]:
    ep = frames.tables["toxicity_episodes"]
    wrong = (ep["outcome"] == "ongoing").fillna(False) & ep["resolved_at"].notna()
    yield from frames.flag(ONGOING_EPISODE_NOT_RESOLVED, "toxicity_episodes", "resolved_at", wrong)


ONGOING_EPISODE_NOT_RESOLVED = Rule(
    id="ongoing_episode_not_resolved",
    severity="error",
    source=CONTRACT,
    title="An episode whose outcome is 'ongoing' has no resolution time.",
    message=N_("an episode with outcome 'ongoing' cannot have a resolved_at"),
    columns=("toxicity_episodes.outcome", "toxicity_episodes.resolved_at"),
    evaluate=_ongoing_episode_not_resolved,
)


def _grade_valid_for_scale(frames: Frames) -> Iterator[Issue]:
    ep = frames.tables["toxicity_episodes"]
    scales = {t.code: t.attrs for t in GRADING_SCALE.terms}
    top = ep["grading_scale"].map({code: attrs["max_grade"] for code, attrs in scales.items()})
    grade = ep["max_grade"].astype("Float64").where(ep["max_grade"] <= 5)  # larger ones fail the range rule
    too_high = (grade > top.astype("Float64")).fillna(False)
    yield from frames.flag(
        GRADE_VALID_FOR_SCALE,
        "toxicity_episodes",
        "max_grade",
        too_high,
        grade=ep["max_grade"],
        scale=ep["grading_scale"],
        top=top,
    )
    graded = {f"{scale}|{syndrome}" for scale, attrs in scales.items() for syndrome in attrs["syndromes"]}
    pair = ep["grading_scale"] + "|" + ep["syndrome"]
    applies = (pair.isin(graded) | pair.isna()).astype(bool)
    yield from frames.flag(
        GRADE_VALID_FOR_SCALE,
        "toxicity_episodes",
        "grading_scale",
        ~applies,
        SCALE_GRADES_SYNDROME,
        scale=ep["grading_scale"],
        syndrome=ep["syndrome"],
    )


GRADE_VALID_FOR_SCALE = Rule(
    id="grade_valid_for_scale",
    severity="error",
    source="the grading scales' own definitions (grades and syndromes, docs/data_dictionary.md)",
    title="The recorded grade exists on its scale, and the scale grades that syndrome.",
    message=N_("grade {grade} does not exist on {scale} (grades 0-{top})"),
    columns=("toxicity_episodes.max_grade", "toxicity_episodes.grading_scale", "toxicity_episodes.syndrome"),
    evaluate=_grade_valid_for_scale,
)
SCALE_GRADES_SYNDROME = N_("{scale} does not grade {syndrome}")


def _grade_5_is_death(frames: Frames) -> Iterator[Issue]:
    ep = frames.tables["toxicity_episodes"]
    wrong = (ep["max_grade"] == 5).fillna(False) & (ep["outcome"] != "death").fillna(True)
    yield from frames.flag(
        GRADE_5_IS_DEATH,
        "toxicity_episodes",
        "outcome",
        wrong,
        syndrome=ep["syndrome"],
        outcome=ep["outcome"],
    )


GRADE_5_IS_DEATH = Rule(
    id="grade_5_is_death",
    severity="error",
    source=ASTCT + ": grade 5 is death due to CRS or ICANS",
    title="Grade 5 means death from the syndrome, so the episode's outcome is 'death'.",
    message=N_("grade 5 means death from {syndrome}, but outcome is '{outcome}'"),
    columns=("toxicity_episodes.max_grade", "toxicity_episodes.outcome"),
    evaluate=_grade_5_is_death,
)


def _death_date_matches_status(frames: Frames) -> Iterator[Issue]:
    out = frames.tables["outcomes"]
    dead = (out["status"] == "dead").fillna(False)
    yield from frames.flag(
        DEATH_DATE_MATCHES_STATUS, "outcomes", "death_date", dead & out["death_date"].isna()
    )
    yield from frames.flag(
        DEATH_DATE_MATCHES_STATUS,
        "outcomes",
        "death_date",
        ~dead & out["death_date"].notna(),
        DEATH_DATE_WITHOUT_DEATH,
        status=out["status"],
    )


DEATH_DATE_MATCHES_STATUS = Rule(
    id="death_date_matches_status",
    severity="error",
    source=CONTRACT,
    title="A death date is given exactly when the status is 'dead'.",
    message=N_("status is dead but death_date is blank"),
    columns=("outcomes.status", "outcomes.death_date"),
    evaluate=_death_date_matches_status,
)
DEATH_DATE_WITHOUT_DEATH = N_("death_date is given but status is '{status}'")


def _death_episode_means_dead(frames: Frames) -> Iterator[Issue]:
    ep = frames.tables["toxicity_episodes"]
    rows = frames.rows_in("toxicity_episodes", "infusion_id", "outcomes")
    status = taken(frames.tables["outcomes"]["status"], rows, ep.index)
    refused_status = frames.refused_mask("outcomes", "status").astype("boolean")
    refused = taken(refused_status, rows, ep.index).fillna(False).astype(bool)
    wrong = (ep["outcome"] == "death").fillna(False) & (status != "dead").fillna(True) & ~refused
    yield from frames.flag(
        DEATH_EPISODE_MEANS_DEAD, "toxicity_episodes", "outcome", wrong, infusion_id=ep["infusion_id"]
    )


DEATH_EPISODE_MEANS_DEAD = Rule(
    id="death_episode_means_dead",
    severity="error",
    source=CONTRACT,
    title="An episode whose outcome is death belongs to an infusion whose follow-up says the patient died.",
    message=N_("outcome is death but the outcomes table does not record the death of {infusion_id}"),
    columns=("toxicity_episodes.outcome", "outcomes.status"),
    evaluate=_death_episode_means_dead,
)


def _with_episode(frames: Frames, syndrome: str) -> np.ndarray:
    """Whether each infusion has an episode of `syndrome` (a look-up in C when both id columns are text)."""
    inf, ep = frames.tables["infusions"], frames.tables["toxicity_episodes"]
    of_syndrome = (ep["syndrome"] == syndrome).fillna(False).to_numpy(dtype=bool)
    ids, held = frames.text_of("infusions", "infusion_id"), frames.text_of("toxicity_episodes", "infusion_id")
    if ids is None or held is None:
        return inf["infusion_id"].isin(ep.loc[of_syndrome, "infusion_id"].dropna()).to_numpy(dtype=bool)
    return is_in(ids, held.filter(pa.array(of_syndrome)))


def _status_matches_episodes(frames: Frames) -> Iterator[Issue]:
    inf = frames.tables["infusions"]
    for column, syndrome in (("crs_status", "CRS"), ("icans_status", "ICANS")):
        wrong = inf[column].isin(["no", "unknown"]).fillna(False)
        if wrong.any():  # only then are the infusions with an episode looked for
            wrong &= _with_episode(frames, syndrome)
        yield from frames.flag(
            STATUS_MATCHES_EPISODES,
            "infusions",
            column,
            wrong,
            column=column,
            status=inf[column],
            syndrome=syndrome,
            infusion_id=inf["infusion_id"],
        )


STATUS_MATCHES_EPISODES = Rule(
    id="status_matches_episodes",
    severity="error",
    source=CONTRACT,
    title="crs_status / icans_status 'no' or 'unknown' cannot sit beside a recorded episode of that syndrome.",
    message=N_("{column} is '{status}' but toxicity_episodes records a {syndrome} episode for {infusion_id}"),
    columns=("infusions.crs_status", "infusions.icans_status", "toxicity_episodes.syndrome"),
    evaluate=_status_matches_episodes,
)


SMALL_CHILD_KG = 10.0


def _small_child_weight(frames: Frames) -> Iterator[Issue]:
    weight = frames.tables["infusions"]["weight_kg"]
    small = (weight < SMALL_CHILD_KG).fillna(False)
    yield from frames.flag(SMALL_CHILD_WEIGHT, "infusions", "weight_kg", small, weight=weight)


SMALL_CHILD_WEIGHT = Rule(
    id="small_child_weight",
    severity="warning",  # a true weight of an infant, or 7.5 typed for 75: worth a second look, never refused
    source="iectox: CAR-T cells are given to small children (tisagenlecleucel from 3 years in ALL); the "
    "tocilizumab label doses by weight (12 mg/kg under 30 kg)",
    title=f"A body weight under {SMALL_CHILD_KG:g} kg is checked: an infant's weight, or a decimal point out of place.",
    message=N_("weight {weight} kg is under 10 kg: check it is not a typing error (e.g. 7.5 for 75)"),
    columns=("infusions.weight_kg",),
    evaluate=_small_child_weight,
)


def _product_authorised(frames: Frames) -> Iterator[Issue]:
    inf = frames.tables["infusions"]
    # Each product, indication and pair of them is looked at once: a registry has a handful of each.
    therapies, therapy = pd.factorize(inf["therapy"])
    indications, indication = pd.factorize(inf["indication"])
    both = (therapies >= 0) & (indications >= 0)
    pairs, pair = pd.factorize(np.where(both, therapies * len(indication) + indications, -1))
    approvals = {f"{therapy}|{indication}": month for (therapy, indication), month in APPROVALS.items()}
    months = [_approval(approvals, therapy, indication, key) for key in pair]
    investigational = np.array([name.startswith("investigational") for name in therapy] + [False])
    setting = (inf["setting"] == "standard_of_care").fillna(False).to_numpy(dtype=bool)
    commercial = pd.Series(both & setting & ~investigational[therapies], index=inf.index)
    since = pd.Series(
        pd.array(np.array([*months, None], dtype=object)[pairs], dtype="string"), index=inf.index
    )
    since = since.where(commercial)
    never = commercial & since.isna()
    names = {"therapy": inf["therapy"], "indication": inf["indication"]}
    yield from frames.flag(PRODUCT_AUTHORISED, "infusions", "therapy", never, **names)
    months, month = pd.factorize(since)  # each month read once
    starts = pd.to_datetime(pd.Series(month.astype(object)) + "-01", errors="coerce").to_numpy()
    first_day = pd.Series(np.append(starts, np.datetime64("NaT"))[months], index=inf.index)
    early = commercial & (inf["infusion_date"] < first_day).fillna(False)
    yield from frames.flag(
        PRODUCT_AUTHORISED,
        "infusions",
        "infusion_date",
        early.fillna(False),
        AUTHORISED_LATER,
        since=since,
        **names,
    )


def _approval(approvals: dict[str, str], therapy: pd.Index, indication: pd.Index, key: int) -> str | None:
    """The month a pair of `_product_authorised` (its `key`: product * indications + indication) was
    authorised, None when it was not or when a cell is blank (key -1)."""
    if key < 0:
        return None
    product, use = divmod(int(key), len(indication))
    return approvals.get(f"{therapy[product]}|{indication[use]}")


PRODUCT_AUTHORISED = Rule(
    id="product_authorised",
    severity="warning",  # approvals are kept to the month and differ between countries and early-access schemes
    source="EU marketing authorisations (European Commission decisions, EMA EPARs), iectox.schema.therapies",
    title="In standard of care, the product is authorised (EU) for the indication by the infusion month.",
    message=N_("{therapy} has no EU authorisation for {indication}"),
    columns=("infusions.therapy", "infusions.indication", "infusions.setting", "infusions.infusion_date"),
    evaluate=_product_authorised,
)
AUTHORISED_LATER = N_("{therapy} was authorised for {indication} in {since}, after this infusion")


def _lab_unit_for_analyte(frames: Frames) -> Iterator[Issue]:
    labs = frames.tables["labs"]
    wrong = (~allowed_unit(labs["analyte"], labs["unit"])).fillna(False).astype(bool)
    units = {code: ", ".join(a.factors) for code, a in ANALYTES.items()}
    allowed = labs["analyte"].map(units)
    yield from frames.flag(
        LAB_UNIT_FOR_ANALYTE,
        "labs",
        "unit",
        wrong,
        unit=labs["unit"],
        analyte=labs["analyte"],
        allowed=allowed,
    )


LAB_UNIT_FOR_ANALYTE = Rule(
    id="lab_unit_for_analyte",
    severity="error",  # a value in another analyte's unit cannot be converted: refused, never guessed
    source=CONTRACT,
    title="A lab result is in one of its analyte's units (docs/data_dictionary.md, labs).",
    message=N_("unit {unit} is not a unit of {analyte} (allowed: {allowed})"),
    columns=("labs.unit", "labs.analyte"),
    evaluate=_lab_unit_for_analyte,
)


def _lab_value_plausible(frames: Frames) -> Iterator[Issue]:
    labs = frames.tables["labs"]
    value = canonical_values(labs)
    low = labs["analyte"].map({code: a.low for code, a in ANALYTES.items()}).astype(float)
    high = labs["analyte"].map({code: a.high for code, a in ANALYTES.items()}).astype(float)
    outside = ((value < low) | (value > high)).fillna(False).astype(bool)
    canonical = labs["analyte"].map({code: a.canonical for code, a in ANALYTES.items()})
    yield from frames.flag(
        LAB_VALUE_PLAUSIBLE,
        "labs",
        "value",
        outside,
        value=labs["value"],
        unit=labs["unit"],
        analyte=labs["analyte"],
        low=low,
        high=high,
        canonical=canonical,
    )


LAB_VALUE_PLAUSIBLE = Rule(
    id="lab_value_plausible",
    severity="error",  # each range is wider than any living patient's value (iectox.schema.labs): a typing error
    source=CONTRACT,
    title="A lab result lies in its analyte's plausible range (in its canonical unit; each range with its reason "
    "in iectox.schema.labs).",
    message=N_(
        "{analyte} {value} {unit} is outside {low}-{high} {canonical}: check it is not a typing error"
    ),
    columns=("labs.value", "labs.unit", "labs.analyte"),
    evaluate=_lab_value_plausible,
)

CROSS_FIELD_RULES = (
    TRIAL_ID_REQUIRED,
    TRIAL_ID_FORMAT,
    INFUSION_IN_STUDY_PERIOD,
    AGE_MATCHES_BIRTH_YEAR,
    ONSET_NOT_BEFORE_INFUSION,
    RESOLUTION_NOT_BEFORE_ONSET,
    ONGOING_EPISODE_NOT_RESOLVED,
    GRADE_VALID_FOR_SCALE,
    GRADE_5_IS_DEATH,
    ADMINISTRATION_NOT_BEFORE_INFUSION,
    OBSERVATION_NOT_BEFORE_INFUSION,
    DEATH_DATE_MATCHES_STATUS,
    FOLLOW_UP_NOT_BEFORE_INFUSION,
    NOTHING_AFTER_DEATH,
    DEATH_EPISODE_MEANS_DEAD,
    STATUS_MATCHES_EPISODES,
    PRODUCT_AUTHORISED,
    SMALL_CHILD_WEIGHT,
    DEVELOPMENTAL_DELAY_AGE,
    BSAB_DOSE_MATCHES_COURSE,
    LAB_UNIT_FOR_ANALYTE,
    LAB_VALUE_PLAUSIBLE,
)
