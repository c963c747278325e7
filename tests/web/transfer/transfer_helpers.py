"""Files to upload and the steps of an import, for the import and export tests."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from factories import small_dataset
from iectox.dataset import Dataset
from iectox.io import write_dataset
from iectox.io.diff import table_key
from iectox.schema import CONTRACT
from iectox.web.registry.models import Patient
from iectox.web.registry.records import patients_dataset
from iectox.web.transfer.models import Import

CHU_A = ("P-001", "P-002")


def centre_a() -> Dataset:
    """The small dataset's patients of CHU-A (P-001, P-002) and their rows."""
    data = small_dataset()
    infusions = data["infusions"][data["infusions"]["patient_id"].isin(CHU_A)]
    frames = {
        "patients": data["patients"][data["patients"]["patient_id"].isin(CHU_A)],
        "infusions": infusions,
    }
    for name in CONTRACT.table_names:
        if name not in frames:
            frames[name] = data[name][data[name]["infusion_id"].isin(infusions["infusion_id"])]
    return Dataset.from_frames(frames)


def edited(dataset: Dataset, table: str, where: dict[str, object], **values: object) -> Dataset:
    """`dataset` with the row of `table` matching `where` given `values`."""
    frames = {name: dataset[name].copy() for name in CONTRACT.table_names}
    frame = frames[table]
    mask = pd.Series(True, index=frame.index)
    for column, value in where.items():
        mask &= frame[column] == value
    assert mask.sum() == 1, (table, where)
    for column, value in values.items():
        frame.loc[mask, column] = value
    return Dataset.from_frames(frames)


def workbook(dataset: Dataset, folder: Path, name: str = "registry.xlsx") -> Path:
    return write_dataset(dataset, folder / name)


def csv_zip(dataset: Dataset, folder: Path, name: str = "registry.zip") -> Path:
    tables = write_dataset(dataset, folder / "csv")
    target = folder / name
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as package:
        for table in CONTRACT.table_names:
            package.write(tables / f"{table}.csv", f"registry/{table}.csv")
    return target


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, data in members.items():
            package.writestr(name, data)
    return buffer.getvalue()


def upload(
    client: Client,
    path: Path | None = None,
    *,
    data: bytes | None = None,
    name: str | None = None,
    date_order: str = "iso",
):
    """POST a file to the import page (a path, or bytes with a name)."""
    content = data if data is not None else path.read_bytes()
    file = SimpleUploadedFile(name or path.name, content)
    return client.post(reverse("transfer:import"), {"file": file, "date_order": date_order})


def preview(client: Client):
    return client.get(reverse("transfer:preview"))


def commit(client: Client, response, delete_missing: bool = False):
    """POST the commit form of a preview `response` (its token and fingerprint)."""
    context = response.context
    data = {"submission": context["token"], "fingerprint": context.get("fingerprint", "")}
    if delete_missing:
        data["delete_missing"] = "yes"
    return client.post(reverse("transfer:commit"), data)


def pending() -> Import:
    return Import.objects.get(status=Import.PENDING)


def registry_dataset() -> Dataset:
    return patients_dataset(Patient.objects.order_by("patient_id"))


def _sorted(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    keys = list(table_key(CONTRACT.table(table)))
    return frame.sort_values(keys, kind="stable").reset_index(drop=True)


def assert_same(read: Dataset, expected: Dataset) -> None:
    """Every table equal, cell by cell and to the last bit (rows in key order)."""
    for name in CONTRACT.table_names:
        pd.testing.assert_frame_equal(
            _sorted(read[name], name), _sorted(expected[name], name), check_exact=True, obj=name
        )
