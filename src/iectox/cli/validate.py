"""`iectox validate PATH`: every problem of a workbook or CSV folder, where it is, and why."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from iectox.cli.console import console, err_console, literal, visible
from iectox.cli.files import check_file_output, write_json
from iectox.cli.language import HELP_LANG, LangOption, chosen_language, say
from iectox.errors import DatasetInvalid, IectoxError, Issue, OutputRefused, SourceError, SpecError
from iectox.i18n import N_
from iectox.io import check_path
from iectox.validate import Settings

DatesOption = Annotated[
    str,
    typer.Option(
        "--dates",
        help=say("How dates with slashes are written: iso (only YYYY-MM-DD), dmy (31/12/2024) or mdy."),
    ),
]
StartOption = Annotated[str | None, typer.Option(help=say("First day of the study period (YYYY-MM-DD)."))]
EndOption = Annotated[str | None, typer.Option(help=say("Last day of the study period (YYYY-MM-DD)."))]


def settings_from_options(dates: str, study_start: str | None, study_end: str | None) -> Settings:
    try:
        return Settings(
            date_order=dates,  # type: ignore[arg-type]
            study_start=date.fromisoformat(study_start) if study_start else None,
            study_end=date.fromisoformat(study_end) if study_end else None,
        )
    except ValueError as exc:
        raise typer.BadParameter(visible(exc)) from exc


def print_issues(issues: list[Issue], limit: int = 200, lang: str = HELP_LANG) -> None:
    """One line per problem, in the user's terms and language: where, what, and the rule's id in brackets."""
    for issue in issues[:limit]:
        severity = say("error", lang) if issue.severity == "error" else say("warning", lang)
        mark = f"[red]{severity}[/]  " if issue.severity == "error" else f"[yellow]{severity}[/]"
        where, text, rule = literal(issue.where(lang)), literal(issue.text(lang)), literal(issue.rule)
        console.print(
            f"{mark} [bold]{where}[/]: {text} [dim]\\[{rule}][/]",
            highlight=False,
            soft_wrap=True,
        )
    if len(issues) > limit:
        console.print(say("... and {n} more (all of them are in --errors-json)", lang, n=len(issues) - limit))


def refuse(exc: IectoxError, lang: str = HELP_LANG) -> typer.Exit:
    """A file that cannot be used as given (unreadable, a settings file that is wrong, an output place that
    is the user's): exit status 2."""
    err_console.print(f"[red]{say('error', lang)}:[/] {literal(exc.text(lang))}", soft_wrap=True)
    return typer.Exit(2)


def reject(exc: DatasetInvalid, nothing_written: str, lang: str = HELP_LANG, **values: object) -> typer.Exit:
    """An invalid dataset: every issue, then `nothing_written` ("{path}: {n} error(s); no audit was
    written.") with the count of errors; exit status 1."""
    print_issues(exc.issues, lang=lang)
    errors = sum(i.severity == "error" for i in exc.issues)
    console.print(f"[red]{literal(say(nothing_written, lang, n=errors, **values))}[/]", soft_wrap=True)
    return typer.Exit(1)


NOTHING_WRITTEN = N_("{path}: {n} error(s); nothing was written.")


def reject_import(exc: DatasetInvalid, errors_json: Path | None, lang: str, path: object) -> typer.Exit:
    """An import that found errors (`import-mapped`, `import-redcap`): every problem also written to
    `errors_json` when asked (a place that cannot take it: `refuse`, status 2), then `reject` with "nothing
    was written" (status 1). One place, so that the imports say it alike."""
    if errors_json is not None:
        try:
            write_json(errors_json, [i.as_dict() for i in exc.issues])
        except OutputRefused as refused:
            return refuse(refused, lang)
    return reject(exc, NOTHING_WRITTEN, lang, path=path)


@contextmanager
def writing_from(data: Path, lang: str) -> Iterator[None]:
    """Around a command that reads the dataset `data` and writes what it makes of it (an export, a copy): a
    file it cannot use, a settings file that is wrong or a place it may not write exits with status 2
    (`refuse`); an invalid dataset with status 1, every issue listed and "nothing was written" (`reject`)."""
    try:
        yield
    except (SourceError, SpecError, OutputRefused) as exc:
        raise refuse(exc, lang) from exc
    except DatasetInvalid as exc:
        raise reject(exc, NOTHING_WRITTEN, lang, path=data) from exc


def validate(
    path: Annotated[Path, typer.Argument(help=say("An .xlsx workbook or a folder of CSV files."))],
    errors_json: Annotated[
        Path | None, typer.Option(help=say("Also write every problem to this JSON file."))
    ] = None,
    dates: DatesOption = "iso",
    study_start: StartOption = None,
    study_end: EndOption = None,
    lang: LangOption = None,
) -> None:
    lang = chosen_language(lang)
    settings = settings_from_options(dates, study_start, study_end)
    try:
        check_file_output(errors_json)
        with console.status(literal(say("Reading and checking {path}...", lang, path=path))):
            dataset, issues = check_path(path, settings)
        if errors_json is not None:
            write_json(errors_json, [i.as_dict() | {"text": i.text(lang)} for i in issues])
    except (SourceError, OutputRefused) as exc:
        raise refuse(exc, lang) from exc
    errors = [i for i in issues if i.severity == "error"]
    if issues:
        print_issues(issues, lang=lang)
    if dataset is None:
        failed = say("{path}: {n} error(s); nothing was loaded.", lang, path=path, n=len(errors))
        console.print(f"[red]{literal(failed)}[/]", soft_wrap=True)
        raise typer.Exit(1)
    counts = ", ".join(f"{n} {name}" for name, n in dataset.counts().items())
    valid = say("{path}: valid", lang, path=path)
    warnings = say("({counts}; {n} warning(s))", lang, counts=counts, n=len(issues))
    console.print(f"[green]{literal(valid)}[/] {literal(warnings)}", soft_wrap=True)
