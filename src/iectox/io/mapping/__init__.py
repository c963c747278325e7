"""Importing an external table through a column mapping file (TOML): data are described, never coded.

A mapping turns each row of one source file (CSV, or a sheet of a workbook) into rows of contract tables::

    format = "iectox-mapping/1"          # optional; guards against future format changes

    [source]
    file = "export.csv"                  # relative to the mapping file, in its folder (or below it)
    delimiter = ","                      # CSV only; default ","
    encoding = "cp1252"                  # CSV only; default "utf-8-sig"
    missing = ["N/A", "NA"]              # cells meaning "not known" (blank cells always do); any case
    date_order = "dmy"                   # optional: how slash dates are written (see validate settings)
    sheet = "Sheet1"                     # workbooks only; default: the first sheet

    [[records]]                          # one entry per kind of row to produce
    table = "infusions"                  # a contract table
    name = "infusion"                    # optional label used in messages
    when = "Max Grade CRS_Lee >= 0"      # optional; or a list of such tests, all of which must hold
    distinct = false                     # optional; true drops repeated identical rows (long sources)
    [records.columns]                    # contract column = constant or template
    infusion_id = "{Protocol ID}"
    setting = "clinical_trial"
    crs_status = "{Max Grade CRS_Lee}"
    [records.values]                     # optional value maps, applied to a column's produced text
    crs_status = { "0" = "no", "1" = "yes", "2" = "yes" }

Rules. The source file must lie in the mapping's folder or below it (no absolute path, no `..`, no
symbolic link leading out), unless the caller allows otherwise (`import-mapped --allow-outside`); `delimiter`
and `encoding` are for CSV sources, `sheet` for workbooks. `when` is `<source column> <op> <value>` with op
one of == != > >= < <=; the column may be written in braces (needed if its name holds an operator), the value
may be quoted. A row whose tested cell is missing never matches. Ordering ops compare numbers; == and !=
compare numbers when both sides are numbers, text otherwise. A template's `{Source Column}` placeholders are
replaced by the row's cells (`{{` and `}}` give literal braces); if any placeholder's cell is missing, the
produced value is blank. A value map replaces whole values ("" means blank); values it does not list pass
through unchanged, so that validation reports them, and a blank stays blank. Every required column of the
table must be mapped in each entry; tables no entry produces are empty.

The produced text tables are then validated like any other file (`iectox.validate.load_raw`); problems are
reported at the source row that produced them, prefixed with the mapping entry.
"""

from __future__ import annotations

from pathlib import Path

from iectox.dataset import Dataset
from iectox.errors import DatasetInvalid
from iectox.io.mapping.apply import locate_issues, map_source, matches, raw_tables, render
from iectox.io.mapping.expressions import Condition
from iectox.io.mapping.source import read_source
from iectox.io.mapping.spec import load_mapping, parse_mapping
from iectox.validate import Settings, load_raw

__all__ = ["Condition", "import_mapped", "load_mapping", "matches", "parse_mapping", "read_source", "render"]


def import_mapped(
    mapping_path: str | Path, settings: Settings | None = None, allow_outside: bool = False
) -> Dataset:
    """The dataset described by a mapping file, validated; `DatasetInvalid` locates problems in the source.
    The source must be in the mapping's folder unless `allow_outside`."""
    spec = load_mapping(mapping_path, allow_outside=allow_outside)
    mapped = map_source(spec, read_source(spec))
    if settings is None:
        settings = Settings(date_order=spec.date_order) if spec.date_order else Settings()
    try:
        return load_raw(raw_tables(spec, mapped), settings, where=str(spec.path))
    except DatasetInvalid as exc:
        raise DatasetInvalid(locate_issues(exc.issues, spec, mapped)) from None
