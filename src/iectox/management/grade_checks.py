"""The grade checks the pathway rules rest on: a grade they cannot use, a grade the observations contradict.

Grades recorded on another scale than the pathway's are never converted (`episodes`), so such an episode is
left out of every grade-based rule; this says so, once per episode, instead of letting it vanish.
"""

from __future__ import annotations

from iectox.i18n import N_
from iectox.management.evidence import Evidence, Verdicts, emit
from iectox.management.findings import INFO, WARNING
from iectox.rules import Rule

OTHER_SCALE_TEXT = N_(
    "Grade recorded on {scale}, not {pathway_scale}, and not graded from observations: "
    "grade-based rules not applied."
)
NO_GRADE_TEXT = N_("Grade not recorded and not graded from observations: grade-based rules not applied.")
CONTRADICTED_TEXT = N_("Recorded grade {recorded} but the observations give {scale} grade {observed}.")


def grade_scale(evidence: Evidence) -> Verdicts:
    """Episodes without a grade on the pathway's scale: no grade-based rule applies to them."""
    eps, scale = evidence.episodes, evidence.pathway.grading.scale.value
    ungraded = eps["grade"].isna()
    same = eps["grading_scale"].eq(scale).fillna(False)
    values = {"scale": eps["grading_scale"], "pathway_scale": scale}
    return Verdicts(
        [
            *emit(eps, ungraded & same, INFO, NO_GRADE_TEXT, **values),
            *emit(eps, ungraded & ~same, INFO, OTHER_SCALE_TEXT, **values),
        ]
    )


def grade_observed(evidence: Evidence) -> Verdicts:
    """Recorded grades on the pathway's scale that the graded observations contradict."""
    eps, scale = evidence.episodes, evidence.pathway.grading.scale.value
    differ = eps["observed_grade"].ne(eps["recorded_grade"]) & eps["observed_grade"].notna()
    contradicted = (
        eps["grade"].notna() & eps["grading_scale"].eq(scale) & differ & eps["recorded_grade"].notna()
    )
    return Verdicts(
        emit(
            eps,
            contradicted,
            WARNING,
            CONTRADICTED_TEXT,
            recorded=eps["recorded_grade"],
            observed=eps["observed_grade"],
            scale=scale,
        )
    )


GRADE_SCALE = Rule(
    id="episode.grade_scale",
    severity="info",
    source=N_("grading.md: grades on other scales are never converted"),
    message=OTHER_SCALE_TEXT,
    columns=("toxicity_episodes.max_grade", "toxicity_episodes.grading_scale"),
    settings=("grading.scale",),
    evaluate=grade_scale,
)
GRADE_OBSERVED = Rule(
    id="episode.grade_observed",
    severity="warning",
    source=N_("grading.md: ASTCT grades computed from the bedside observations"),
    message=CONTRADICTED_TEXT,
    columns=("toxicity_episodes.max_grade", "observations"),
    settings=("grading.scale",),
    evaluate=grade_observed,
)
GRADE_RULES = (GRADE_SCALE, GRADE_OBSERVED)

__all__ = ["GRADE_OBSERVED", "GRADE_RULES", "GRADE_SCALE", "grade_observed", "grade_scale"]
