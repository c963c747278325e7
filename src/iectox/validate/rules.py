"""Cross-field rules: what must hold between columns and tables for a record to make clinical sense.

Each rule is one function whose docstring states it; `RULES` lists them in the order they are reported.
Comparisons with a day-only time (hour not recorded) are made on the day, never on an invented hour.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pandas as pd

from iectox.dataset import time_known_column
from iectox.errors import Issue
from iectox.schema.contract import NCT_PATTERN
from iectox.schema.therapies import APPROVALS
from iectox.schema.vocabularies import GRADING_SCALE
from iectox.validate.frames import Frames, fmt
from iectox.validate.settings import Settings

Rule = Callable[[Frames, Settings], Iterator[Issue]]


def _lookup(frame: pd.DataFrame, on: str, source: pd.DataFrame, column: str) -> pd.Series:
    """For each row of `frame`, `column` of the `source` row with the same `on` key (NA when none)."""
    if source.empty:
        return pd.Series(pd.NA, index=frame.index, dtype=source[column].dtype)
    keyed = source.dropna(subset=[on]).drop_duplicates(on).set_index(on)[column]
    return frame[on].map(keyed).astype(source[column].dtype)


def _report(
    frames: Frames,
    table: str,
    column: str,
    mask: pd.Series,
    rule: str,
    message: Callable[[object], str],
    severity: str = "error",
) -> Iterator[Issue]:
    frame = frames.tables[table]
    for row in mask.index[mask.to_numpy(dtype=bool, na_value=False)]:
        yield frames.issue(table, row, column, fmt(frame.at[row, column]), rule, message(row), severity)


def _before(
    later: pd.Series, later_known: pd.Series | None, earlier: pd.Series, earlier_known: pd.Series | None
) -> pd.Series:
    """`later` < `earlier`, at the minute when both hours are known, otherwise by calendar day."""
    both = pd.Series(True, index=later.index)
    for known in (later_known, earlier_known):
        if known is not None:
            both &= known.fillna(False).astype(bool)
    exact = later < earlier
    by_day = later.dt.normalize() < earlier.dt.normalize()
    return exact.where(both, by_day).fillna(False).astype(bool)


def _when(table: pd.DataFrame, column: str) -> tuple[pd.Series, pd.Series]:
    return table[column], table[time_known_column(column)]


def trial_id_required(frames: Frames, settings: Settings) -> Iterator[Issue]:
    """An infusion given in a clinical trial names its trial (trial_id)."""
    inf = frames.tables["infusions"]
    missing = (inf["setting"] == "clinical_trial") & inf["trial_id"].isna()
    yield from _report(
        frames,
        "infusions",
        "trial_id",
        missing,
        "trial_id_required",
        lambda r: "trial_id is required when setting is clinical_trial",
    )


def trial_id_format(frames: Frames, settings: Settings) -> Iterator[Issue]:
    """A trial_id that starts with NCT is a ClinicalTrials.gov number: NCT followed by exactly 8 digits."""
    ids = frames.tables["infusions"]["trial_id"]
    looks_nct = ids.str.upper().str.startswith("NCT").fillna(False)
    malformed = looks_nct & ~ids.str.fullmatch(NCT_PATTERN).fillna(False)
    yield from _report(
        frames,
        "infusions",
        "trial_id",
        malformed,
        "trial_id_format",
        lambda r: f"trial_id '{ids[r]}' is not an NCT number (NCT followed by 8 digits)",
    )


def infusion_in_study_period(frames: Frames, settings: Settings) -> Iterator[Issue]:
    """When the study states its period, every infusion falls inside it (both ends included)."""
    if settings.study_start is None and settings.study_end is None:
        return
    dates = frames.tables["infusions"]["infusion_date"]
    start = pd.Timestamp(settings.study_start) if settings.study_start else dates.min()
    end = pd.Timestamp(settings.study_end) if settings.study_end else dates.max()
    outside = dates.notna() & ((dates < start) | (dates > end))
    yield from _report(
        frames,
        "infusions",
        "infusion_date",
        outside,
        "infusion_in_study_period",
        lambda r: f"infusion_date {fmt(dates[r])} is outside the study period {fmt(start)} to {fmt(end)}",
    )


def age_matches_birth_year(frames: Frames, settings: Settings) -> Iterator[Issue]:
    """Age at infusion agrees with the birth year: infusion year - birth year - age is 0 or 1."""
    inf = frames.tables["infusions"]
    birth = _lookup(inf, "patient_id", frames.tables["patients"], "birth_year")
    gap = inf["infusion_date"].dt.year - birth.astype("float64") - inf["age_at_infusion"].floordiv(1)
    wrong = gap.notna() & ~gap.isin([0, 1])
    yield from _report(
        frames,
        "infusions",
        "age_at_infusion",
        wrong,
        "age_matches_birth_year",
        lambda r: (
            f"age_at_infusion {fmt(inf.at[r, 'age_at_infusion'])} does not match birth_year "
            f"{birth[r]} and infusion_date {fmt(inf.at[r, 'infusion_date'])}"
        ),
    )


def onset_not_before_infusion(frames: Frames, settings: Settings) -> Iterator[Issue]:
    """A toxicity episode cannot start before the infusion day."""
    ep = frames.tables["toxicity_episodes"]
    infused = _lookup(ep, "infusion_id", frames.tables["infusions"], "infusion_date")
    early = (ep["onset_at"].dt.normalize() < infused).fillna(False)
    yield from _report(
        frames,
        "toxicity_episodes",
        "onset_at",
        early,
        "onset_not_before_infusion",
        lambda r: (
            f"onset_at {fmt(ep.at[r, 'onset_at'])} is before the infusion date "
            f"{fmt(infused[r])} of {ep.at[r, 'infusion_id']}"
        ),
    )


def resolution_not_before_onset(frames: Frames, settings: Settings) -> Iterator[Issue]:
    """An episode cannot resolve before it starts."""
    ep = frames.tables["toxicity_episodes"]
    early = _before(*_when(ep, "resolved_at"), *_when(ep, "onset_at"))
    yield from _report(
        frames,
        "toxicity_episodes",
        "resolved_at",
        early,
        "resolution_not_before_onset",
        lambda r: (
            f"resolved_at {fmt(ep.at[r, 'resolved_at'])} is before onset_at {fmt(ep.at[r, 'onset_at'])}"
        ),
    )


def ongoing_episode_not_resolved(frames: Frames, settings: Settings) -> Iterator[Issue]:
    """An episode whose outcome is 'ongoing' has no resolution time."""
    ep = frames.tables["toxicity_episodes"]
    wrong = (ep["outcome"] == "ongoing").fillna(False) & ep["resolved_at"].notna()
    yield from _report(
        frames,
        "toxicity_episodes",
        "resolved_at",
        wrong,
        "ongoing_episode_not_resolved",
        lambda r: "an episode with outcome 'ongoing' cannot have a resolved_at",
    )


def grade_valid_for_scale(frames: Frames, settings: Settings) -> Iterator[Issue]:
    """The recorded grade exists on its scale, and the scale grades that syndrome."""
    ep = frames.tables["toxicity_episodes"]
    scales = {t.code: t.attrs for t in GRADING_SCALE.terms}
    top = ep["grading_scale"].map({code: attrs["max_grade"] for code, attrs in scales.items()})
    grade = ep["max_grade"].astype("Float64").where(ep["max_grade"] <= 5)  # larger ones fail the range rule
    too_high = (grade > top.astype("Float64")).fillna(False)
    yield from _report(
        frames,
        "toxicity_episodes",
        "max_grade",
        too_high,
        "grade_valid_for_scale",
        lambda r: (
            f"grade {ep.at[r, 'max_grade']} does not exist on {ep.at[r, 'grading_scale']} (grades 0-{top[r]})"
        ),
    )
    graded = {f"{scale}|{syndrome}" for scale, attrs in scales.items() for syndrome in attrs["syndromes"]}
    pair = ep["grading_scale"] + "|" + ep["syndrome"]
    applies = (pair.isin(graded) | pair.isna()).astype(bool)
    yield from _report(
        frames,
        "toxicity_episodes",
        "grading_scale",
        ~applies,
        "grade_valid_for_scale",
        lambda r: f"{ep.at[r, 'grading_scale']} does not grade {ep.at[r, 'syndrome']}",
    )


def grade_5_is_death(frames: Frames, settings: Settings) -> Iterator[Issue]:
    """Grade 5 means death from the syndrome, so the episode's outcome is 'death'."""
    ep = frames.tables["toxicity_episodes"]
    wrong = (ep["max_grade"] == 5).fillna(False) & (ep["outcome"] != "death").fillna(True)
    yield from _report(
        frames,
        "toxicity_episodes",
        "outcome",
        wrong,
        "grade_5_is_death",
        lambda r: f"grade 5 means death from {ep.at[r, 'syndrome']}, but outcome is '{ep.at[r, 'outcome']}'",
    )


def administration_not_before_infusion(frames: Frames, settings: Settings) -> Iterator[Issue]:
    """A drug given to manage a toxicity is given on or after the infusion day."""
    adm = frames.tables["administrations"]
    infused = _lookup(adm, "infusion_id", frames.tables["infusions"], "infusion_date")
    early = (adm["given_at"].dt.normalize() < infused).fillna(False)
    yield from _report(
        frames,
        "administrations",
        "given_at",
        early,
        "administration_not_before_infusion",
        lambda r: (
            f"given_at {fmt(adm.at[r, 'given_at'])} is before the infusion date "
            f"{fmt(infused[r])} of {adm.at[r, 'infusion_id']}"
        ),
    )


def death_date_matches_status(frames: Frames, settings: Settings) -> Iterator[Issue]:
    """A death date is given exactly when the status is 'dead'."""
    out = frames.tables["outcomes"]
    dead = (out["status"] == "dead").fillna(False)
    yield from _report(
        frames,
        "outcomes",
        "death_date",
        dead & out["death_date"].isna(),
        "death_date_matches_status",
        lambda r: "status is dead but death_date is blank",
    )
    yield from _report(
        frames,
        "outcomes",
        "death_date",
        ~dead & out["death_date"].notna(),
        "death_date_matches_status",
        lambda r: f"death_date is given but status is '{out.at[r, 'status']}'",
    )


def follow_up_not_before_infusion(frames: Frames, settings: Settings) -> Iterator[Issue]:
    """Follow-up and death come on or after the infusion day."""
    out = frames.tables["outcomes"]
    infused = _lookup(out, "infusion_id", frames.tables["infusions"], "infusion_date")
    for column in ("last_follow_up", "death_date"):
        early = (out[column] < infused).fillna(False)
        yield from _report(
            frames,
            "outcomes",
            column,
            early,
            "follow_up_not_before_infusion",
            lambda r, c=column: (
                f"{c} {fmt(out.at[r, c])} is before the infusion date "
                f"{fmt(infused[r])} of {out.at[r, 'infusion_id']}"
            ),
        )


def nothing_after_death(frames: Frames, settings: Settings) -> Iterator[Issue]:
    """No episode starts and no drug is given after the day of death."""
    died = frames.tables["outcomes"]
    for table, column in (("toxicity_episodes", "onset_at"), ("administrations", "given_at")):
        frame = frames.tables[table]
        death = _lookup(frame, "infusion_id", died, "death_date")
        late = (frame[column].dt.normalize() > death).fillna(False)
        yield from _report(
            frames,
            table,
            column,
            late,
            "nothing_after_death",
            lambda r, f=frame, c=column, d=death: (
                f"{c} {fmt(f.at[r, c])} is after the death date {fmt(d[r])}"
            ),
        )


def death_episode_means_dead(frames: Frames, settings: Settings) -> Iterator[Issue]:
    """An episode whose outcome is death belongs to an infusion whose follow-up says the patient died."""
    ep = frames.tables["toxicity_episodes"]
    status = _lookup(ep, "infusion_id", frames.tables["outcomes"], "status")
    wrong = (ep["outcome"] == "death").fillna(False) & (status != "dead").fillna(True)
    yield from _report(
        frames,
        "toxicity_episodes",
        "outcome",
        wrong,
        "death_episode_means_dead",
        lambda r: (
            f"outcome is death but the outcomes table does not record the death of {ep.at[r, 'infusion_id']}"
        ),
    )


def status_matches_episodes(frames: Frames, settings: Settings) -> Iterator[Issue]:
    """crs_status / icans_status 'no' or 'unknown' cannot sit beside a recorded episode of that syndrome."""
    inf = frames.tables["infusions"]
    ep = frames.tables["toxicity_episodes"]
    for column, syndrome in (("crs_status", "CRS"), ("icans_status", "ICANS")):
        with_episode = inf["infusion_id"].isin(ep.loc[ep["syndrome"] == syndrome, "infusion_id"].dropna())
        wrong = inf[column].isin(["no", "unknown"]).fillna(False) & with_episode
        yield from _report(
            frames,
            "infusions",
            column,
            wrong,
            "status_matches_episodes",
            lambda r, c=column, s=syndrome: (
                f"{c} is '{inf.at[r, c]}' but toxicity_episodes "
                f"records a {s} episode for {inf.at[r, 'infusion_id']}"
            ),
        )


def product_authorised(frames: Frames, settings: Settings) -> Iterator[Issue]:
    """In standard of care, the product is authorised (EU) for the indication by the infusion month.

    A warning only: approvals are kept to the month and differ between countries and early-access schemes.
    """
    inf = frames.tables["infusions"]
    commercial = inf["therapy"].notna() & inf["indication"].notna() & (inf["setting"] == "standard_of_care")
    commercial &= ~inf["therapy"].str.startswith("investigational")
    commercial = commercial.fillna(False).astype(bool)
    pair = inf["therapy"] + "|" + inf["indication"]
    approvals = {f"{therapy}|{indication}": month for (therapy, indication), month in APPROVALS.items()}
    since = pair.map(approvals).astype("string").where(commercial)
    never = commercial & since.isna()
    yield from _report(
        frames,
        "infusions",
        "therapy",
        never,
        "product_authorised",
        lambda r: f"{inf.at[r, 'therapy']} has no EU authorisation for {inf.at[r, 'indication']}",
        "warning",
    )
    first_day = pd.to_datetime(since.astype(object).where(since.notna()) + "-01", errors="coerce")
    early = commercial & (inf["infusion_date"] < first_day).fillna(False)
    yield from _report(
        frames,
        "infusions",
        "infusion_date",
        early.fillna(False),
        "product_authorised",
        lambda r: (
            f"{inf.at[r, 'therapy']} was authorised for {inf.at[r, 'indication']} in "
            f"{since[r]}, after this infusion"
        ),
        "warning",
    )


RULES: tuple[Rule, ...] = (
    trial_id_required,
    trial_id_format,
    infusion_in_study_period,
    age_matches_birth_year,
    onset_not_before_infusion,
    resolution_not_before_onset,
    ongoing_episode_not_resolved,
    grade_valid_for_scale,
    grade_5_is_death,
    administration_not_before_infusion,
    death_date_matches_status,
    follow_up_not_before_infusion,
    nothing_after_death,
    death_episode_means_dead,
    status_matches_episodes,
    product_authorised,
)
