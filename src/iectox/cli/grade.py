"""`iectox grade PATH --out DIR`: ASTCT 2019 grades of every observation, episodes, and agreement with the record.

PATH is a dataset (an .xlsx workbook or a folder of CSV files) or a lone observations CSV file (the columns of
the observations table plus an optional `age_years`, blank = adult, and `developmental_delay`), read and
checked with the same cell parsing and rules as a dataset. DIR is published whole, as a report folder is: a
folder of iectox's own (it carries `.iectox-output`), never one holding the user's files.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from iectox.cli.console import console, literal, visible
from iectox.cli.language import LangOption, chosen_language, decimal_number, say
from iectox.cli.validate import DatesOption, print_issues, refuse, reject, settings_from_options
from iectox.dataset import Dataset
from iectox.errors import DatasetInvalid, Issue, OutputRefused, SourceError
from iectox.grading import (
    AGREES,
    DISAGREES,
    GradingSettings,
    agreement,
    episodes_from_grades,
    grade_observations,
    observations_with_age,
)
from iectox.i18n import N_, number
from iectox.io import read_dataset
from iectox.io.atomic import atomic_folder, check_output_folder
from iectox.io.csvdir import read_csv_table
from iectox.io.sheets import write_csv
from iectox.io.text import column_text
from iectox.schema import CONTRACT, Column, Kind, Schema, Table
from iectox.validate import Settings, check_raw
from iectox.validate.cells import parse_column
from iectox.validate.structure import check_headers

AGE = dataclasses.replace(  # the contract's age, range included, under the lone file's name
    CONTRACT.table("infusions").column("age_at_infusion"),
    name="age_years",
    description="Age (children below the CAPD age are graded by CAPD).",
    example=None,
)
DELAY = CONTRACT.table("patients").column("developmental_delay")  # the patient's, beside the age
GRADES = (
    Column("crs_grade", Kind.INTEGER, "ASTCT 2019 CRS grade."),
    Column("crs_reason", Kind.TEXT, "Why."),
    Column("icans_grade", Kind.INTEGER, "ASTCT 2019 ICANS grade."),
    Column("icans_reason", Kind.TEXT, "Why."),
)
EPISODE_TEXT = (
    Column("infusion_id", Kind.TEXT, ""),
    Column("syndrome", Kind.TEXT, ""),
    Column("onset_at", Kind.DATETIME, ""),
    Column("resolved_at", Kind.DATETIME, ""),
    Column("max_grade", Kind.INTEGER, ""),
    Column("recorded_max_grade", Kind.INTEGER, ""),
    Column("recorded_scale", Kind.TEXT, ""),
    Column("agrees", Kind.TEXT, ""),
)


def _lone_schema() -> tuple[Schema, Table]:
    """The contract with only an observations table required, its infusion_id referring to nothing (there is
    no infusions table to look in) and `age_years` and `developmental_delay` allowed."""
    observations = CONTRACT.table("observations")
    columns = [
        dataclasses.replace(c, references=None) if c.name == "infusion_id" else c
        for c in observations.columns
    ]
    lone = dataclasses.replace(observations, columns=(*columns, AGE, DELAY), required=True)
    tables = [
        lone if t.name == lone.name else dataclasses.replace(t, required=False) for t in CONTRACT.tables
    ]
    return Schema(tuple(tables)), lone


def read_observations_csv(path: Path, settings: Settings) -> tuple[pd.DataFrame | None, list[Issue]]:
    """A lone observations CSV, typed and checked like the observations table of a dataset."""
    raw = read_csv_table(path)
    schema, table = _lone_schema()
    dataset, issues = check_raw({"observations": raw}, settings, where=path.name, schema=schema)
    if dataset is None:
        return None, issues
    named, _ = check_headers(table, raw)
    named = named.dropna(how="all") if len(named.columns) else named
    age = (
        parse_column(named[AGE.name], AGE.kind, settings).values.to_numpy(
            dtype="float64", na_value=float("nan")
        )
        if AGE.name in named
        else float("nan")
    )
    delay = (
        parse_column(named[DELAY.name], DELAY.kind, settings).values.astype("boolean").array
        if DELAY.name in named
        else pd.NA
    )
    return dataset["observations"].assign(age_years=age, developmental_delay=delay), issues


def _write(frame: pd.DataFrame, columns: tuple[Column, ...], path: Path) -> None:
    text = pd.DataFrame({c.name: column_text(frame, c) for c in columns}, index=frame.index)
    write_csv(text, path, [c.name for c in columns if c.kind in (Kind.TEXT, Kind.CATEGORY)])


def _load(path: Path, settings: Settings, lang: str) -> tuple[pd.DataFrame, Dataset]:
    if path.is_file() and path.suffix.lower() == ".csv":
        observations, issues = read_observations_csv(path, settings)
        if observations is None:
            raise DatasetInvalid(issues)
        if issues:
            print_issues(issues, lang=lang)
        return observations, Dataset()
    dataset = read_dataset(path, settings)
    return observations_with_age(dataset), dataset


def grade(
    path: Annotated[
        Path, typer.Argument(help=say("A dataset (.xlsx or CSV folder) or a lone observations .csv."))
    ],
    out: Annotated[
        Path, typer.Option("--out", help=say("Folder for graded_observations.csv and episodes.csv."))
    ],
    capd_age: Annotated[
        float, typer.Option(parser=decimal_number, help=say("Children younger than this are graded by CAPD."))
    ] = 12.0,
    capd_convention: Annotated[
        str,
        typer.Option(
            help=say(
                "CAPD 1-8: 'table' grades it 1 as Lee 2019's Table 8 does; 'consciousness' leaves it to the "
                "level of consciousness."
            )
        ),
    ] = "table",
    dates: DatesOption = "iso",
    lang: LangOption = None,
) -> None:
    lang = chosen_language(lang)
    settings = settings_from_options(dates, None, None)
    try:
        grading = GradingSettings(capd_age=capd_age, capd_convention=capd_convention)
    except ValueError as exc:
        raise typer.BadParameter(visible(exc)) from exc
    try:
        check_output_folder(out)  # a folder of the user's is refused before anything is read
        with console.status(literal(say("Reading and checking {path}...", lang, path=path))) as status:
            observations, dataset = _load(path, settings, lang)
            status.update(say("Grading {n} observations...", lang, n=f"{len(observations):,}"))
            graded = grade_observations(observations, grading, lang, dataset["administrations"])
            status.update(say("Building episodes and comparing with the record...", lang))
            table = agreement(dataset, episodes_from_grades(graded))
            status.update(literal(say("Writing {path}...", lang, path=out)))
            columns = (*CONTRACT.table("observations").columns, AGE, *GRADES)
            with atomic_folder(out) as folder:  # both files, whole, in a folder of iectox's own
                _write(graded, columns, folder / "graded_observations.csv")
                _write(table, EPISODE_TEXT, folder / "episodes.csv")
    except (SourceError, OutputRefused) as exc:
        raise refuse(exc, lang) from exc
    except DatasetInvalid as exc:
        raise reject(exc, N_("{path}: {n} error(s); nothing was graded."), lang, path=path) from exc
    _summary(graded, table, out, lang)


def _summary(graded: pd.DataFrame, table: pd.DataFrame, out: Path, lang: str) -> None:
    computed = table.drop_duplicates(["infusion_id", "syndrome"])
    episodes = computed[(computed["max_grade"] >= 1).fillna(False)]
    by_syndrome = ", ".join(f"{n} {s}" for s, n in episodes["syndrome"].value_counts().sort_index().items())
    compared = table["agrees"].isin([AGREES, DISAGREES]).sum()
    same = (table["agrees"] == AGREES).sum()
    agreement_text = (
        say(
            "agreement with recorded ASTCT 2019 grades {same}/{compared} ({percent} %)",
            lang,
            same=same,
            compared=compared,
            percent=number(100 * same / compared, 1, lang),
        )
        if compared
        else say("no infusion has both a computed and a recorded ASTCT 2019 grade to compare", lang)
    )
    graded_text = say("{n} observation rows graded", lang, n=f"{len(graded):,}")
    episodes_text = say("{n} episodes", lang, n=len(episodes)) + (f" ({by_syndrome})" if by_syndrome else "")
    written = say("Written to {path}.", lang, path=literal(out))
    console.print(
        f"[green]{graded_text}[/]; {episodes_text}; {agreement_text}. {written}",
        soft_wrap=True,
        highlight=False,
    )
