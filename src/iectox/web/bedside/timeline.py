"""What a patient's timeline shows, each number from the library, for that one patient's rows:

- the observations graded by ASTCT 2019 (`iectox.grading.grade_dataset`, reasons in the reader's language),
  drawn by `iectox.render.bedside_chart.observations_chart` and listed;
- the episodes computed from them (`episodes_from_grades`) beside the grades recorded (`agreement`), each
  computed grade with the reason of the first observation that reached it;
- the doses given (the administrations table);
- the management audit's findings (`iectox.management.audit.audit` under the pathway in force).

The whole timeline is kept in Django's cache under the fingerprint of every value of the patient's rows in their
order, in the tables the page is computed from (`registry.digests.DIGESTED`: not the labs and follow-up), given
by `registry.digests.digest` with the patient's digest that the dashboard's findings are matched by (each row
hashed once for both), the pathway's settings and the reader's language: a page shown again before anything
changed costs reading the rows and the template, and any change (an observation saved) is a new fingerprint,
so nothing stale is ever shown.

Nothing is graded, dosed or judged here: this module only picks the library's results of each infusion and
turns values into text (`registry.display.value_text`, the registry pages' own wording).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
from django.core.cache import cache

from iectox.dataset import Dataset, time_known_column
from iectox.grading import AGREES, DISAGREES, OTHER_SCALE, agreement, episodes_from_grades, grade_dataset
from iectox.i18n import N_, number, tr
from iectox.management.audit import audit
from iectox.management.findings import findings_frame
from iectox.management.pathway import Pathway
from iectox.render.bedside_chart import observations_chart
from iectox.schema import CONTRACT
from iectox.web.quality.dashboard import DASHBOARDS
from iectox.web.registry.digests import Digested, digest
from iectox.web.registry.display import value_text
from iectox.web.registry.records import model_values

AGREEMENT = {
    AGREES: N_("same grade"),
    DISAGREES: N_("different grade"),
    OTHER_SCALE: N_("other scale, not compared"),
}
FACTS = ("therapy", "infusion_date", "weight_kg", "setting", "indication", "age_at_infusion")
GRADED = ("crs_grade", "crs_reason", "icans_grade", "icans_reason")
GRADE_COLUMN = {"CRS": "crs_grade", "ICANS": "icans_grade"}
KEEP_SECONDS = 3600


@dataclass(frozen=True)
class InfusionTimeline:
    """One infusion as the page shows it; every value is text in the reader's language."""

    code: str
    facts: dict[str, str]  # column -> value (FACTS)
    chart: str  # SVG
    observations: list[dict[str, str]]  # the observations table's columns and the GRADED ones
    episodes: list[dict[str, str]]
    doses: list[dict[str, str]]
    findings: list[dict[str, str]]


def shown_rows(table: str, frame: pd.DataFrame, lang: str) -> list[dict[str, str]]:
    """Each row of a dataset frame of `table` as its columns' text (a blank is "")."""
    contract = CONTRACT.table(table)
    rows = []
    for record in frame.to_dict("records"):
        values = model_values(table, record)
        rows.append(
            {
                column.name: value_text(
                    column, values[column.name], lang, values.get(time_known_column(column.name), True)
                )
                for column in contract.columns
            }
        )
    return rows


def _stamp(at: object, known: object) -> str:
    if pd.isna(at):
        return ""
    return pd.Timestamp(at).strftime("%Y-%m-%d" if known is False else "%Y-%m-%d %H:%M")  # type: ignore[arg-type]


def _observations(graded: pd.DataFrame, lang: str) -> list[dict[str, str]]:
    shown = shown_rows("observations", graded, lang)
    for row, grades in zip(shown, graded[list(GRADED)].to_dict("records"), strict=True):
        row.update({name: "" if pd.isna(value) else str(value) for name, value in grades.items()})
    return shown


def _episodes(agreed: pd.DataFrame, graded: pd.DataFrame, lang: str) -> list[dict[str, str]]:
    """Computed episodes beside recorded grades; the reason is the first observation's at the computed grade."""
    rows = []
    for episode in agreed.to_dict("records"):
        grade, reason = episode["max_grade"], ""
        if not pd.isna(grade):
            column = GRADE_COLUMN[episode["syndrome"]]
            at_grade = graded[(graded[column] == grade).fillna(False)]
            reason = str(at_grade[column.replace("grade", "reason")].iloc[0]) if len(at_grade) else ""
        agrees = episode["agrees"]
        rows.append(
            {
                "syndrome": str(episode["syndrome"]),
                "grade": "" if pd.isna(grade) else str(grade),
                "reason": reason,
                "onset": _stamp(episode["onset_at"], episode["onset_at_time_known"]),
                "resolved": _stamp(episode["resolved_at"], episode["resolved_at_time_known"]),
                "recorded": ""
                if pd.isna(episode["recorded_max_grade"])
                else str(episode["recorded_max_grade"]),
                "scale": "" if pd.isna(episode["recorded_scale"]) else str(episode["recorded_scale"]),
                "agrees": "" if pd.isna(agrees) else tr(AGREEMENT[agrees], lang),
            }
        )
    return rows


def _findings(
    dataset: Dataset,
    digested: Digested,
    pathway: Pathway,
    pathway_key: str,
    computed: pd.DataFrame,
    lang: str,
) -> pd.DataFrame:
    """The audit's findings, most serious first, with their sources, in `lang`. Auditing the patient is the
    costliest part of the page (about 0.15 s of CPU, whatever the registry's size): the latest dashboard's
    audit holds this patient's findings already when its rows are still those it audited (the library's
    audit judges each infusion on its own rows: tested, the same findings as the patient's own audit)."""
    patients = dataset["patients"]["patient_id"]
    kept = None
    if len(patients) == 1:
        patient = str(patients.iloc[0])
        kept = DASHBOARDS.findings_of(patient, digested.patients.get(patient, ""), pathway_key)
    if kept is None:
        result = audit(dataset, pathway, graded=computed if len(computed) else None)
        kept = list(result.findings), result
    findings, result = kept
    table = findings_frame(findings, lang)
    sources = {rule: result.source(rule, lang) for rule in table["rule"].dropna().unique()}
    shown = [tr(severity, lang) for severity in table["severity"]]
    return table.assign(source=table["rule"].map(sources), level=table["severity"], severity=shown)


def _of(frame: pd.DataFrame, code: str) -> pd.DataFrame:
    return frame[(frame["infusion_id"] == code).fillna(False).to_numpy(dtype=bool)]


def _facts(infusion: Mapping[str, object], lang: str) -> dict[str, str]:
    shown = shown_rows("infusions", pd.DataFrame([infusion]), lang)[0]
    weight = infusion["weight_kg"]
    if not pd.isna(weight):  # type: ignore[call-overload]
        shown["weight_kg"] = number(float(weight), 1, lang).removesuffix(",0").removesuffix(".0")  # type: ignore[arg-type]
    return {name: shown[name] for name in FACTS}


def patient_timeline(
    dataset: Dataset, pathway: Pathway, pathway_key: str, lang: str
) -> list[InfusionTimeline]:
    """The timeline of each infusion of `dataset` (one patient's rows), in `lang`, under `pathway` (whose
    fingerprint is `pathway_key`): from Django's cache when these rows were shown already."""
    digested = digest(dataset)
    key = f"iectox:bedside:timeline:{pathway_key}:{lang}:{digested.rows}"
    kept = cache.get(key)
    if kept is None:
        kept = _timeline(dataset, digested, pathway, pathway_key, lang)
        cache.set(key, kept, KEEP_SECONDS)
    return kept


def _timeline(
    dataset: Dataset, digested: Digested, pathway: Pathway, pathway_key: str, lang: str
) -> list[InfusionTimeline]:
    graded = grade_dataset(dataset, lang=lang)
    computed = episodes_from_grades(graded)
    agreed = agreement(dataset, computed)
    findings = _findings(dataset, digested, pathway, pathway_key, computed, lang)
    administrations = dataset["administrations"]
    infusions = dataset["infusions"]
    timelines = []
    for infusion in infusions.to_dict("records"):
        code = str(infusion["infusion_id"])
        observed = _of(graded, code).sort_values("observed_at", kind="stable")
        doses = _of(administrations, code).sort_values("given_at", kind="stable", na_position="last")
        chart = observations_chart(observed, lang, start=infusion["infusion_date"], doses=doses)
        timelines.append(
            InfusionTimeline(
                code=code,
                facts=_facts(infusion, lang),
                chart=chart,
                observations=_observations(observed, lang),
                episodes=_episodes(_of(agreed, code), observed, lang),
                doses=shown_rows("administrations", doses, lang),
                findings=_of(findings, code)[["level", "severity", "finding", "source"]].to_dict("records"),
            )
        )
    return timelines
