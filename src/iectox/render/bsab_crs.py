"""The report's table of CRS per bispecific antibody dose (`iectox.study.bsab_crs`): per product, its step-up
doses and the treatment doses of cycle 1, the patients dosed, CRS after the dose (any grade, grade >= 2)
with %, the median hours from the dose to the CRS onset; its footnotes, the methods paragraph's sentence, and
the same numbers for report.json. Nothing when the study holds no bispecific course.

Decided once here, in the report's language; HTML, XLSX and DOCX lay the `Table` out as any other.
"""

from __future__ import annotations

from typing import Any

from iectox.i18n import N_, tr
from iectox.render.format import Formatter
from iectox.render.layout import Column, Line, Table, Value, pretty, table_caption
from iectox.schema.vocabularies import DOSE_STEP, DRUG, GRADING_SCALE
from iectox.stats.table import Cell
from iectox.study import StudyResult
from iectox.study.bsab_crs import CYCLE_1_TREATMENT, DoseCrs

TITLE = N_("CRS after each dose of a bispecific antibody")
CYCLE_1 = N_("Treatment doses, cycle 1")
AFTER_NOTE = N_(
    "A CRS follows a dose when its onset is at or after the dose and before the course's next dose (an onset "
    "recorded as a day alone counts from the end of that day). Patients: a patient counts once per line, "
    "with a CRS after any of their doses of that line; grade >= 2 on the {scale} scale (an episode graded "
    "on another scale is not counted there)."
)
HOURS_NOTE = N_(
    "Median hours from the dose to the CRS onset, over the patients whose onset hour was recorded (onsets "
    "timed); -: none was."
)
METHODS_SENTENCE = N_(
    "CRS after each dose of a bispecific antibody: an episode whose onset is at or after the dose and before "
    "the course's next dose; per product, step-up dose and the treatment doses of cycle 1, the patients "
    "dosed, those with a CRS after the dose (any grade; grade >= 2 on the {scale} scale) and the median "
    "hours from the dose to its onset."
)


def _scale(result: StudyResult, lang: str) -> str:
    code = result.bsab_crs.scale if result.bsab_crs is not None else ""
    known = code in GRADING_SCALE.codes
    return tr(GRADING_SCALE.term(code).label, lang) if known else code


def _count(n: int) -> Value:
    return Value((str(n),), "number", (float(n),), 0)


def _share(n: int, of: int, fmt: Formatter) -> Value:
    cell = Cell("n_pct", (float(n), 100 * n / of))
    return Value(fmt.cell_parts(cell), cell.kind, cell.values, fmt.digits)


def _dose_line(dose: DoseCrs, fmt: Formatter) -> Line:
    label = fmt.tr(CYCLE_1 if dose.dose == CYCLE_1_TREATMENT else DOSE_STEP.term(dose.dose).label)
    hours = (
        Value.of("-")
        if dose.median_hours is None
        else Value((fmt.number(dose.median_hours, 1),), "number", (dose.median_hours,), 1)
    )
    cells = (
        Value.of(label),
        _count(dose.dosed),
        _share(dose.crs, dose.dosed, fmt),
        _share(dose.crs_grade2, dose.dosed, fmt),
        hours,
        _count(dose.timed),
    )
    return Line("level", cells)


def bsab_crs_table(result: StudyResult, fmt: Formatter, number: int | None = None) -> Table | None:
    """The table in the report's language (numbered `number`), or None when the study holds no bispecific
    course."""
    by_dose = result.bsab_crs
    if by_dose is None:
        return None
    heads = (
        Column(fmt.tr("Product and dose"), "label"),
        Column(fmt.tr("Patients dosed"), "stat"),
        Column(fmt.tr("CRS, n (%)"), "stat"),
        Column(pretty(fmt.tr("CRS grade >= 2, n (%)")), "stat"),
        Column(fmt.tr("Hours to onset, median"), "stat"),
        Column(fmt.tr("Onsets timed"), "stat"),
    )
    lines: list[Line] = []
    for product in by_dose.products:
        name = fmt.tr(DRUG.term(product.product).label)
        lines.append(Line("variable", (Value.of(name), *(Value() for _ in heads[1:]))))
        lines += [_dose_line(dose, fmt) for dose in product.doses]
    title = fmt.tr(TITLE)
    caption = table_caption(title, number, fmt.lang)
    notes = (pretty(fmt.tr(AFTER_NOTE).format(scale=_scale(result, fmt.lang))), fmt.tr(HOURS_NOTE))
    return Table("bsab_crs", number, title, caption, heads, tuple(lines), notes)


def bsab_methods_sentence(result: StudyResult, lang: str) -> str:
    """The methods paragraph's sentence on CRS per bispecific dose; "" when the study holds no such course."""
    if result.bsab_crs is None:
        return ""
    return pretty(tr(METHODS_SENTENCE, lang).format(scale=_scale(result, lang)))


def bsab_crs_records(result: StudyResult) -> dict[str, Any] | None:
    """report.json's `bsab_crs`: every number of the table (shares as fractions of the patients dosed)."""
    by_dose = result.bsab_crs
    if by_dose is None:
        return None
    return {
        "grading_scale": by_dose.scale,
        "products": [
            {
                "product": product.product,
                "patients": product.patients,
                "doses": [
                    {
                        "dose": dose.dose,
                        "dosed": dose.dosed,
                        "crs": dose.crs,
                        "crs_share": dose.crs / dose.dosed,
                        "crs_grade2": dose.crs_grade2,
                        "crs_grade2_share": dose.crs_grade2 / dose.dosed,
                        "median_hours": dose.median_hours,
                        "onsets_timed": dose.timed,
                    }
                    for dose in product.doses
                ],
            }
            for product in by_dose.products
        ],
    }


__all__ = ["bsab_crs_records", "bsab_crs_table", "bsab_methods_sentence"]
