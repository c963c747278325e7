"""A patient's timeline takes the patient's findings from the dashboard's audit when the patient's rows are
still those it audited: the library's audit judges each infusion on its own rows (the same findings for a
patient audited alone as among the demo cohort), and a patient's digest is the same read alone or among all."""

from __future__ import annotations

import functools

import pandas as pd
import pytest
from django.core.cache import cache
from django.urls import reverse

from iectox.dataset import Dataset
from iectox.grading import episodes_from_grades, grade_dataset
from iectox.management.audit import audit
from iectox.management.findings import findings_frame
from iectox.management.pathway import default_pathway
from iectox.schema import CONTRACT
from iectox.synth import calibrate
from iectox.web.bedside import timeline as timeline_module
from iectox.web.quality.dashboard import DASHBOARDS
from iectox.web.registry.digests import DIGESTED, digest, patient_digests

from ..web_helpers import client_of
from .test_observe import FEBRILE_HYPOTENSIVE, text

P001 = reverse("bedside:timeline", args=["P-001"])


@functools.cache
def _cohort() -> Dataset:
    return calibrate().dataset


def _alone(dataset: Dataset, patient: str) -> Dataset:
    infusions = dataset["infusions"]
    codes = set(infusions.loc[infusions["patient_id"] == patient, "infusion_id"])
    return Dataset.from_frames(
        {
            name: frame[
                (frame["patient_id"] == patient)
                if "patient_id" in frame
                else frame["infusion_id"].isin(codes)
            ]
            for name, frame in dataset.tables.items()
        }
    )


def test_a_patients_digest_is_the_same_read_alone_or_among_all_and_changes_with_any_value():
    whole = patient_digests(_cohort())
    assert len(whole) == 401 and len(set(whole.values())) == 401
    for patient in ("P-0001", "P-0100", "P-0250", "P-0401"):
        alone = _alone(_cohort(), patient)
        assert patient_digests(alone) == {patient: whole[patient]}
        observations = alone["observations"].copy()
        observations.loc[observations.index[0], "temperature_c"] += 0.1
        changed = Dataset.from_frames({**alone.tables, "observations": observations})
        assert patient_digests(changed)[patient] != whole[patient]
        fewer = Dataset.from_frames({**alone.tables, "observations": observations.iloc[1:]})
        assert patient_digests(fewer)[patient] != whole[patient]


def test_the_rows_fingerprint_follows_every_value_and_the_rows_order_the_patients_digest_only_the_values():
    alone = _alone(_cohort(), "P-0100")
    observations = alone["observations"]
    assert len(observations) > 2
    swapped = observations.iloc[[1, 0, *range(2, len(observations))]].reset_index(drop=True)
    reordered = Dataset.from_frames({**alone.tables, "observations": swapped})
    same, moved = digest(alone), digest(reordered)
    assert moved.patients == same.patients
    assert moved.rows != same.rows
    assert digest(Dataset.from_frames(dict(alone.tables))) == same
    blank = observations.copy()
    blank.loc[blank.index[-1], "ice_score"] = pd.NA if pd.notna(blank["ice_score"].iloc[-1]) else 10
    assert digest(Dataset.from_frames({**alone.tables, "observations": blank})).rows != same.rows


def test_the_audit_and_the_grades_read_only_the_digested_tables():
    """A patient's page reads and digests only `DIGESTED` (no labs, no follow-up): the audit's findings and the
    graded episodes of the demo cohort are the same without the other tables."""
    assert set(CONTRACT.table_names) - set(DIGESTED) == {"outcomes", "labs"}
    whole = _cohort()
    without = Dataset.from_frames({name: whole[name] for name in DIGESTED})
    pathway = default_pathway()
    assert findings_frame(list(audit(without, pathway).findings), "en").equals(
        findings_frame(list(audit(whole, pathway).findings), "en")
    )
    assert episodes_from_grades(grade_dataset(without)).equals(episodes_from_grades(grade_dataset(whole)))
    assert digest(without) == digest(whole)


@pytest.mark.parametrize("start", range(4))
def test_a_patient_audited_alone_has_the_findings_it_has_in_the_whole_cohorts_audit(start):
    pathway = default_pathway()
    whole = audit(_cohort(), pathway)
    infusions = _cohort()["infusions"]
    patient_of = dict(zip(infusions["infusion_id"], infusions["patient_id"], strict=True))
    for patient in list(_cohort()["patients"]["patient_id"])[start::25]:
        alone = _alone(_cohort(), patient)
        graded = episodes_from_grades(grade_dataset(alone, lang="en"))
        own = audit(alone, pathway, graded=graded if len(graded) else None)
        among = [f for f in whole.findings if patient_of.get(f.infusion_id) == patient]
        assert findings_frame(list(own.findings), "fr").equals(findings_frame(among, "fr")), patient


def test_the_timeline_takes_the_findings_of_the_latest_dashboard_until_the_patients_rows_change(
    registry, monkeypatch
):
    cache.clear()
    DASHBOARDS.clear()
    nurse = client_of("clinician")
    audited_alone = text(nurse.get(P001))
    assert "deviation First dose of tocilizumab 18.0 h after CRS reached grade 2" in audited_alone
    cache.clear()
    nurse.get(reverse("quality:dashboard"))
    runs = []
    real = timeline_module.audit
    monkeypatch.setattr(timeline_module, "audit", lambda *a, **k: runs.append(1) or real(*a, **k))
    assert text(nurse.get(P001)) == audited_alone and runs == []
    observe = reverse("bedside:observe", args=["INF-001"])
    assert nurse.post(observe, {**FEBRILE_HYPOTENSIVE, "observed_at": "2023-05-20 09:00"}).status_code == 302
    assert "2023-05-20 09:00 38.6" in text(nurse.get(P001))
    assert runs == [1]  # rows the dashboard did not audit: the patient is audited alone
