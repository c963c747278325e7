"""A bounded generator of hostile inputs: the attack classes of issue 8, drawn reproducibly from one seed.

Each `Case` builds one input from a valid dataset (the hand-made one of `factories`) and says what iectox must
do with it; nothing here knows how iectox reads files. The property checked by `tests/test_fuzz.py` is the same
for every case: no traceback and no hang, and no silent change: the input is refused with a clear error, or it
loads with exactly the values the user wrote, every other difference being named by an issue at its cell.

Expectations:
- `LOADS`: the input is only laid out differently (line endings, BOM, `sep=` line, trailing separator): it must
  load, with the values of `expected` (cells that differ must carry an issue, e.g. a warning for a certain fix);
- `EXACT`: it loads with the values of `expected`, each differing cell named by an issue, or it is refused;
- `REFUSED`: it must be refused: a `SourceError`, or an error issue, at `row` of `table` when they are given;
- `SETTLED`: a settings file (study, mapping, pathway, summary table) with a value of the wrong type: it loads,
  or it is refused by an error of iectox's family naming what is wrong; never another exception.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import shutil
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pandas as pd

from factories import small_dataset
from iectox.dataset import Dataset
from iectox.io import write_dataset

SEED = 20261205
LOADS, EXACT, REFUSED, SETTLED = "loads", "exact", "refused", "settled"
FORMULAS = (
    "=A1+1",
    '=HYPERLINK("http://example.org","x")',
    "+33612345678",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
)
CONTROLS = ("\x01", "\x07", "\x1b[2J", "\x0b", "\x7f", "\x85")
INVISIBLE = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")
UNCERTAIN = ("?", "??", " ?")


@dataclass(frozen=True)
class Case:
    """One hostile input: how to build it under a folder, and what iectox must do with it."""

    family: str
    name: str
    build: Callable[[Path], Path]
    expect: str
    expected: Dataset | None = None
    table: str | None = None
    row: int | None = None
    column: str | None = None

    @property
    def id(self) -> str:
        return f"{self.family}:{self.name}"


@dataclass
class Valid:
    """The valid dataset, written once as CSV folder and as workbook, copied for each case."""

    dataset: Dataset
    folder: Path
    workbook: Path
    texts: dict[str, str] = field(default_factory=dict)

    @classmethod
    def write(cls, where: Path) -> Valid:
        dataset = small_dataset()
        folder, workbook = (
            write_dataset(dataset, where / "valid"),
            write_dataset(dataset, where / "valid.xlsx"),
        )
        texts = {p.stem: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.csv"))}
        return cls(dataset, folder, workbook, texts)


def _with_cell(dataset: Dataset, table: str, row: int, column: str, value: object) -> Dataset:
    """`dataset` with one cell changed; `row` as the user sees it (first data row = 2)."""
    frames = {name: frame.copy() for name, frame in dataset.tables.items()}
    frames[table][column] = frames[table][column].astype(object)
    frames[table].loc[row - 2, column] = value
    return Dataset.from_frames(frames)


# Text cells (ids, codes, free text) whose column takes any text, by table: (column, may hold a formula).
TEXT_CELLS = {
    "patients": ("centre",),
    "outcomes": ("death_cause",),
    "administrations": ("route",),
}
CODE_CELLS = {
    "patients": ("sex",),
    "infusions": ("setting", "indication"),
    "toxicity_episodes": ("syndrome", "outcome"),
    "administrations": ("drug", "reason"),
}


def _cell_text(valid: Valid, table: str, row: int, column: str) -> str:
    """The cell's text as written in the valid CSV file."""
    frame = pd.read_csv(io.StringIO(valid.texts[table]), dtype=str, keep_default_na=False)
    return frame.loc[row - 2, column]


def _csv_case(
    valid: Valid, name: str, table: str, edit: Callable[[str], str | bytes], expect: str, **fields: object
) -> Case:
    def build(where: Path) -> Path:
        folder = where / "csv"
        shutil.copytree(valid.folder, folder)
        changed = edit(valid.texts[table])
        target = folder / f"{table}.csv"
        if isinstance(changed, bytes):
            target.write_bytes(changed)
        else:
            target.write_text(changed, encoding="utf-8", newline="")
        return folder

    return Case("csv", name, build, expect, table=table, **fields)  # type: ignore[arg-type]


def _replace_cell(text: str, row: int, column: str, value: str, quote: bool = True) -> str:
    """The CSV text with one cell replaced, quoted as a CSV writer would when `quote`."""
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    frame.loc[row - 2, column] = value
    out = io.StringIO()
    frame.to_csv(out, index=False, quoting=0 if quote else 3, escapechar=None if quote else "\\")
    return out.getvalue()


def _line_edit(row: int, edit: Callable[[str], str]) -> Callable[[str], str]:
    """Edit the line of a CSV text that the user sees as `row` (header = 1)."""

    def apply(text: str) -> str:
        lines = text.split("\n")
        lines[row - 1] = edit(lines[row - 1])
        return "\n".join(lines)

    return apply


def _prepend(line: str) -> Callable[[str], str]:
    """An edit that puts `line` before the edited one."""
    return lambda s: line + "\n" + s


def _mixed_encodings(text: str) -> bytes:
    """Row 2 typed in UTF-8, row 3 in Windows-1252: a file pasted together from two machines."""
    text = _replace_cell(
        _replace_cell(text, 2, "centre", "CHU-Amiens-Picardie é"), 3, "centre", "CHU-Besançon"
    )
    lines = text.split("\n")
    return b"\n".join(line.encode("cp1252" if n == 2 else "utf-8") for n, line in enumerate(lines))


def csv_cases(valid: Valid, rng: random.Random) -> list[Case]:
    cases: list[Case] = []
    tables = list(valid.texts)
    # Layout only: the values must load unchanged.
    for table in tables:
        cases += [
            _csv_case(
                valid,
                f"crlf {table}",
                table,
                lambda t: t.replace("\n", "\r\n"),
                LOADS,
                expected=valid.dataset,
            ),
            _csv_case(valid, f"bom {table}", table, lambda t: "\ufeff" + t, LOADS, expected=valid.dataset),
            _csv_case(
                valid, f"sep line {table}", table, lambda t: "sep=,\n" + t, LOADS, expected=valid.dataset
            ),
            _csv_case(
                valid,
                f"semicolons {table}",
                table,
                lambda t: "\n".join(line.replace(",", ";") for line in t.split("\n")),
                LOADS,
                expected=valid.dataset,
            )
            if not any('"' in line for line in valid.texts[table].split("\n"))
            else None,
            _csv_case(
                valid,
                f"trailing separator {table}",
                table,
                lambda t: "\n".join(line + "," if line else line for line in t.split("\n")),
                LOADS,
                expected=valid.dataset,
            ),
        ]
    cases = [c for c in cases if c is not None]
    # Lines that cannot be split as their header says.
    for table in tables:
        rows = len(valid.dataset[table]) + 1
        row = rng.randint(2, rows)
        cases += [
            _csv_case(
                valid,
                f"extra field {table}:{row}",
                table,
                _line_edit(row, lambda s: s + ",5,5"),
                REFUSED,
                row=row,
            ),
            _csv_case(
                valid, f"unterminated quote {table}:{row}", table, _line_edit(row, lambda s: '"' + s), REFUSED
            ),
            _csv_case(
                valid,
                f"repeated header {table}:{row}",
                table,
                _line_edit(row, _prepend(valid.texts[table].split("\n")[0])),
                REFUSED,
                row=row,
            ),
            _csv_case(
                valid,
                f"nul byte {table}:{row}",
                table,
                _line_edit(row, lambda s: s[:3] + "\x00" + s[3:]),
                REFUSED,
            ),
            _csv_case(valid, f"title row {table}", table, lambda t: "Registre CAR-T 2024\n" + t, REFUSED),
        ]
    # Encodings.
    cases += [
        _csv_case(valid, "utf-16", "patients", lambda t: t.encode("utf-16"), EXACT, expected=valid.dataset),
        _csv_case(valid, "mixed utf-8 and cp1252", "patients", _mixed_encodings, REFUSED),
        _csv_case(
            valid,
            "binary garbage",
            "patients",
            lambda t: bytes(rng.randrange(256) for _ in range(400)),
            REFUSED,
        ),
        _csv_case(valid, "empty file", "infusions", lambda t: "", REFUSED),
    ]
    # Values a user may type: formula-like text loads exactly; uncertainty marks, control characters are refused;
    # invisible characters are removed with a warning (a certain fix) or refused.
    for table, columns in TEXT_CELLS.items():
        for column in columns:
            row = rng.randint(2, len(valid.dataset[table]) + 1)
            for payload in rng.sample(FORMULAS, 3):
                cases.append(
                    _csv_case(
                        valid,
                        f"formula {payload!r} in {table}.{column}:{row}",
                        table,
                        lambda t, r=row, c=column, p=payload: _replace_cell(t, r, c, p),
                        EXACT,
                        expected=_with_cell(valid.dataset, table, row, column, payload.strip()),
                        row=row,
                        column=column,
                    )
                )
            for control in rng.sample(CONTROLS, 2):
                cases.append(
                    _csv_case(
                        valid,
                        f"control {control!r} in {table}.{column}:{row}",
                        table,
                        lambda t, r=row, c=column, x=control: _replace_cell(t, r, c, "CHU" + x + "A"),
                        REFUSED,
                        row=row,
                        column=column,
                    )
                )
            long = "x" * 100_000
            cases.append(
                _csv_case(
                    valid,
                    f"100,000 characters in {table}.{column}:{row}",
                    table,
                    lambda t, r=row, c=column, v=long: _replace_cell(t, r, c, v),
                    EXACT,
                    expected=_with_cell(valid.dataset, table, row, column, long),
                    row=row,
                    column=column,
                )
            )
    for table, columns in CODE_CELLS.items():
        for column in columns:
            row = rng.randint(2, len(valid.dataset[table]) + 1)
            code = _cell_text(valid, table, row, column)
            if not code:
                continue
            mark = rng.choice(UNCERTAIN)
            cases.append(
                _csv_case(
                    valid,
                    f"uncertain {code + mark!r} in {table}.{column}:{row}",
                    table,
                    lambda t, r=row, c=column, v=code + mark: _replace_cell(t, r, c, v),
                    REFUSED,
                    row=row,
                    column=column,
                )
            )
            invisible = rng.choice(INVISIBLE)
            cases.append(
                _csv_case(
                    valid,
                    f"invisible {invisible!r} in {table}.{column}:{row}",
                    table,
                    lambda t, r=row, c=column, v=code[:1] + invisible + code[1:]: _replace_cell(t, r, c, v),
                    EXACT,
                    expected=valid.dataset,
                    row=row,
                    column=column,
                )
            )
    return cases


def _xlsx_case(
    valid: Valid, name: str, edit: Callable[[bytes], bytes], expect: str, **fields: object
) -> Case:
    def build(where: Path) -> Path:
        path = where / "registry.xlsx"
        path.write_bytes(edit(valid.workbook.read_bytes()))
        return path

    return Case("xlsx", name, build, expect, **fields)  # type: ignore[arg-type]


def _rezip(data: bytes, change: Callable[[str, bytes], bytes | None]) -> bytes:
    """The workbook with each part passed through `change` (None drops the part)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            part = change(info.filename, source.read(info.filename))
            if part is not None:
                target.writestr(info.filename, part)
    return out.getvalue()


def _part(name: str, replacement: bytes | None) -> Callable[[bytes], bytes]:
    return lambda data: _rezip(data, lambda n, b: replacement if n == name else b)


def _edited_book(valid: Valid, edit: Callable[[openpyxl.Workbook], None]) -> Callable[[bytes], bytes]:
    def apply(data: bytes) -> bytes:
        book = openpyxl.load_workbook(io.BytesIO(data))
        edit(book)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    return apply


def _sheet_part(valid: Valid, table: str) -> str:
    with zipfile.ZipFile(valid.workbook) as book:
        names = sorted(n for n in book.namelist() if n.startswith("xl/worksheets/sheet"))
    order = [t.name for t in valid.dataset.schema.tables]
    return names[order.index(table)] if len(names) == len(order) else names[0]


def _flip(rng: random.Random, count: int) -> Callable[[bytes], bytes]:
    def apply(data: bytes) -> bytes:
        buffer = bytearray(data)
        for _ in range(count):
            buffer[rng.randrange(len(buffer))] ^= 1 << rng.randrange(8)
        return bytes(buffer)

    return apply


def xlsx_cases(valid: Valid, rng: random.Random) -> list[Case]:
    size = valid.workbook.stat().st_size
    cases = [
        _xlsx_case(valid, f"truncated at {cut}", lambda d, c=cut: d[:c], REFUSED)
        for cut in sorted(rng.sample(range(1, size), 12))
    ]
    cases += [
        _xlsx_case(
            valid,
            f"{n} flipped bits #{k}",
            _flip(random.Random(rng.random()), n),
            EXACT,
            expected=valid.dataset,
        )
        for n in (1, 4, 32)
        for k in range(6)
    ]
    for part in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml", "[Content_Types].xml"):
        cases.append(
            _xlsx_case(valid, f"broken {part}", _part(part, b"<?xml version='1.0'?><broken"), REFUSED)
        )
        # Without its styles a workbook still holds its values (dates as serial numbers); without its list of
        # content types it still holds everything: either may be read, but only exactly.
        optional = part in ("xl/styles.xml", "[Content_Types].xml")
        cases.append(
            _xlsx_case(
                valid,
                f"missing {part}",
                _part(part, None),
                EXACT if optional else REFUSED,
                expected=valid.dataset if optional else None,
            )
        )
    sheet = _sheet_part(valid, "infusions")
    cases += [
        _xlsx_case(valid, "missing infusions sheet part", _part(sheet, None), REFUSED),
        _xlsx_case(
            valid,
            "truncated infusions sheet XML",
            lambda d: _rezip(d, lambda n, b: b[: len(b) // 2] if n == sheet else b),
            REFUSED,
        ),
        _xlsx_case(valid, "a CSV named .xlsx", lambda d: valid.texts["patients"].encode(), REFUSED),
        _xlsx_case(valid, "empty file", lambda d: b"", REFUSED),
    ]

    def formula(book: openpyxl.Workbook) -> None:
        book["infusions"]["D2"] = (
            "=DATE(2021,6,15)"  # saved without a cached value, as openpyxl writes formulas
        )

    def error_value(book: openpyxl.Workbook) -> None:
        cell = book["infusions"]["F3"]
        cell.value, cell.data_type = "#N/A", "e"

    def merged(book: openpyxl.Workbook) -> None:
        book["patients"].merge_cells("D2:D3")

    def beyond(book: openpyxl.Workbook) -> None:
        sheet = book["patients"]
        sheet.cell(row=3, column=sheet.max_column + 2, value="DUPONT")

    cases += [
        _xlsx_case(
            valid,
            "formula without a cached value",
            _edited_book(valid, formula),
            REFUSED,
            table="infusions",
            row=2,
        ),
        _xlsx_case(
            valid, "#N/A in trial_id", _edited_book(valid, error_value), REFUSED, table="infusions", row=3
        ),
        _xlsx_case(valid, "merged cells", _edited_book(valid, merged), REFUSED, table="patients"),
        _xlsx_case(
            valid,
            "value right of the last header",
            _edited_book(valid, beyond),
            REFUSED,
            table="patients",
            row=3,
        ),
    ]
    for payload in FORMULAS[:5]:

        def typed(book: openpyxl.Workbook, p: str = payload) -> None:
            cell = book["patients"]["D3"]
            cell.value, cell.data_type = p, "s"

        cases.append(
            _xlsx_case(
                valid,
                f"formula-like text {payload!r} in centre",
                _edited_book(valid, typed),
                EXACT,
                expected=_with_cell(valid.dataset, "patients", 3, "centre", payload),
                table="patients",
                row=3,
                column="centre",
            )
        )
    return cases


def path_cases(valid: Valid) -> list[Case]:
    """Paths that are not regular files where a table is expected: run in a child process (they may hang)."""

    def replace(table: str, make: Callable[[Path], None]) -> Callable[[Path], Path]:
        def build(where: Path) -> Path:
            folder = where / "csv"
            shutil.copytree(valid.folder, folder)
            (folder / f"{table}.csv").unlink()
            make(folder / f"{table}.csv")
            return folder

        return build

    return [
        Case("path", "folder named patients.csv", replace("patients", lambda p: p.mkdir()), REFUSED),
        Case(
            "path",
            "dangling symlink",
            replace("outcomes", lambda p: p.symlink_to(p.parent / "nowhere.csv")),
            REFUSED,
        ),
        Case("path", "looping symlink", replace("outcomes", lambda p: p.symlink_to(p)), REFUSED),
        Case("path", "fifo", replace("infusions", lambda p: os.mkfifo(p)), REFUSED),
        Case(
            "path", "link to /dev/zero", replace("observations", lambda p: p.symlink_to("/dev/zero")), REFUSED
        ),
        Case(
            "path",
            "link to /dev/urandom",
            replace("observations", lambda p: p.symlink_to("/dev/urandom")),
            REFUSED,
        ),
    ]


ROOT = Path(__file__).resolve().parents[1]
SETTINGS_FILES = {
    "study": ROOT / "examples" / "seed_study" / "study.toml",
    "mapping": ROOT / "examples" / "cd22_crs" / "mapping.toml",
    "pathway": ROOT / "examples" / "pathways" / "default.toml",
}
SUMMARY_TABLE = ROOT / "src" / "iectox" / "data" / "seed" / "published_tables.json"
WRONG_TOML = (
    "5",
    "-1",
    "0",
    "1e309",
    "nan",
    "true",
    '"bogus"',
    '""',
    "[1, 2]",
    '["a", 1]',
    "[]",
    "{}",
    "{ x = 1 }",
    '"../../../../etc/passwd"',
    '"/dev/zero"',
    '"' + "x" * 5000 + '"',
    "2024-13-45",
    '"=A1+1"',
    "[[1]]",
)
WRONG_JSON = (5, -1, 0.5, None, True, "bogus", "", [1, "a"], [], {}, {"x": 1}, "<0.001", "1e309", "x" * 5000)
_ASSIGNMENT = re.compile(r"^(\s*[A-Za-z0-9_.\"-]+\s*=\s*)(.+)$")


def _settings_case(kind: str, name: str, source: Path, text: str | bytes) -> Case:
    """A copy of a settings file's folder (its relative paths keep working) with the file replaced."""

    def build(where: Path) -> Path:
        folder = where / "settings"
        shutil.copytree(source.parent, folder)
        target = folder / source.name
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(text, encoding="utf-8")
        return target

    return Case(kind, name, build, SETTLED)


def settings_cases(rng: random.Random) -> list[Case]:
    """Study, mapping and pathway files with one value of the wrong type, and summary tables likewise."""
    cases = []
    for kind, path in SETTINGS_FILES.items():
        lines = path.read_text(encoding="utf-8").split("\n")
        assignments = [
            n for n, line in enumerate(lines) if _ASSIGNMENT.match(line) and not line.lstrip().startswith("#")
        ]
        for n in rng.sample(assignments, min(len(assignments), 24)):
            wrong = rng.choice(WRONG_TOML)
            changed = list(lines)
            changed[n] = _ASSIGNMENT.sub(lambda m, w=wrong: m.group(1) + w, lines[n])
            key = lines[n].split("=")[0].strip()
            cases.append(
                _settings_case(kind, f"{key} = {wrong[:20]} (line {n + 1})", path, "\n".join(changed))
            )
        cases += [
            _settings_case(kind, "empty file", path, ""),
            _settings_case(kind, "TOML syntax error", path, "[study\ntitle = "),
            _settings_case(kind, "not UTF-8", path, path.read_bytes().replace(b"e", b"\xe9", 3)),
            _settings_case(kind, "binary", path, bytes(rng.randrange(256) for _ in range(300))),
        ]
    table = json.loads(SUMMARY_TABLE.read_text(encoding="utf-8"))
    leaves = list(_json_leaves(table, ()))
    for trail in rng.sample(leaves, 30):
        changed = json.loads(json.dumps(table))
        wrong = rng.choice(WRONG_JSON)
        holder = changed
        for step in trail[:-1]:
            holder = holder[step]
        holder[trail[-1]] = wrong
        name = f"{'/'.join(map(str, trail))} = {str(wrong)[:20]}"
        cases.append(_settings_case("summary table", name, SUMMARY_TABLE, json.dumps(changed)))
    cases.append(_settings_case("summary table", "not JSON", SUMMARY_TABLE, "{'format': "))
    return cases


def _json_leaves(value: object, trail: tuple[object, ...]) -> Iterator[tuple[object, ...]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _json_leaves(item, (*trail, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_leaves(item, (*trail, index))
    if trail:
        yield trail


def all_cases(where: Path) -> tuple[Valid, list[Case]]:
    rng = random.Random(SEED)
    valid = Valid.write(where)
    return valid, [*csv_cases(valid, rng), *xlsx_cases(valid, rng), *path_cases(valid), *settings_cases(rng)]
