"""Writing crosswalks: per form its answers as CSV and XLSX (with the fields' provenance), and the reconciliation
of every form as CSV, XLSX and a short Markdown summary, in one folder published whole.

Every file goes through `iectox.io.sheets` (no text from the data becomes a live formula) into the new folder
of `iectox.io.atomic.atomic_folder`, after the dataset passed validation: an invalid dataset writes nothing.
Reasons and the summary are in the language asked for; column names and the `kind` codes stay English ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from iectox.crosswalk import KINDS, NOTE_COLUMNS, UNCONFIRMED, Crosswalk, Form, crosswalk
from iectox.crosswalk.facts import computed
from iectox.dataset import Dataset
from iectox.errors import SpecError
from iectox.i18n import N_, tr
from iectox.io.atomic import atomic_folder
from iectox.io.sheets import Rows, save_workbook, write_csv
from iectox.validate import ensure_valid

RECONCILIATION = "reconciliation"
FIELD_COLUMNS = (
    "field",
    "question",
    "label",
    "syndrome",
    "rule",
    "source",
    "codes",
    "scales",
    "drugs",
    "note",
)
KIND_LABELS = {
    "grade_disagrees": N_("recorded grade disagrees with the grade computed from the observations"),
    "grade_missing": N_("grade missing"),
    "date_missing": N_("date the form needs is missing"),
    "information_lost": N_("information the form's coding loses"),
}


def _blank(frame: pd.DataFrame) -> pd.DataFrame:
    """Blanks as None, so that a workbook cell stays empty and a CSV cell blank."""
    return frame.astype(object).where(frame.notna(), None)


def fields_frame(form: Form) -> pd.DataFrame:
    """The form's fields and where each answer comes from: the crosswalk file, as a table."""
    return pd.DataFrame(
        [
            (
                f.id,
                f.question,
                f.label,
                f.syndrome,
                f.rule,
                f.source,
                "; ".join(f"{k} = {v}" for k, v in f.codes.items()),
                ", ".join(f.scales),
                ", ".join(f.drugs),
                f.note,
            )
            for f in form.fields
        ],
        columns=list(FIELD_COLUMNS),
    )


def notes_frame(results: Sequence[Crosswalk], lang: str) -> pd.DataFrame:
    """Every form's notes in one table, each reason in `lang`."""
    frames = [r.notes for r in results if not r.notes.empty]
    if not frames:
        return pd.DataFrame(columns=list(NOTE_COLUMNS))
    notes = pd.concat(frames, ignore_index=True)
    notes["reason"] = [reason.text(lang) for reason in notes["reason"]]
    notes["question"] = notes["question"].replace(UNCONFIRMED, tr(UNCONFIRMED, lang))
    return notes


def _sheet(book: Workbook, title: str, frame: pd.DataFrame) -> None:
    sheet = book.create_sheet(title)
    sheet.append(list(frame.columns))
    for row in _blank(frame).itertuples(index=False):
        sheet.append(list(row))


def _long_sheet(book: Workbook, title: str, frame: pd.DataFrame, rows: dict[str, Rows]) -> None:
    """The first sheet: its header in `book`, its rows (one per infusion, or per note) written from the frame
    by `save_workbook` directly, as the report's analysis sheet is (openpyxl takes a second per 30,000 cells)."""
    sheet = book.active
    sheet.title = title
    sheet.append(list(frame.columns))
    rows[title] = Rows(_blank(frame))


def _form_workbook(result: Crosswalk, path: Path) -> None:
    book, rows = Workbook(), {}
    _long_sheet(book, "answers", result.answers, rows)
    _sheet(book, "fields", fields_frame(result.form))
    form = result.form
    about = pd.DataFrame(
        [
            ("form", form.name),
            ("registry", form.registry),
            ("version", form.version),
            ("source", form.source),
            ("consulted", form.consulted),
            ("note", form.note),
            ("crosswalk file", Path(form.file).name),
        ],
        columns=["key", "value"],
    )
    _sheet(book, "form", about)
    save_workbook(book, path, rows)


def _header(lang: str) -> list[str]:
    """The summary table's header: field, question, then one column per kind of note."""
    words = [tr("Field", lang), tr("Question", lang), *(tr(KIND_LABELS[k], lang) for k in KINDS)]
    return ["| " + " | ".join(words) + " |", "|" + " --- |" * len(words)]


def _form_section(form: Form, notes: pd.DataFrame, lang: str) -> list[str]:
    unconfirmed = tr(UNCONFIRMED, lang)
    version = unconfirmed if form.version == UNCONFIRMED else form.version
    count = sum(f.question == UNCONFIRMED for f in form.fields)
    lines = [
        "",
        "## " + form.name,
        "",
        "- " + tr("Version: {version}", lang).format(version=version),
        "- "
        + tr("Source: {source}", lang).format(
            source=unconfirmed if form.source == UNCONFIRMED else form.source
        ),
        "- " + tr("Consulted: {date}", lang).format(date=form.consulted),
        "- "
        + tr("{n} of {total} question numbers are unconfirmed (docs/crosswalks.md).", lang).format(
            n=count, total=len(form.fields)
        ),
        "",
        *_header(lang),
    ]
    mine = notes[notes["form"] == form.id]
    counts = mine.groupby(["field", "kind"]).size()
    for field in form.fields:
        cells = [str(int(counts.get((field.id, k), 0))) for k in KINDS]
        if any(c != "0" for c in cells):
            question = unconfirmed if field.question == UNCONFIRMED else field.question
            lines.append(f"| `{field.id}` | {question} | " + " | ".join(cells) + " |")
    totals = [str(int((mine["kind"] == k).sum())) for k in KINDS]
    lines.append("| **" + tr("Total", lang) + "** | | " + " | ".join(totals) + " |")
    return lines


def summary_markdown(results: Sequence[Crosswalk], notes: pd.DataFrame, infusions: int, lang: str) -> str:
    """A short page: per form, its version and source, and how many notes of each kind, field by field."""
    title = tr("Registry crosswalk: reconciliation", lang)
    intro = tr(
        "{n} infusion(s); every row of reconciliation.csv names its patient, infusion and field.", lang
    )
    lines = ["# " + title, "", intro.format(n=infusions)]
    for result in results:
        lines += _form_section(result.form, notes, lang)
    return "\n".join(lines) + "\n"


def write_crosswalks(
    dataset: Dataset, forms: Sequence[Form], folder: str | Path, lang: str = "en"
) -> list[Crosswalk]:
    """Check the dataset, fill every form, and write `<form>.csv`, `<form>.xlsx`, `reconciliation.csv`,
    `reconciliation.xlsx` and `reconciliation.md` into `folder`, whole or not at all; the forms filled are
    returned."""
    ids = [form.id for form in forms]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise SpecError(
            f"--registry: the form '{twice[0]}' is asked twice; each form is written once",
            key="registry",
            value=twice[0],
            allowed=tuple(dict.fromkeys(ids)),
        )
    ensure_valid(dataset)
    grades = computed(dataset)
    results = [crosswalk(dataset, form, grades) for form in forms]
    notes = notes_frame(results, lang)
    with atomic_folder(Path(folder)) as tmp:
        for result in results:
            write_csv(_blank(result.answers), tmp / f"{result.form.id}.csv")
            _form_workbook(result, tmp / f"{result.form.id}.xlsx")
        write_csv(_blank(notes), tmp / f"{RECONCILIATION}.csv")
        book, rows = Workbook(), {}
        _long_sheet(book, RECONCILIATION, notes, rows)
        save_workbook(book, tmp / f"{RECONCILIATION}.xlsx", rows)
        summary = summary_markdown(results, notes, len(dataset["infusions"]), lang)
        (tmp / f"{RECONCILIATION}.md").write_text(summary, encoding="utf-8")
    return results
