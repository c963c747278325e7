"""The SDTM datasets of a dataset: DM, AE (with SUPPAE), CM and EX, as frames ready for SAS transport files.

- DM: one record per patient; USUBJID is STUDYID-patient_id (the pseudonymous id, never a name); RFSTDTC and
  RFXSTDTC the first infusion day; BRTHDTC the birth year alone; AGE the age at the first infusion, in years.
- AE: one record per CRS, ICANS or IEC-HS episode with its recorded grade (AETOXGR) and, in SUPPAE, the scale
  it was graded on (QNAM TOXGRSCL: SDTMIG v3.4 AE assumption 7d asks for the scale; one study may hold several).
  A grade not recorded stays blank: iectox does not put a computed grade in its place.
- CM: every administration that is not the bispecific antibody itself (tocilizumab, corticosteroids,
  anakinra, premedication, ...) with its dose in mg, route and indication.
- EX: the study treatment: each CAR-T infusion (its cell dose is not recorded: EXDOSE is blank), and each dose
  of a bispecific antibody (a course without its doses recorded is one record, on its first day).

Char values are text ("" when missing, as SAS holds them); Num values are doubles (NaN when missing).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd

from iectox.dataset import Dataset, time_known_column
from iectox.io.sdtm.metadata import DatasetSpec, Standard
from iectox.io.sdtm.values import iso8601, number, study_day, text, year
from iectox.schema import THERAPY, therapy_class
from iectox.schema.therapies import CAR_T
from iectox.schema.vocabularies import BSAB_DRUGS, DRUG

BSAB_DRUG_CODES = frozenset(code for code, _ in BSAB_DRUGS)
Record = dict[str, Any]


def _rows(frame: pd.DataFrame) -> list[Record]:
    return frame.to_dict("records")


def _frame(spec: DatasetSpec, records: list[Record]) -> pd.DataFrame:
    """The records as a frame with the spec's variables in order: Char as text, Num as float64."""
    columns = {}
    for variable in spec.variables:
        convert: Callable[[object], object] = text if variable.type == "Char" else number
        values = [convert(r.get(variable.name)) for r in records]
        columns[variable.name] = pd.Series(values, dtype=object if variable.type == "Char" else "float64")
    return pd.DataFrame(columns, index=pd.RangeIndex(len(records)))


def _sequenced(records: list[Record], seq: str, start: str) -> list[Record]:
    """Records ordered by subject, then start (unknown last), then sponsor id; --SEQ counts from 1 per subject."""
    ordered = sorted(records, key=lambda r: (r["USUBJID"], r[start] == "", r[start], r["_order"]))
    counts: dict[str, int] = {}
    for record in ordered:
        counts[record["USUBJID"]] = counts.get(record["USUBJID"], 0) + 1
        record[seq] = counts[record["USUBJID"]]
    return ordered


class Subjects:
    """Per patient: USUBJID, reference start and age at it; per infusion: its patient. Looked up once per
    record, so held as dicts rather than frames."""

    def __init__(self, dataset: Dataset, study_id: str):
        infusions = dataset["infusions"]
        self.study_id = study_id
        self.patient_of = dict(zip(infusions["infusion_id"], infusions["patient_id"], strict=True))
        dated = infusions.dropna(subset=["infusion_date"]).sort_values("infusion_date", kind="stable")
        first = dated.drop_duplicates("patient_id").set_index("patient_id")
        self.started: dict[str, object] = first["infusion_date"].to_dict()
        self.age: dict[str, int] = first["age_at_infusion"].dropna().astype(int).to_dict()

    def usubjid(self, patient_id: str) -> str:
        return f"{self.study_id}-{patient_id}"

    def reference(self, patient_id: str) -> object:
        return self.started.get(patient_id)

    def of_infusion(self, infusion_id: str) -> dict[str, object]:
        patient = str(self.patient_of[infusion_id])
        return {"STUDYID": self.study_id, "USUBJID": self.usubjid(patient), "_patient": patient}


def dm(dataset: Dataset, subjects: Subjects, standard: Standard) -> list[Record]:
    sex = standard.codelists["SEX"].mapping
    records = []
    for row in _rows(dataset["patients"]):
        patient = str(row["patient_id"])
        age = subjects.age.get(patient)
        start = iso8601(subjects.reference(patient))
        records.append(
            {
                "STUDYID": subjects.study_id,
                "DOMAIN": "DM",
                "USUBJID": subjects.usubjid(patient),
                "SUBJID": patient,
                "RFSTDTC": start,
                "RFXSTDTC": start,
                "SITEID": row["centre"],
                "BRTHDTC": year(row["birth_year"]),
                "AGE": age,
                "AGEU": "YEARS" if age is not None else "",
                "SEX": sex[str(row["sex"])],
            }
        )
    return sorted(records, key=lambda r: r["USUBJID"])


def ae(dataset: Dataset, subjects: Subjects, standard: Standard) -> tuple[list[Record], list[Record]]:
    """AE records and their SUPPAE records (the grading scale of each grade)."""
    outcome = standard.codelists["OUT"].mapping
    terms = standard.meddra.terms
    records = []
    for order, row in enumerate(_rows(dataset["toxicity_episodes"])):
        record = subjects.of_infusion(str(row["infusion_id"]))
        reference = subjects.reference(str(record["_patient"]))
        term = terms[str(row["syndrome"])]
        death = str(row["outcome"]) == "death"
        record.update(
            {
                "_order": order,
                "_scale": str(row["grading_scale"]),
                "DOMAIN": "AE",
                "AESPID": row["episode_id"],
                "AETERM": term["aeterm"],
                "AEDECOD": term["aedecod"],
                "AEPTCD": term["ptcd"] or None,
                "AESER": "Y" if death else "",  # ICH E2A: an event that results in death is serious
                "AEOUT": outcome[str(row["outcome"])],
                "AESDTH": "Y" if death else "",
                "AETOXGR": "" if pd.isna(row["max_grade"]) else str(int(row["max_grade"])),
                "AESTDTC": iso8601(row["onset_at"], row[time_known_column("onset_at")]),
                "AEENDTC": iso8601(row["resolved_at"], row[time_known_column("resolved_at")]),
                "AESTDY": study_day(row["onset_at"], reference),
                "AEENDY": study_day(row["resolved_at"], reference),
            }
        )
        records.append(record)
    records = _sequenced(records, "AESEQ", "AESTDTC")
    qualifier = standard.dataset("SUPPAE").qualifiers[0]
    supp = [
        {
            "STUDYID": r["STUDYID"],
            "RDOMAIN": "AE",
            "USUBJID": r["USUBJID"],
            "IDVAR": "AESEQ",
            "IDVARVAL": str(r["AESEQ"]),
            "QNAM": qualifier.qnam,
            "QLABEL": qualifier.qlabel,
            "QVAL": r["_scale"],
            "QORIG": qualifier.qorig,
        }
        for r in records
        if r["AETOXGR"]
    ]
    return records, supp


def _dose(row: Record, standard: Standard, prefix: str) -> Record:
    route = standard.codelists["ROUTE"].mapping
    present = not pd.isna(row["dose_mg"])
    return {
        f"{prefix}DOSE": row["dose_mg"],
        f"{prefix}DOSU": "mg" if present else "",
        f"{prefix}ROUTE": "" if pd.isna(row["route"]) else route[str(row["route"])],
        f"{prefix}STDTC": iso8601(row["given_at"], row[time_known_column("given_at")]),
    }


def cm(dataset: Dataset, subjects: Subjects, standard: Standard) -> list[Record]:
    records = []
    for order, row in enumerate(_rows(dataset["administrations"])):
        if str(row["drug"]) in BSAB_DRUG_CODES:
            continue
        record = subjects.of_infusion(str(row["infusion_id"]))
        record.update(_dose(row, standard, "CM"))
        record.update(
            {
                "_order": order,
                "DOMAIN": "CM",
                "CMSPID": row["administration_id"],
                "CMTRT": str(DRUG.term(str(row["drug"])).label),
                "CMINDC": standard.indications[str(row["reason"])],
                "CMSTDY": study_day(row["given_at"], subjects.reference(str(record["_patient"]))),
            }
        )
        records.append(record)
    return _sequenced(records, "CMSEQ", "CMSTDTC")


def ex(dataset: Dataset, subjects: Subjects, standard: Standard) -> list[Record]:
    doses = dataset["administrations"]
    doses = doses[doses["drug"].isin(BSAB_DRUG_CODES)]
    dosed = set(doses["infusion_id"])
    records: list[Record] = []
    for row in _rows(dataset["infusions"]):
        if therapy_class(str(row["therapy"])) != CAR_T and row["infusion_id"] in dosed:
            continue  # the course's own doses stand for it
        record = subjects.of_infusion(str(row["infusion_id"]))
        record.update(
            {
                "EXSPID": row["infusion_id"],
                "EXTRT": str(THERAPY.term(str(row["therapy"])).label),
                "EXSTDTC": iso8601(row["infusion_date"]),
                "EXSTDY": study_day(row["infusion_date"], subjects.reference(str(record["_patient"]))),
            }
        )
        records.append(record)
    for row in _rows(doses):
        record = subjects.of_infusion(str(row["infusion_id"]))
        record.update(_dose(row, standard, "EX"))
        record.update(
            {
                "EXSPID": row["administration_id"],
                "EXTRT": str(DRUG.term(str(row["drug"])).label),
                "EXSTDY": study_day(row["given_at"], subjects.reference(str(record["_patient"]))),
            }
        )
        records.append(record)
    for order, record in enumerate(records):
        record.update({"_order": order, "DOMAIN": "EX"})
    return _sequenced(records, "EXSEQ", "EXSTDTC")


def sdtm_frames(dataset: Dataset, study_id: str, standard: Standard) -> dict[str, pd.DataFrame]:
    """Every dataset's frame, keyed by its name, in the order of the metadata."""
    subjects = Subjects(dataset, study_id)
    adverse, supplemental = ae(dataset, subjects, standard)
    records: dict[str, Iterable[Record]] = {
        "DM": dm(dataset, subjects, standard),
        "AE": adverse,
        "SUPPAE": supplemental,
        "CM": cm(dataset, subjects, standard),
        "EX": ex(dataset, subjects, standard),
    }
    return {spec.name: _frame(spec, list(records[spec.name])) for spec in standard.datasets}
