"""report.json: the report as data, for scripts and for checking one report against another.

Numbers are numbers here (not the formatted text of the tables): every variable's p-value, test, counts
and summaries come straight from `Comparison.records()`.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from iectox import __version__
from iectox.io.atomic import atomic_file
from iectox.render.adjusted_records import adjusted_records
from iectox.render.adverse_events import adverse_event_records
from iectox.render.bsab_crs import bsab_crs_records
from iectox.render.bsab_schedule import bsab_schedule_records
from iectox.render.management import management_records
from iectox.render.report import Report
from iectox.render.time_to_event import time_to_event_records

FORMAT = "iectox-report/1"


def _plain(value: object) -> Any:
    """What `json` cannot write by itself: numpy scalars and arrays, paths, dates."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def report_records(report: Report) -> dict[str, Any]:
    result, document, lang = report.result, report.document, report.formatter.lang
    spec = result.spec
    return {
        "format": FORMAT,
        "iectox": __version__,
        "study": {
            "title": spec.title,
            "period": [d.isoformat() for d in spec.period] if spec.period else None,
            "language": lang,
            "by": spec.by,
            "test_policy": spec.policy.describe(),
        },
        "groups": [{"key": c.key, "label": c.label, "n": c.n} for c in document.cohorts],
        "tables": [
            {
                "id": table.id,
                "title": table.title,
                "strata": table.strata,
                "caption": shown.caption,
                "footnotes": list(shown.footnotes),
                "footnote_ids": [note.id for note in comparison.footnotes()],
                "variables": comparison.records(),
            }
            for (table, comparison), shown in zip(
                result.tables, document.tables[: len(result.tables)], strict=True
            )
        ],
        **(
            {}  # only a study whose spec asks for the adverse-event table has one
            if result.adverse_events is None
            else {"adverse_events": adverse_event_records(result.adverse_events, report.formatter)}
        ),
        **(
            {}  # only a study that names published values has checks to show
            if not result.checks
            else {
                "checks": {
                    "summary": document.check_summary,
                    "items": [
                        {**asdict(check), "agrees": None if check.agrees is None else bool(check.agrees)}
                        for check in result.checks
                    ],
                }
            }
        ),
        "management": management_records(result, document.management, lang),
        "time_to_event": time_to_event_records(result),
        **({} if result.bsab_crs is None else {"bsab_crs": bsab_crs_records(result)}),
        **({} if (schedules := bsab_schedule_records(result)) is None else {"bsab_schedules": schedules}),
        **({} if result.adjusted is None else {"adjusted": adjusted_records(result, document.adjusted)}),
        "methods": document.methods.text,
        "files": [p.relative_to(report.folder).as_posix() for p in report.files],
    }


def write_report_json(report: Report, path: Path) -> Path:
    records = report_records(report)
    with atomic_file(path) as tmp:
        tmp.write_text(
            json.dumps(records, indent=2, ensure_ascii=False, default=_plain) + "\n", encoding="utf-8"
        )
    return path
