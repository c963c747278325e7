"""De-identified exports: keyed codes, a date shift per patient that keeps every interval, birth years moved
consistently, free text emptied; the copy is a valid dataset that grades and audits the same."""

from __future__ import annotations

import os
import stat
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from factories import small_dataset
from iectox.analysis import infusion_table
from iectox.cli.commands import app
from iectox.dataset import Dataset, time_known_column
from iectox.errors import OutputRefused, SourceError
from iectox.grading import grade_dataset
from iectox.io import read_dataset, write_dataset
from iectox.io.deidentify import KEPT_TEXT, DeidentifySettings, deidentify, free_text, identifier_namespace
from iectox.io.pseudonyms import create_key, date_shift_days, pseudonym, read_key
from iectox.management.audit import audit
from iectox.schema import CONTRACT, Kind
from iectox.synth import generate
from iectox.validate import validate_dataset

KEY = bytes.fromhex("5f" * 32)
OTHER_KEY = bytes.fromhex("a0" * 32)


@pytest.fixture(scope="module")
def cohort() -> Dataset:
    """400 synthetic infusions with doses, episodes and bedside observation series."""
    return generate(400, seed=7, observations=True)


@pytest.fixture(scope="module")
def shared(cohort):
    return deidentify(cohort, KEY)


def _patients_of(data: Dataset, table: str) -> pd.Series:
    frame = data[table]
    if "patient_id" in frame:
        return frame["patient_id"]
    return frame["infusion_id"].map(data["infusions"].set_index("infusion_id")["patient_id"])


def test_every_date_of_a_patient_moves_by_the_same_days_keeping_hours_and_day_only_times(cohort, shared):
    moves = []
    for table in CONTRACT.tables:
        for column in (c for c in table.columns if c.kind in (Kind.DATE, Kind.DATETIME)):
            before, after = cohort[table.name][column.name], shared.dataset[table.name][column.name]
            assert (before.isna() == after.isna()).all()
            moved = (after - before) / pd.Timedelta(days=1)
            moves.append(pd.DataFrame({"patient": _patients_of(cohort, table.name), "days": moved}).dropna())
            if column.kind is Kind.DATETIME:
                known = time_known_column(column.name)
                assert cohort[table.name][known].equals(shared.dataset[table.name][known])
                assert (before.dt.time == after.dt.time)[before.notna()].all()
    moved = pd.concat(moves)
    assert len(moved) > 10_000
    per_patient = moved.groupby("patient")["days"].agg(["min", "max"])
    assert (per_patient["min"] == per_patient["max"]).all()  # one shift per patient, in every table
    assert per_patient["min"].between(1, 365).all() and (per_patient["min"] % 1 == 0).all()
    assert per_patient["min"].nunique() > 200  # and patients apart from one another


def test_every_delay_of_the_analysis_table_is_the_same(cohort, shared):
    before, after = infusion_table(cohort), infusion_table(shared.dataset)
    differ = {"infusion_id", "patient_id", "infusion_date", "death_cause"}
    for column in before.columns:
        if column not in differ:
            pd.testing.assert_series_equal(before[column], after[column], check_names=True, obj=column)
    for delay in ("hours_crs_onset_to_tocilizumab", "days_crs_onset_to_tocilizumab", "follow_up_days"):
        assert before[delay].notna().sum() > 50  # the comparison above compared real delays
    assert (after["infusion_date"] > before["infusion_date"]).all()


def test_grades_and_the_audit_are_the_same(cohort, shared):
    columns = ["crs_grade", "crs_reason", "icans_grade", "icans_reason"]
    pd.testing.assert_frame_equal(grade_dataset(cohort)[columns], grade_dataset(shared.dataset)[columns])
    codes = {}
    for column in ("infusion_id", "episode_id", "administration_id"):
        for table in ("infusions", "toxicity_episodes", "administrations"):
            frame = cohort[table]
            if column in frame:
                codes.update(zip(frame[column], shared.dataset[table][column], strict=True))

    def findings(result, mapping):
        return Counter(
            (
                f.rule,
                f.severity,
                f.text,
                tuple(sorted(f.values.items())),
                *(mapping.get(x, x) for x in (f.infusion_id, f.episode_id, f.administration_id)),
            )
            for f in result.findings
        )

    original, copy = audit(cohort), audit(shared.dataset)
    assert len(original.findings) > 100
    assert findings(original, codes) == findings(copy, {})
    pd.testing.assert_frame_equal(original.kpis_by_cohort, copy.kpis_by_cohort)


def test_the_copy_is_valid_with_the_same_warnings_and_reads_back(cohort, shared, tmp_path):
    issues = validate_dataset(shared.dataset)
    assert [i for i in issues if i.severity == "error"] == []
    assert Counter(i.rule for i in issues) == Counter(i.rule for i in validate_dataset(cohort))
    path = write_dataset(shared.dataset, tmp_path / "shared")
    assert read_dataset(path).equals(shared.dataset)


def test_codes_are_unlinkable_without_the_key_and_stable_with_it(cohort, shared):
    ids = cohort["patients"]["patient_id"]
    codes = shared.dataset["patients"]["patient_id"]
    assert codes.str.fullmatch(r"P-[a-z]{14}").all() and codes.is_unique
    assert not set(ids) & set(codes)
    again = deidentify(cohort, KEY)
    assert again.dataset.equals(shared.dataset)  # same key, same copy: successive exports link
    other = deidentify(cohort, OTHER_KEY).dataset["patients"]["patient_id"]
    assert not set(other) & set(codes)  # another key shares no code
    assert pseudonym(KEY, "patients.patient_id", ids.iloc[0], "P") == codes.iloc[0]  # the key holder finds it
    assert {pseudonym(b"", "patients.patient_id", i, "P") for i in ids}.isdisjoint(codes)  # no unkeyed hash
    references = shared.dataset["infusions"]["patient_id"]
    assert references.isin(codes).all()  # a reference takes its target's code


def test_a_later_export_of_a_grown_registry_links_to_the_first():
    data = small_dataset()
    first = deidentify(
        Dataset.from_frames(
            {n: data[n].iloc[:2] if n in ("patients", "infusions") else data[n].iloc[:0] for n in data}
        ),
        KEY,
    )
    later = deidentify(data, KEY)
    assert list(first.dataset["patients"]["patient_id"]) == list(later.dataset["patients"]["patient_id"][:2])
    assert list(first.dataset["infusions"]["infusion_date"]) == list(
        later.dataset["infusions"]["infusion_date"][:2]
    )


def test_free_text_is_emptied_and_every_text_column_is_decided():
    data = small_dataset()
    result = deidentify(data, KEY)
    assert result.emptied == ("outcomes.death_cause",)
    assert result.dataset["outcomes"]["death_cause"].isna().all()
    assert list(result.dataset["infusions"]["trial_id"]) == list(data["infusions"]["trial_id"])
    assert list(result.dataset["patients"]["centre"]) == ["CHU-A", "CHU-A", "CHU-B"]
    centres = deidentify(data, KEY, DeidentifySettings(code_centres=True)).dataset["patients"]["centre"]
    assert centres[0] == centres[1] != centres[2] and centres.str.fullmatch(r"C-[a-z]{14}").all()
    for table in CONTRACT.tables:
        for column in table.columns:
            if column.kind is Kind.TEXT:
                name = f"{table.name}.{column.name}"
                decided = identifier_namespace(table, column) or name in KEPT_TEXT or free_text(table, column)
                assert decided, name


def test_birth_years_move_with_the_dates_and_an_impossible_one_is_left_blank():
    shift = date_shift_days(KEY, "P-X", 365)
    assert shift < 365
    crossing = pd.Timestamp("2024-01-01") - pd.Timedelta(days=shift)  # moves into 2024
    data = small_dataset()
    frames = {n: data[n].copy() for n in data}
    frames["patients"] = pd.concat(
        [
            frames["patients"],
            pd.DataFrame({"patient_id": ["P-X"], "sex": ["male"], "birth_year": [1960], "centre": ["CHU-A"]}),
        ],
        ignore_index=True,
    )
    both = (
        frames["infusions"]
        .iloc[[0, 0]]
        .assign(
            infusion_id=["INF-X1", "INF-X2"],
            patient_id="P-X",
            infusion_date=[crossing, pd.Timestamp("2023-01-01")],
            age_at_infusion=[62.0, 63.0],  # 2023 - 1960 - 62 = 1 and 2023 - 1960 - 63 = 0: each valid alone
        )
    )
    frames["infusions"] = pd.concat([frames["infusions"], both], ignore_index=True)
    data = Dataset.from_frames(frames)
    assert [i for i in validate_dataset(data) if i.severity == "error"] == []
    result = deidentify(data, KEY)
    years = result.dataset["patients"]["birth_year"]
    assert result.birth_years_blanked == 1 and pd.isna(years.iloc[3])
    assert [i for i in validate_dataset(result.dataset) if i.severity == "error"] == []
    kept = years.iloc[[0, 2]].tolist()
    born = data["patients"]["birth_year"].iloc[[0, 2]].tolist()
    assert all(b <= k <= b + 1 for b, k in zip(born, kept, strict=True))


def test_the_shift_is_within_the_setting():
    days = [date_shift_days(KEY, f"P-{n}", 30) for n in range(2000)]
    assert min(days) == 1 and max(days) == 30
    with pytest.raises(ValueError, match="max_shift_days"):
        DeidentifySettings(max_shift_days=0)


def test_key_files(tmp_path):
    path = create_key(tmp_path / "registry.key")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert len(read_key(path)) == 32
    with pytest.raises(OutputRefused, match="never replaced"):
        create_key(path)
    (tmp_path / "short.key").write_text("abcd\n", encoding="ascii")
    with pytest.raises(SourceError, match="64 hexadecimal characters"):
        read_key(tmp_path / "short.key")
    with pytest.raises(SourceError):
        read_key(tmp_path / "missing.key")


def run(*args: str):
    return CliRunner().invoke(app, ["deidentify", *args], terminal_width=200)


def test_cli_writes_a_valid_copy_and_keeps_the_key_apart(tmp_path):
    data = write_dataset(small_dataset(), tmp_path / "registry.xlsx")
    key = tmp_path / "keys" / "registry.key"
    result = run(
        str(data), "--key-file", str(key), "--create-key", "--out", str(tmp_path / "shared"), "--lang", "fr"
    )
    assert result.exit_code == 0, result.output
    assert "Texte libre vidé : outcomes.death_cause." in result.output
    copy = read_dataset(tmp_path / "shared")
    assert copy["patients"]["patient_id"].str.fullmatch(r"P-[a-z]{14}").all()
    again = run(str(data), "--key-file", str(key), "--out", str(tmp_path / "again.parquet"))
    assert again.exit_code == 0, again.output
    assert read_dataset(tmp_path / "again.parquet").equals(copy)
    inside = run(
        str(data),
        "--key-file",
        str(tmp_path / "out2" / "k.key"),
        "--create-key",
        "--out",
        str(tmp_path / "out2"),
    )
    assert inside.exit_code == 2 and "never be shared" in " ".join(inside.output.split())
    same = run(str(tmp_path / "shared"), "--key-file", str(key), "--out", str(tmp_path / "shared"))
    assert same.exit_code == 2 and "replace or hold the data" in " ".join(same.output.split())
    missing = run(str(data), "--key-file", str(tmp_path / "none.key"), "--out", str(tmp_path / "x"))
    assert missing.exit_code == 2 and "Traceback" not in missing.output
    assert not (tmp_path / "x").exists()


def test_the_shift_never_changes_a_time_of_day():
    result = deidentify(small_dataset(), KEY)
    before = small_dataset()["administrations"]["given_at"]
    after = result.dataset["administrations"]["given_at"]
    assert np.array_equal(before.dt.hour.fillna(-1), after.dt.hour.fillna(-1))
