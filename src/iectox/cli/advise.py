"""`iectox advise`: what the pathway says next for one patient, from grades typed in, a lone observations file,
or one infusion of a dataset.

    iectox advise --crs-grade 2 --weight-kg 70
    iectox advise bedside.csv --weight-kg 70 --doses doses.csv --pathway our_pathway.toml --lang fr
    iectox advise registry.xlsx --infusion-id INF-0003 --at "2024-01-10 14:00"

A lone observations file is read and checked as `iectox grade` reads it; a doses file is a CSV with the
administrations table's `drug`, `given_at` and (optionally) `dose_mg` columns, read with the same rules.
From a dataset, the infusion's weight, product and doses are taken from its tables.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from iectox.cli.console import console, literal, visible
from iectox.cli.files import check_file_output, write_json
from iectox.cli.grade import read_observations_csv
from iectox.cli.language import HELP_LANG, LangOption, chosen_language, decimal_number, say
from iectox.cli.validate import DatesOption, print_issues, refuse, reject, settings_from_options
from iectox.errors import DatasetInvalid, OutputRefused, SourceError, SpecError
from iectox.grading import observations_with_age
from iectox.i18n import N_
from iectox.io import read_dataset
from iectox.io.csvdir import read_csv_table
from iectox.management.advice import BedsideAdvice, advise
from iectox.management.bedside import Bedside, GivenDose, Syndrome, Untimed, bedside_at, given_doses
from iectox.management.pathway import default_pathway, load_pathway
from iectox.render.advice import headline, reason_sources, reason_text, state_line
from iectox.schema import CONTRACT, THERAPY, Schema
from iectox.validate import Settings, check_raw

DOSE_COLUMNS = ("drug", "given_at", "dose_mg")


def _doses_schema() -> Schema:
    """The contract with only an administrations table, whose `given_at` is required and whose ids and reason
    may be left out (a bedside list of doses names none of them)."""
    optional = {"administration_id", "infusion_id", "reason"}
    table = CONTRACT.table("administrations")
    columns = [
        dataclasses.replace(c, required=False, references=None, unique=False)
        if c.name in optional
        else dataclasses.replace(c, required=True)
        if c.name == "given_at"
        else c
        for c in table.columns
    ]
    tables = [
        dataclasses.replace(table, columns=tuple(columns), required=True)
        if t.name == table.name
        else dataclasses.replace(t, required=False)
        for t in CONTRACT.tables
    ]
    return Schema(tuple(tables))


def read_doses_csv(path: Path, settings: Settings) -> list[GivenDose]:
    """The doses of a CSV file (drug, given_at, dose_mg), typed and checked like the administrations table."""
    dataset, issues = check_raw(
        {"administrations": read_csv_table(path)}, settings, path.name, schema=_doses_schema()
    )
    if dataset is None:
        raise DatasetInvalid(issues)
    if issues:
        print_issues(issues)
    return given_doses(dataset["administrations"])


def _time(text: str | None, option: str, lang: str) -> datetime | None:
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text.strip().replace("T", " "))
    except ValueError:
        message = say("'{text}' is not a date and time (e.g. 2024-01-10 14:30)", lang, text=visible(text))
        raise typer.BadParameter(message, param_hint=option) from None


def _grade(value: int | None, option: str, lang: str) -> int | None:
    if value is not None and not 0 <= value <= 4:
        message = say("{grade} is not a bedside ASTCT grade (0 to 4)", lang, grade=value)
        raise typer.BadParameter(message, param_hint=option)
    return value


def _weight(value: float | None, lang: str) -> float | None:
    column = CONTRACT.table("infusions").column("weight_kg")
    low, high = column.minimum, column.maximum
    if value is not None and low is not None and high is not None and not low <= value <= high:
        message = say(
            "{weight} kg is outside the plausible range {low}-{high} kg",
            lang,
            weight=value,
            low=low,
            high=high,
        )
        raise typer.BadParameter(message, param_hint="--weight-kg")
    return value


def _therapy(value: str | None, lang: str) -> str | None:
    if value is None:
        return None
    code = THERAPY.normalise(value)
    if code is None:
        message = say("'{value}' is not a product iectox knows", lang, value=visible(value))
        raise typer.BadParameter(message, param_hint="--therapy")
    return code


def _one_infusion(
    observations: pd.DataFrame, infusion_id: str | None, known: pd.Series, lang: str
) -> pd.DataFrame:
    """The observations of the infusion asked for; several infusions without --infusion-id are refused."""
    ids = known.dropna().astype(str).unique()
    if infusion_id is None and len(ids) <= 1:
        return observations
    if infusion_id is None or infusion_id not in ids:
        shown = ", ".join(ids[:5])
        message = say("give one infusion with --infusion-id (e.g. {known})", lang, known=shown)
        raise typer.BadParameter(visible(message), param_hint="--infusion-id")
    return observations[observations["infusion_id"] == infusion_id]


def _from_dataset(
    path: Path, infusion_id: str | None, settings: Settings, lang: str
) -> tuple[pd.DataFrame, list[GivenDose], float | None, str]:
    """One infusion of a dataset: its observations, timed doses, weight and product."""
    dataset = read_dataset(path, settings)
    infusions = dataset["infusions"]
    observations = _one_infusion(
        observations_with_age(dataset), infusion_id, infusions["infusion_id"], HELP_LANG
    )
    chosen = infusion_id or str(infusions["infusion_id"].iloc[0])
    infusion = infusions[infusions["infusion_id"] == chosen].iloc[0]
    administrations = dataset["administrations"]
    doses = given_doses(administrations[administrations["infusion_id"] == chosen])
    weight = None if pd.isna(infusion["weight_kg"]) else float(infusion["weight_kg"])
    return observations, doses, weight, str(infusion["therapy"])


def _observed(
    observations: pd.DataFrame,
    doses: list[GivenDose],
    at: datetime | None,
    weight: float | None,
    therapy: str | None,
    lang: str,
) -> Bedside:
    """The bedside at `at` (default: the latest observation or dose); doses after `at` are not yet given; the
    grades' reasons in `lang`."""
    try:
        return bedside_at(observations, doses, at=at, weight_kg=weight, therapy=therapy, lang=lang)
    except Untimed:
        raise typer.BadParameter(
            say("no observation has a time; give --at", HELP_LANG), param_hint="--at"
        ) from None


def _typed_in(
    grades: dict[str, int | None],
    clocks: dict[str, datetime | None],
    doses: list[GivenDose],
    at: datetime | None,
    weight: float | None,
    therapy: str | None,
    lang: str,
) -> Bedside:
    """The bedside of grades typed in, at `at` (default: now, or the latest dose when it is later)."""
    when = at or max([datetime.now().replace(second=0, microsecond=0), *(d.latest for d in doses)])
    late = [d for d in doses if d.given_at > when]
    if late:
        message = say(
            "a dose is given at {time}, after the time of the advice {at}",
            lang,
            time=late[0].given_at,
            at=when,
        )
        raise typer.BadParameter(message, param_hint="--at")
    crs, icans = grades["crs"], grades["icans"]
    crs_reached = {1: clocks["onset"]} if clocks["onset"] else {}
    if crs and clocks["crs"]:
        crs_reached[crs] = clocks["crs"]
    icans_reached = {icans: clocks["icans"]} if icans and clocks["icans"] else {}
    return Bedside(
        when,
        crs=Syndrome(crs, reached=crs_reached),
        icans=Syndrome(icans, reached=icans_reached),
        weight_kg=weight,
        therapy=therapy,
        doses=tuple(doses),
    )


def _print(result: BedsideAdvice, lang: str) -> None:
    bedside = result.bedside
    title = say(
        "At {time}, pathway: {pathway}",
        lang,
        time=bedside.at.strftime("%Y-%m-%d %H:%M"),
        pathway=say(result.pathway.name, lang),
    )
    console.print(f"[bold]{literal(title)}[/]", soft_wrap=True, highlight=False)
    for name, syndrome in (("CRS", bedside.crs), ("ICANS", bedside.icans)):
        console.print(literal(state_line(name, syndrome, lang)), soft_wrap=True, highlight=False)
    if not result.items:
        console.print(say("Nothing to give by the pathway at these grades.", lang), soft_wrap=True)
    for item in result.items:
        console.print(
            f"[bold green]- {literal(headline(item, bedside.at, lang))}[/]", soft_wrap=True, highlight=False
        )
        for why in item.reasons:
            console.print(f"    {literal(reason_text(why, lang))}", soft_wrap=True, highlight=False)
            for source in reason_sources(why, lang):
                console.print(f"      [dim]\\[{literal(source)}][/]", soft_wrap=True, highlight=False)


def advise_command(
    data: Annotated[
        Path | None,
        typer.Argument(
            help=say("A lone observations .csv, or a dataset (.xlsx, CSV folder) with --infusion-id.")
        ),
    ] = None,
    infusion_id: Annotated[
        str | None, typer.Option(help=say("The infusion of the dataset to advise on."))
    ] = None,
    crs_grade: Annotated[
        int | None, typer.Option(help=say("Current ASTCT CRS grade (without observations)."))
    ] = None,
    icans_grade: Annotated[
        int | None, typer.Option(help=say("Current ASTCT ICANS grade (without observations)."))
    ] = None,
    crs_onset: Annotated[str | None, typer.Option(help=say("When CRS began (YYYY-MM-DD HH:MM)."))] = None,
    crs_since: Annotated[
        str | None,
        typer.Option(help=say("When CRS was first seen at its current grade: the pathway's clock.")),
    ] = None,
    icans_since: Annotated[
        str | None,
        typer.Option(help=say("When ICANS was first seen at its current grade: the pathway's clock.")),
    ] = None,
    weight_kg: Annotated[
        float | None, typer.Option(parser=decimal_number, help=say("Body weight (kg), for the doses."))
    ] = None,
    therapy: Annotated[
        str | None, typer.Option(help=say("The product (brand or name), for high-risk products."))
    ] = None,
    doses: Annotated[
        Path | None, typer.Option(help=say("A CSV of the doses already given: drug, given_at, dose_mg."))
    ] = None,
    at: Annotated[
        str | None,
        typer.Option(help=say("Time of the advice (default: the latest observation or dose, else now).")),
    ] = None,
    pathway: Annotated[
        Path | None,
        typer.Option(help=say("The management pathway (TOML); default: iectox's default pathway.")),
    ] = None,
    json_path: Annotated[
        Path | None, typer.Option("--json", help=say("Also write the advice as JSON."))
    ] = None,
    dates: DatesOption = "iso",
    lang: LangOption = None,
) -> None:
    lang = chosen_language(lang)
    settings = settings_from_options(dates, None, None)
    when = _time(at, "--at", lang)
    grades = {
        "crs": _grade(crs_grade, "--crs-grade", lang),
        "icans": _grade(icans_grade, "--icans-grade", lang),
    }
    clocks = {"onset": _time(crs_onset, "--crs-onset", lang), "crs": _time(crs_since, "--crs-since", lang)}
    clocks["icans"] = _time(icans_since, "--icans-since", lang)
    if (crs_grade is not None or icans_grade is not None) == (data is not None):
        raise typer.BadParameter(
            say("give either the grades (--crs-grade, --icans-grade) or observations (DATA), not both", lang)
        )
    weight, product = _weight(weight_kg, lang), _therapy(therapy, lang)
    try:
        check_file_output(json_path)
        chosen = load_pathway(pathway) if pathway is not None else default_pathway()
        given = read_doses_csv(doses, settings) if doses is not None else []
        if data is None:
            bedside = _typed_in(grades, clocks, given, when, weight, product, lang)
        elif data.is_file() and data.suffix.lower() == ".csv":
            observations, issues = read_observations_csv(data, settings)
            if observations is None:
                raise DatasetInvalid(issues)
            observations = _one_infusion(observations, infusion_id, observations["infusion_id"], lang)
            bedside = _observed(observations, given, when, weight, product, lang)
        else:
            observations, recorded, recorded_weight, recorded_therapy = _from_dataset(
                data, infusion_id, settings, lang
            )
            chosen_weight = weight if weight is not None else recorded_weight
            bedside = _observed(
                observations, [*recorded, *given], when, chosen_weight, product or recorded_therapy, lang
            )
        result = advise(bedside, chosen)
        if json_path is not None:
            write_json(json_path, result.as_dict())
    except (SourceError, SpecError, OutputRefused) as exc:
        raise refuse(exc, lang) from exc
    except DatasetInvalid as exc:
        raise reject(exc, N_("{path}: {n} error(s); no advice was given."), lang, path=data or doses) from exc
    _print(result, lang)
