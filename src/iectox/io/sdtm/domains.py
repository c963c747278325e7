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

Char values are text ("" when missing, as SAS holds them); Num values are doubles (NaN when missing). Each
dataset is built a column at a time (`values.py`), never a record at a time: a national registry's hundreds of
thousands of records cost no Python call each.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from iectox.dataset import Dataset, time_known_column
from iectox.io.sdtm.metadata import DatasetSpec, Standard
from iectox.io.sdtm.values import iso8601, number, study_day, text, year
from iectox.schema import THERAPY, therapy_class
from iectox.schema.therapies import CAR_T
from iectox.schema.vocabularies import BSAB_DRUG_CODES, DRUG


def _frame(spec: DatasetSpec, records: pd.DataFrame) -> pd.DataFrame:
    """The records as a frame with the spec's variables in order: Char as text, Num as float64."""
    n = len(records)
    columns = {v.name: (text if v.type == "Char" else number)(records.get(v.name), n) for v in spec.variables}
    return pd.DataFrame(columns, index=pd.RangeIndex(n))


def _coded(values: pd.Series, lookup: Callable[[str], object] | Mapping[str, object]) -> pd.Series:
    """Each value's term, looked up once per distinct code: an unknown code raises, as it did record by record.
    A missing value is looked up as its text ("<NA>"): where it is allowed, the caller leaves it out first."""
    find = lookup.__getitem__ if isinstance(lookup, Mapping) else lookup
    codes = values.astype(str).reset_index(drop=True)
    return codes.map({code: find(code) for code in codes.unique()})


def _sequenced(records: pd.DataFrame, seq: str, start: str) -> pd.DataFrame:
    """Records ordered by subject, then start (unknown last), then sponsor id; --SEQ counts from 1 per subject."""
    ordered = records.assign(_unknown=records[start].eq("")).sort_values(
        ["USUBJID", "_unknown", start, "_order"], kind="stable"
    )
    ordered = ordered.reset_index(drop=True)
    ordered[seq] = ordered.groupby("USUBJID", sort=False).cumcount() + 1
    return ordered


class Subjects:
    """Per patient: USUBJID, reference start and age at it; per infusion: its patient. Held as series
    indexed by id, so that a whole column of records is looked up at once."""

    def __init__(self, dataset: Dataset, study_id: str):
        infusions = dataset["infusions"]
        self.study_id = study_id
        self.patient_of = pd.Series(
            infusions["patient_id"].astype(str).to_numpy(object), index=infusions["infusion_id"].astype(str)
        )
        dated = infusions.dropna(subset=["infusion_date"]).sort_values("infusion_date", kind="stable")
        first = dated.drop_duplicates("patient_id")
        first = first.set_index(first["patient_id"].astype(str))
        self.started: pd.Series = first["infusion_date"]
        self.age: pd.Series = first["age_at_infusion"]

    def usubjid(self, patients: pd.Series) -> pd.Series:
        return self.study_id + "-" + patients

    def reference(self, patients: pd.Series) -> pd.Series:
        """Each patient's reference start (RFSTDTC): the day of the first infusion; NaT when unknown."""
        return pd.Series(self.started.reindex(patients).to_numpy(dtype="datetime64[ns]"))

    def of_infusion(self, infusion_ids: pd.Series) -> pd.DataFrame:
        """STUDYID, USUBJID and the patient (`_patient`) of each infusion id; an unknown id raises KeyError."""
        patients = pd.Series(self.patient_of.loc[infusion_ids.astype(str).to_numpy(object)].to_numpy(object))
        return pd.DataFrame(
            {"STUDYID": self.study_id, "USUBJID": self.usubjid(patients), "_patient": patients}
        )


def _study_days(subjects: Subjects, records: pd.DataFrame, at: pd.Series) -> pd.Series:
    return study_day(at, subjects.reference(records["_patient"]))


def dm(dataset: Dataset, subjects: Subjects, standard: Standard) -> pd.DataFrame:
    patients_table = dataset["patients"]
    patients = pd.Series(patients_table["patient_id"].astype(str).to_numpy(object))
    age = np.trunc(subjects.age.reindex(patients).to_numpy(dtype="float64", na_value=np.nan))
    start = iso8601(subjects.reference(patients))
    records = pd.DataFrame(
        {
            "STUDYID": subjects.study_id,
            "DOMAIN": "DM",
            "USUBJID": subjects.usubjid(patients),
            "SUBJID": patients,
            "RFSTDTC": start,
            "RFXSTDTC": start,
            "SITEID": patients_table["centre"].reset_index(drop=True),
            "BRTHDTC": year(patients_table["birth_year"]),
            "AGE": age,
            "AGEU": np.where(np.isnan(age), "", "YEARS"),
            "SEX": _coded(patients_table["sex"], standard.codelists["SEX"].mapping),
        }
    )
    return records.sort_values("USUBJID", kind="stable").reset_index(drop=True)


def _dated(table: pd.DataFrame, column: str) -> pd.Series:
    """The ISO 8601 text of a date-time column, with its time where its `_time_known` flag says so."""
    return iso8601(table[column], table[time_known_column(column)])


def ae(dataset: Dataset, subjects: Subjects, standard: Standard) -> tuple[pd.DataFrame, pd.DataFrame]:
    """AE records and their SUPPAE records (the grading scale of each grade)."""
    episodes = dataset["toxicity_episodes"]
    meddra = standard.meddra.terms
    death = np.where(episodes["outcome"].astype(str).to_numpy() == "death", "Y", "")
    records = subjects.of_infusion(episodes["infusion_id"])
    grade = episodes["max_grade"].reset_index(drop=True)
    records = records.assign(
        _order=np.arange(len(records)),
        _scale=episodes["grading_scale"].astype(str).to_numpy(object),
        DOMAIN="AE",
        AESPID=episodes["episode_id"].to_numpy(object),
        AETERM=_coded(episodes["syndrome"], {code: term["aeterm"] for code, term in meddra.items()}),
        AEDECOD=_coded(episodes["syndrome"], {code: term["aedecod"] for code, term in meddra.items()}),
        AEPTCD=_coded(episodes["syndrome"], {code: term["ptcd"] or None for code, term in meddra.items()}),
        AESER=death,  # ICH E2A: an event that results in death is serious
        AEOUT=_coded(episodes["outcome"], standard.codelists["OUT"].mapping),
        AESDTH=death,
        AETOXGR=grade.astype("Int64").astype("string").fillna("").astype(object),
        AESTDTC=_dated(episodes, "onset_at"),
        AEENDTC=_dated(episodes, "resolved_at"),
        AESTDY=_study_days(subjects, records, episodes["onset_at"]),
        AEENDY=_study_days(subjects, records, episodes["resolved_at"]),
    )
    records = _sequenced(records, "AESEQ", "AESTDTC")
    qualifier = standard.dataset("SUPPAE").qualifiers[0]
    graded = records[records["AETOXGR"] != ""]
    supp = pd.DataFrame(
        {
            "STUDYID": graded["STUDYID"],
            "RDOMAIN": "AE",
            "USUBJID": graded["USUBJID"],
            "IDVAR": "AESEQ",
            "IDVARVAL": graded["AESEQ"].astype(str),
            "QNAM": qualifier.qnam,
            "QLABEL": qualifier.qlabel,
            "QVAL": graded["_scale"],
            "QORIG": qualifier.qorig,
        }
    )
    return records, supp.reset_index(drop=True)


def _dose(doses: pd.DataFrame, standard: Standard, prefix: str) -> dict[str, pd.Series]:
    present = doses["dose_mg"].notna().to_numpy()
    route = doses["route"]
    routes = pd.Series("", index=pd.RangeIndex(len(doses)), dtype=object)
    given = route.notna().to_numpy()
    routes[given] = _coded(route[given], standard.codelists["ROUTE"].mapping).to_numpy(object)
    return {
        f"{prefix}DOSE": doses["dose_mg"].reset_index(drop=True),
        f"{prefix}DOSU": pd.Series(np.where(present, "mg", ""), dtype=object),
        f"{prefix}ROUTE": routes,
        f"{prefix}STDTC": _dated(doses, "given_at"),
    }


def _drug_names(drugs: pd.Series) -> pd.Series:
    return _coded(drugs, lambda code: str(DRUG.term(code).label))


def cm(dataset: Dataset, subjects: Subjects, standard: Standard) -> pd.DataFrame:
    administrations = dataset["administrations"]
    order = np.flatnonzero(~administrations["drug"].astype(str).isin(BSAB_DRUG_CODES).to_numpy())
    given = administrations.iloc[order]
    records = subjects.of_infusion(given["infusion_id"])
    records = records.assign(
        **_dose(given, standard, "CM"),
        _order=order,
        DOMAIN="CM",
        CMSPID=given["administration_id"].to_numpy(object),
        CMTRT=_drug_names(given["drug"]),
        CMINDC=_coded(given["reason"], standard.indications),
        CMSTDY=_study_days(subjects, records, given["given_at"]),
    )
    return _sequenced(records, "CMSEQ", "CMSTDTC")


def ex(dataset: Dataset, subjects: Subjects, standard: Standard) -> pd.DataFrame:
    administrations = dataset["administrations"]
    doses = administrations[administrations["drug"].astype(str).isin(BSAB_DRUG_CODES).to_numpy()]
    infusions = dataset["infusions"]
    car_t = _coded(infusions["therapy"], therapy_class).eq(CAR_T).to_numpy()
    dosed = infusions["infusion_id"].astype(str).isin(set(doses["infusion_id"].astype(str))).to_numpy()
    courses = infusions[car_t | ~dosed]  # a course's own doses stand for it
    records = subjects.of_infusion(courses["infusion_id"])
    records = records.assign(
        EXSPID=courses["infusion_id"].to_numpy(object),
        EXTRT=_coded(courses["therapy"], lambda code: str(THERAPY.term(code).label)),
        EXSTDTC=iso8601(courses["infusion_date"]),
        EXSTDY=_study_days(subjects, records, courses["infusion_date"]),
    )
    given = subjects.of_infusion(doses["infusion_id"])
    given = given.assign(
        **_dose(doses, standard, "EX"),
        EXSPID=doses["administration_id"].to_numpy(object),
        EXTRT=_drug_names(doses["drug"]),
        EXSTDY=_study_days(subjects, given, doses["given_at"]),
    )
    records = pd.concat([records, given], ignore_index=True)
    records = records.assign(_order=np.arange(len(records)), DOMAIN="EX")
    return _sequenced(records, "EXSEQ", "EXSTDTC")


def sdtm_frames(dataset: Dataset, study_id: str, standard: Standard) -> dict[str, pd.DataFrame]:
    """Every dataset's frame, keyed by its name, in the order of the metadata."""
    subjects = Subjects(dataset, study_id)
    adverse, supplemental = ae(dataset, subjects, standard)
    records = {
        "DM": dm(dataset, subjects, standard),
        "AE": adverse,
        "SUPPAE": supplemental,
        "CM": cm(dataset, subjects, standard),
        "EX": ex(dataset, subjects, standard),
    }
    return {spec.name: _frame(spec, records[spec.name]) for spec in standard.datasets}
