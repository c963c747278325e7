"""Each rule of a crosswalk file (`mapping.RULES`), applied: a field's answer per infusion, and every place where
the answer loses or contradicts what the dataset holds.

A rule returns the field's values (one per infusion, blank where the form skips the question: the syndrome did
not occur) and its notes, the rows of the reconciliation report: `kind` is `grade_disagrees` (the recorded
grade is not the grade the observations give), `grade_missing`, `date_missing` (the form needs a date the
dataset lacks) or `information_lost` (the form's coding cannot carry it: a time of day, a grade on a scale the
form does not take, several episodes made one maximum, a value with no code). Each note's reason is a
`Message`: English here, its words in any language at the writer's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from iectox.crosswalk.mapping import Field
from iectox.grading.agreement import ASTCT
from iectox.i18n import N_
from iectox.message import Message

DATE = "%Y-%m-%d"
MINUTE = "%Y-%m-%d %H:%M"

ONSET_MISSING = N_("{syndrome} occurred but its onset date is not recorded; the form needs it")
RESOLUTION_MISSING = N_("{syndrome} is recorded as resolved without its resolution date; the form needs it")
TIME_DROPPED = N_("the form takes a date: the time of day {time} is dropped")
NO_CODE = N_("'{value}' has no code on the form; the answer is left blank")
COLLAPSED = N_("{n} {syndrome} episodes collapsed into one maximum (grades {grades})")
SCALE_NOT_CARRIED = N_("the form cannot carry a grade on {scale} (grade {grade}); it takes {carried}")
SECOND_SCALE = N_("grade {grade} on {scale} is left out: the form takes one grade, here on {used}")
GRADE_DISAGREES = N_(
    "the recorded grade {recorded} (ASTCT 2019) disagrees with grade {computed} computed from the observations"
)
ABSENCE_DISAGREES = N_("the record says no {syndrome}; the observations give grade {computed} (ASTCT 2019)")
GRADE_MISSING = N_("{syndrome} occurred but no grade is recorded")
GRADE_MISSING_COMPUTED = N_(
    "{syndrome} occurred but no grade is recorded; the observations give grade {computed} (ASTCT 2019)"
)

Note = dict[str, object]
Filled = tuple[pd.Series, list[Note]]


def _note(infusion_id: object, kind: str, iectox: object, form: object, reason: Message) -> Note:
    return {
        "infusion_id": infusion_id,
        "kind": kind,
        "iectox_value": "" if iectox is None else str(iectox),
        "form_value": "" if form is None or (not isinstance(form, str) and pd.isna(form)) else str(form),
        "reason": reason,
    }


def _coded(answers: pd.Series, field: Field) -> Filled:
    """The form's codes for iectox's answers (as they are without codes); an answer without a code is blank
    and noted."""
    if not field.codes:
        return answers, []
    coded = answers.map(lambda a: field.codes.get(a) if isinstance(a, str) else None).astype("object")
    lost = answers.notna() & coded.isna()
    notes = [
        _note(i, "information_lost", answers[i], None, Message(NO_CODE, value=answers[i]))
        for i in answers[lost].index
    ]
    return coded, notes


def _when(facts: pd.DataFrame) -> pd.Series:
    return facts["occurred"] == "yes"


def occurred(field: Field, facts: pd.DataFrame, context: Context) -> Filled:
    return _coded(facts["occurred"].astype("object"), field)


def _date(
    field: Field, facts: pd.DataFrame, column: str, ask: pd.Series, missing: pd.Series, text: str
) -> Filled:
    days = facts[column].dt.strftime(DATE).astype("object").where(ask & facts[column].notna())
    notes = [
        _note(i, "date_missing", None, None, Message(text, syndrome=field.syndrome))
        for i in facts.index[missing]
    ]
    dropped = ask & facts[column].notna() & facts[f"{column}_known"]
    notes += [
        _note(
            i,
            "information_lost",
            t.strftime(MINUTE),
            t.strftime(DATE),
            Message(TIME_DROPPED, time=t.strftime("%H:%M")),
        )
        for i, t in facts.loc[dropped, column].items()
    ]
    return days, notes


def first_date(field: Field, facts: pd.DataFrame, context: Context) -> Filled:
    ask = _when(facts)
    return _date(field, facts, "onset_at", ask, ask & facts["onset_at"].isna(), ONSET_MISSING)


def last_date(field: Field, facts: pd.DataFrame, context: Context) -> Filled:
    ask = _when(facts) & (facts["resolved"] == "yes")
    return _date(field, facts, "resolved_at", ask, ask & facts["resolution_missing"], RESOLUTION_MISSING)


def resolved(field: Field, facts: pd.DataFrame, context: Context) -> Filled:
    return _coded(facts["resolved"].where(_when(facts)).astype("object"), field)


def _given(facts: pd.DataFrame, doses: pd.DataFrame) -> pd.Series:
    given = pd.Series("no", index=facts.index, dtype="object")
    given[given.index.isin(doses["infusion_id"])] = "yes"
    return given.where(_when(facts))


def drug_given(field: Field, facts: pd.DataFrame, context: Context) -> Filled:
    doses = context.doses[field.syndrome]
    return _coded(_given(facts, doses[doses["drug"].isin(field.drugs).fillna(False).to_numpy()]), field)


def therapy_given(field: Field, facts: pd.DataFrame, context: Context) -> Filled:
    return _coded(_given(facts, context.doses[field.syndrome]), field)


def _chosen(field: Field, grades: pd.DataFrame) -> pd.DataFrame:
    """Per infusion, the scale the form's one grade is taken from (the first of the field's scales with a
    graded episode) and that scale's highest grade."""
    on_form = grades[grades["grading_scale"].isin(field.scales).to_numpy()]
    rank = on_form["grading_scale"].map({s: i for i, s in enumerate(field.scales)})
    first = on_form.assign(rank=rank).sort_values(
        ["rank", "max_grade"], ascending=[True, False], kind="stable"
    )
    return first.drop_duplicates("infusion_id").set_index("infusion_id")[["grading_scale", "max_grade"]]


def _grade_notes(field: Field, grades: pd.DataFrame, chosen: pd.DataFrame) -> list[Note]:
    """The grades the form's one grade leaves out: several episodes on its scale made one maximum, and each
    other scale's grade (a scale the field lists but did not use, or one the form cannot carry)."""
    key = ["infusion_id", "grading_scale"]
    per_scale = grades.groupby(key, sort=True)["max_grade"].agg(["max", "size"])
    used = pd.MultiIndex.from_arrays([chosen.index.astype(object), chosen["grading_scale"].astype(object)])
    on_used = per_scale.index.isin(used)
    notes: list[Note] = []
    collapsed = per_scale[on_used & (per_scale["size"] > 1).to_numpy()]
    keys = pd.MultiIndex.from_frame(grades[key].astype(object))
    listed = grades[keys.isin(collapsed.index)].groupby(key, sort=True)["max_grade"].agg(list)
    for (infusion, scale), top, size in collapsed.itertuples():
        text = ", ".join(str(int(g)) for g in listed[(infusion, scale)])
        reason = Message(COLLAPSED, n=size, syndrome=field.syndrome, grades=text)
        notes.append(_note(infusion, "information_lost", text, int(top), reason))
    for (infusion, scale), top, _ in per_scale[~on_used].itertuples():
        if scale in field.scales:
            reason = Message(
                SECOND_SCALE, grade=int(top), scale=scale, used=chosen.at[infusion, "grading_scale"]
            )
        else:
            reason = Message(SCALE_NOT_CARRIED, scale=scale, grade=int(top), carried=", ".join(field.scales))
        form = chosen["max_grade"].get(infusion)
        notes.append(_note(infusion, "information_lost", f"{int(top)} ({scale})", form, reason))
    return notes


def max_grade(field: Field, facts: pd.DataFrame, context: Context) -> Filled:
    grades = context.grades[field.syndrome]
    grades = grades[grades["infusion_id"].isin(facts.index).to_numpy()]
    chosen = _chosen(field, grades)
    values = chosen["max_grade"].reindex(facts.index).astype("Int64").where(_when(facts))
    notes = _grade_notes(field, grades, chosen)
    ungraded = _when(facts) & ~facts.index.isin(grades["infusion_id"])
    for infusion in facts.index[ungraded]:
        computed = facts.at[infusion, "computed_grade"]
        if pd.isna(computed):
            reason = Message(GRADE_MISSING, syndrome=field.syndrome)
        else:
            reason = Message(GRADE_MISSING_COMPUTED, syndrome=field.syndrome, computed=int(computed))
        notes.append(
            _note(infusion, "grade_missing", None if pd.isna(computed) else int(computed), None, reason)
        )
    if ASTCT in field.scales:
        for infusion, recorded in facts["recorded_astct"].dropna().items():
            computed = int(facts.at[infusion, "computed_grade"])
            if facts.at[infusion, "occurred"] == "no":
                reason = Message(ABSENCE_DISAGREES, syndrome=field.syndrome, computed=computed)
            else:
                reason = Message(GRADE_DISAGREES, recorded=int(recorded), computed=computed)
            notes.append(_note(infusion, "grade_disagrees", computed, values.get(infusion), reason))
    return values, notes


def scale(field: Field, facts: pd.DataFrame, context: Context) -> Filled:
    grades = context.grades[field.syndrome]
    chosen = _chosen(field, grades[grades["infusion_id"].isin(facts.index).to_numpy()])
    answers = chosen["grading_scale"].astype("object").reindex(facts.index).where(_when(facts))
    return _coded(answers, field)


@dataclass(frozen=True)
class Context:
    """What the rules read besides the facts: the doses and the graded episodes of each syndrome."""

    doses: dict[str, pd.DataFrame]
    grades: dict[str, pd.DataFrame]


APPLY: dict[str, Callable[[Field, pd.DataFrame, Context], Filled]] = {
    "occurred": occurred,
    "first_date": first_date,
    "last_date": last_date,
    "resolved": resolved,
    "max_grade": max_grade,
    "scale": scale,
    "drug_given": drug_given,
    "therapy_given": therapy_given,
}
