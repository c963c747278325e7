"""`iectox init DATASET --out study.toml`: a first study file drafted from the dataset it will run on.

In a terminal, and without `--yes`, it asks what the options did not say (the cohort column among those that
split the infusions into groups, which groups and in which order, the tables and their variables, the
language, the test preset), each question with the data's answer as its default. Otherwise it takes the
options, and the data's proposals for the rest. The file is checked by the study reader before it is written,
and an existing file is replaced only with `--force`.
"""

from __future__ import annotations

import difflib
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from iectox.analysis import BY_NAME, infusion_table
from iectox.cli.console import console, literal, visible
from iectox.cli.language import LangOption, chosen_language, say
from iectox.cli.validate import DatesOption, refuse, reject, settings_from_options
from iectox.errors import DatasetInvalid, OutputRefused, SourceError, SpecError
from iectox.i18n import LANGUAGES, N_
from iectox.io import read_dataset
from iectox.io.atomic import atomic_file
from iectox.stats.policy import PRESETS
from iectox.study import load_study
from iectox.study.draft import (
    MAIN_VARIABLES,
    Candidate,
    cohort_candidates,
    draft_study,
    variables_with_values,
)
from iectox.study.levels import check_levels
from iectox.study.writing import toml_document

TABLE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
VARIABLE_KINDS = ("categorical", "continuous", "ordinal", "boolean")
HEADER = N_(
    "Study file drafted by `iectox init` from {data}. Edit it freely: docs/study_file.md lists every key.\n"
    "Run it: iectox report {data} --study {file} --out report"
)


def interactive() -> bool:
    """Questions are asked only of a person at a terminal."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def _close(value: str, allowed: Sequence[str], lang: str) -> str:
    close = difflib.get_close_matches(value, list(allowed), n=1)
    return say("; did you mean '{name}'?", lang, name=close[0]) if close else ""


def _bad(option: str, message: str, lang: str, **values: object) -> typer.BadParameter:
    shown = {k: visible(v) for k, v in values.items()}
    return typer.BadParameter(say(message, lang, **shown), param_hint=option)


def _ask(question: str, default: str, parse: Callable[[str], object], lang: str) -> object:
    """Ask until the answer parses; a refused answer says why and asks again."""
    while True:
        answer = typer.prompt(question, default=default)
        try:
            return parse(answer)
        except typer.BadParameter as exc:
            console.print(f"[red]{literal(exc.message)}[/]", soft_wrap=True)


def _cohort(text: str, candidates: list[Candidate], lang: str) -> Candidate:
    chosen = text.strip()
    if chosen.isdigit() and 1 <= int(chosen) <= len(candidates):
        return candidates[int(chosen) - 1]
    for candidate in candidates:
        if candidate.name == chosen:
            return candidate
    names = [c.name for c in candidates]
    raise _bad(
        "--cohort-column",
        N_("'{column}' is not a column that splits these infusions into groups ({columns}){hint}"),
        lang,
        column=chosen,
        columns=", ".join(names),
        hint=_close(chosen, names, lang),
    )


def _levels(text: str, candidate: Candidate, lang: str) -> list[object]:
    known = {
        str(level).lower() if isinstance(level, bool) else str(level): level for level, _ in candidate.levels
    }
    chosen = [part.strip() for part in text.split(",") if part.strip()]
    for part in chosen:
        if part not in known:
            raise _bad(
                "--levels",
                N_("'{level}' is not a value of {column} in the data ({levels}){hint}"),
                lang,
                level=part,
                column=candidate.name,
                levels=", ".join(known),
                hint=_close(part, list(known), lang),
            )
    if len(set(chosen)) < 2:
        raise _bad("--levels", N_("give two groups or more, e.g. {levels}"), lang, levels=", ".join(known))
    return [known[part] for part in dict.fromkeys(chosen)]


def _table(text: str, lang: str, default_id: str = "main") -> tuple[str, list[str]]:
    """'demographics: age, sex' (or the variables alone, for the table `default_id`)."""
    table_id, _, listed = text.rpartition(":") if ":" in text else (default_id, "", text)
    table_id = table_id.strip()
    if not TABLE_ID.match(table_id):
        raise _bad("--table", N_("'{id}' is not a table id (letters, digits, _ and -)"), lang, id=table_id)
    names = [part.strip() for part in listed.split(",") if part.strip()]
    allowed = [n for n, c in BY_NAME.items() if c.kind in VARIABLE_KINDS]
    for name in names:
        if name not in allowed:
            raise _bad(
                "--table",
                N_("'{name}' is not a variable of the analysis table (see docs/analysis_columns.md){hint}"),
                lang,
                name=name,
                hint=_close(name, allowed, lang),
            )
    if not names:
        raise _bad(
            "--table", N_("table '{id}' names no variable: give id:variable,variable"), lang, id=table_id
        )
    return table_id, names


def _tables(
    options: list[str], frame: pd.DataFrame, by: str, ask: bool, lang: str
) -> list[tuple[str, list[str]]]:
    tables = [_table(option, lang) for option in options]
    if not tables:
        main = ", ".join(variables_with_values(frame, MAIN_VARIABLES, by))
        if not ask:
            return [_table(main, lang)]
        tables.append(_ask(say("Variables of the main table", lang), main, lambda t: _table(t, lang), lang))  # type: ignore[arg-type]
        while ask:
            more = typer.prompt(say("Another table as id: variables (Enter: no more)", lang), default="")
            if not more.strip():
                break
            try:
                tables.append(_table(more, lang, default_id=f"table{len(tables) + 1}"))
            except typer.BadParameter as exc:
                console.print(f"[red]{literal(exc.message)}[/]", soft_wrap=True)
    ids = [t for t, _ in tables]
    twice = sorted({t for t in ids if ids.count(t) > 1})
    if twice:
        raise _bad("--table", N_("table '{id}' is given twice"), lang, id=twice[0])
    return tables


def _choose_cohort(given: str | None, candidates: list[Candidate], ask: bool, lang: str) -> Candidate:
    if given is not None or not ask:
        return _cohort(given or candidates[0].name, candidates, lang)
    console.print(say("Columns that split the infusions into groups:", lang))
    for number, candidate in enumerate(candidates, 1):
        console.print(f"  {number}. {literal(candidate.describe(lang))}", soft_wrap=True, highlight=False)
    return _ask(say("Cohort column", lang), candidates[0].name, lambda t: _cohort(t, candidates, lang), lang)  # type: ignore[return-value]


def _choose_levels(given: str | None, candidate: Candidate, ask: bool, lang: str) -> list[object]:
    every = ", ".join(
        str(level).lower() if isinstance(level, bool) else str(level) for level, _ in candidate.levels
    )
    if given is not None or not ask:
        return _levels(given or every, candidate, lang)
    return _ask(say("Groups to compare, in order", lang), every, lambda t: _levels(t, candidate, lang), lang)  # type: ignore[return-value]


def _choose(
    given: str | None, allowed: Sequence[str], default: str, question: str, option: str, ask: bool, lang: str
) -> str:
    def parse(text: str) -> str:
        if text.strip() not in allowed:
            raise _bad(
                option,
                N_("'{value}' is not one of {allowed}{hint}"),
                lang,
                value=text,
                allowed=", ".join(allowed),
                hint=_close(text.strip(), allowed, lang),
            )
        return text.strip()

    if given is not None or not ask:
        return parse(given or default)
    return _ask(say(question, lang, allowed=", ".join(allowed)), default, parse, lang)  # type: ignore[return-value]


def init(
    data: Annotated[
        Path, typer.Argument(help=say("The dataset the study will run on (.xlsx or CSV folder)."))
    ],
    out: Annotated[Path, typer.Option("--out", help=say("The study file to write (TOML)."))] = Path(
        "study.toml"
    ),
    cohort_column: Annotated[
        str | None, typer.Option("--cohort-column", help=say("The column whose values are the cohorts."))
    ] = None,
    levels: Annotated[
        str | None, typer.Option("--levels", help=say("The cohorts to compare, in order, comma-separated."))
    ] = None,
    table: Annotated[
        list[str] | None,
        typer.Option("--table", help=say("A table as id:variable,variable (repeat for more tables).")),
    ] = None,
    preset: Annotated[
        str | None, typer.Option("--preset", help=say("Test policy: {presets}.", presets=", ".join(PRESETS)))
    ] = None,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help=say("Ask nothing: take the data's proposals."))
    ] = False,
    force: Annotated[bool, typer.Option("--force", help=say("Replace the study file if it exists."))] = False,
    lang: LangOption = None,
    dates: DatesOption = "iso",
) -> None:
    given_lang = lang
    lang = chosen_language(lang)
    ask = interactive() and not yes
    try:
        if out.is_dir() or (out.exists() and not force):
            raise OutputRefused(
                str(out),
                N_("it is a folder") if out.is_dir() else N_("it exists; use --force to replace it"),
            )
        with console.status(literal(say("Reading and checking {path}...", lang, path=data))):
            dataset = read_dataset(data, settings_from_options(dates, None, None))
            frame = infusion_table(dataset)
    except (SourceError, OutputRefused) as exc:
        raise refuse(exc, lang) from exc
    except DatasetInvalid as exc:
        raise reject(exc, N_("{path}: {n} error(s); no study file was written."), lang, path=data) from exc
    candidates = cohort_candidates(frame)
    if not candidates:
        raise refuse(
            SpecError(say("{path}: no column splits the infusions into two groups or more", lang, path=data)),
            lang,
        )
    cohort = _choose_cohort(cohort_column, candidates, ask, lang)
    order = _choose_levels(levels, cohort, ask, lang)
    tables = _tables(list(table or []), frame, cohort.name, ask, lang)
    study_lang = _choose(
        given_lang, LANGUAGES, lang, N_("Language of the report ({allowed})"), "--lang", ask, lang
    )
    chosen_preset = _choose(
        preset, list(PRESETS), "iectox", N_("Test policy ({allowed})"), "--preset", ask, lang
    )
    _write(
        out,
        data,
        draft_study(frame, cohort.name, order, tables, study_lang, chosen_preset),
        frame,
        lang,
        force,
    )
    written = say(
        "Study file written to {file}: cohorts by {column} ({groups}), {n} table(s).",
        lang,
        file=out,
        column=cohort.name,
        groups=", ".join(map(str, order)),
        n=len(tables),
    )
    console.print(f"[green]{literal(written)}[/]", soft_wrap=True)
    command = f"iectox report {data} --study {out} --out report"
    console.print(literal(say("Next: {command}", lang, command=command)), soft_wrap=True, highlight=False)


def _write(
    out: Path, data: Path, document: dict[str, object], frame: pd.DataFrame, lang: str, force: bool
) -> None:
    """The study file, written only once the study reader has read it back and its levels are in the data;
    an existing file is replaced only with `force` (checked first by `init`, and again as it is put in place)."""
    header = say(HEADER, lang, data=data.as_posix(), file=out.as_posix())
    try:
        with atomic_file(out, force=force) as tmp:
            tmp.write_text(toml_document(document, header=header), encoding="utf-8")
            check_levels(load_study(tmp), frame)
    except (SpecError, OutputRefused, OSError) as exc:
        refused = (
            exc
            if isinstance(exc, SpecError | OutputRefused)
            else OutputRefused(
                str(out), N_("it cannot be written ({cause})"), cause=exc.strerror or type(exc).__name__
            )
        )
        raise refuse(refused, lang) from exc
