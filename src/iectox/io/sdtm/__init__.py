"""CDISC SDTM export: DM, AE (with SUPPAE), CM and EX as SAS transport files (XPT v5) with their define.xml.

The datasets are built by `domains.py` from the metadata in `iectox/data/sdtm/` (`metadata.py`), checked
against what XPT v5 and the FDA accept (`limits.py`), written by pyreadstat and described by `define.py`.
The recorded grades are exported as recorded: no grading is computed, so this export lives in `io`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pyreadstat

from iectox.dataset import Dataset
from iectox.errors import SpecError
from iectox.io.atomic import atomic_folder
from iectox.io.sdtm.define import define_xml, written
from iectox.io.sdtm.domains import sdtm_frames
from iectox.io.sdtm.limits import check_all
from iectox.io.sdtm.metadata import standard
from iectox.validate import ensure_valid

__all__ = ["DEFINE", "STUDY_ID", "check_study_id", "sdtm_frames", "standard", "write_sdtm"]

STUDY_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}")
DEFINE = "define.xml"


def check_study_id(study_id: str) -> str:
    """`study_id` if it can be STUDYID (ASCII letters, digits, '_', '.', '-', at most 40), else a SpecError."""
    if not STUDY_ID.fullmatch(study_id):
        raise SpecError(
            f"--study-id: '{study_id}' is not a study identifier: ASCII letters, digits, '_', '.', '-', "
            "at most 40 characters",
            key="study_id",
            value=study_id,
        )
    return study_id


def write_sdtm(dataset: Dataset, folder: str | Path, study_id: str) -> dict[str, pd.DataFrame]:
    """Write `dm.xpt`, `ae.xpt`, `suppae.xpt`, `cm.xpt`, `ex.xpt` and `define.xml` into `folder`, whole or not at
    all, after validating the dataset and checking every name, label and value against XPT v5 and the FDA's
    limits; the frames written, by dataset name. A dataset without records is not written (FDA: no empty
    datasets), nor described in define.xml."""
    check_study_id(study_id)
    ensure_valid(dataset)
    metadata = standard()
    frames = sdtm_frames(dataset, study_id, metadata)
    lengths = check_all(metadata, frames, Path(folder))
    specs = written(metadata, frames)
    with atomic_folder(Path(folder)) as tmp:
        for spec in specs:
            pyreadstat.write_xport(
                frames[spec.name],
                tmp / f"{spec.name.lower()}.xpt",
                file_label=spec.label,
                column_labels={v.name: v.label for v in spec.variables},
                table_name=spec.name,
                file_format_version=5,
            )
        define_xml(metadata, frames, lengths, study_id).write(
            tmp / DEFINE, encoding="UTF-8", xml_declaration=True
        )
    return {spec.name: frames[spec.name] for spec in specs}
