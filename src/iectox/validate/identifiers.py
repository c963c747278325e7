"""Direct identifiers are refused: iectox keeps pseudonymous data only.

A column whose header names a direct identifier (a name, a hospital or social security number, a date of
birth, a phone number, an address, an e-mail) is refused for that reason, not as an unknown column. Values
are searched too: in every text column, a French NIR (its key checked), a phone number, an e-mail address;
in identifiers, also a full date of birth, a "NAME Firstname" shape and a hospital number named as such
("IPP-123456789"); in free text (a text column without a pattern: `centre`, `trial_id`, `death_cause`), a
hospital number, a name (an upper-case surname beside a common first name, `iectox.validate.names`) and a
full date of birth (before any infusion, or after "né le", "born", "DDN") among its words. The message names
the cell and the kind found, never the value, and the cell is refused so that no later rule prints it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from itertools import accumulate

import numpy as np
import pandas as pd

from iectox.errors import Issue
from iectox.i18n import N_
from iectox.rules import Rule
from iectox.schema import Column, Kind, Table
from iectox.schema.model import fold
from iectox.validate import columnar
from iectox.validate.content import ColumnCheck
from iectox.validate.frames import Frames
from iectox.validate.names import could_be_surname, is_first_name

A_NAME = N_("a name")
A_NUMBER = N_("a hospital or social security number")
A_BIRTH_DATE = N_("a date of birth")
A_PHONE = N_("a phone number")
AN_ADDRESS = N_("a postal address")
AN_EMAIL = N_("an e-mail address")
A_NIR = N_("a NIR (French social security number)")
A_NAME_SHAPE = N_("a name (NAME Firstname)")

_HEADERS = {
    A_NAME: "name names nom noms prenom prenoms firstname lastname surname givenname familyname fullname "
    "patientname nompatient nomdupatient nomprenom prenomnom nomdenaissance nomdefamille nomusuel nommarital "
    "nomdejeunefille maidenname",
    A_NUMBER: "nip ipp nir ins nirpp numeroins matriculeins securitesociale numerodesecuritesociale "
    "ndesecuritesociale numerosecu numsecu nsecu secu nss ssn socialsecuritynumber mrn medicalrecordnumber "
    "hospitalnumber numerodossier ndossier numerodedossier",
    A_BIRTH_DATE: "dateofbirth dob birthdate birthday datedenaissance datenaissance ddn nele naissance",
    A_PHONE: "phone phonenumber telephone tel mobile portable cellphone numerodetelephone ntel fax",
    AN_ADDRESS: "address adresse adressepostale streetaddress street rue domicile",
    AN_EMAIL: "email mail courriel adressemail adresseemail emailaddress mel",
}
IDENTIFYING_HEADERS = {spelling: kind for kind, words in _HEADERS.items() for spelling in words.split()}


def identifying_header(header: object) -> str | None:
    """The kind of direct identifier a header names ("Prénom" -> a name), or None."""
    return IDENTIFYING_HEADERS.get(fold(str(header)))


_EDGE = r"(?<![0-9A-Za-z]){}(?![0-9A-Za-z])"
_SEP = r"[ .\-]?"
NIR = re.compile(
    _EDGE.format(
        rf"([1-478]){_SEP}(\d{{2}}){_SEP}(\d{{2}}){_SEP}(\d{{2}}|2[ABab]){_SEP}(\d{{3}}){_SEP}(\d{{3}})"
        rf"(?:{_SEP}(\d{{2}}))?"
    )
)
PHONE = re.compile(
    _EDGE.format(r"(?:0[1-9](?:[ .\-]?\d{2}){4}|\+[1-9]\d{0,2}[ .\-]?(?:\(0\)[ .\-]?)?\d(?:[ .\-]?\d){6,12})")
)
EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_YEAR, _MONTH, _DAY = r"(19\d{2}|20[0-2]\d)", r"(0?[1-9]|1[0-2])", r"(0?[1-9]|[12]\d|3[01])"
FULL_DATE = re.compile(
    r"(?<!\d)(?:"
    rf"{_YEAR}[\-/._]?(0[1-9]|1[0-2])[\-/._]?(0[1-9]|[12]\d|3[01])"  # 1961-05-17, 19610517
    rf"|{_DAY}[\-/._]{_MONTH}[\-/._]{_YEAR}|{_MONTH}[\-/._]{_DAY}[\-/._]{_YEAR}"  # 17/05/1961, 05/17/1961
    rf"|(0[1-9]|[12]\d|3[01])(0[1-9]|1[0-2]){_YEAR}"  # 17051961
    r")(?!\d)"
)
_UPPER, _LOWER = "A-ZÀ-ÖØ-Þ", "a-zß-öø-ÿ"
_SURNAME = rf"[{_UPPER}]{{2,}}(?:[ '\-][{_UPPER}]{{2,}})*"
_FIRST_NAME = rf"[{_UPPER}][{_LOWER}]+(?:-[{_UPPER}][{_LOWER}]+)*"
NAME_SHAPE = re.compile(rf"(?m)^(?:{_SURNAME}[ _.,]+{_FIRST_NAME}|{_FIRST_NAME}[ _.,]+{_SURNAME})$")
# In free text, the words either side of a name stay: a lookahead finds every pair, overlapping ones too
# ("CHU DUPONT Jean": CHU is no surname, DUPONT is), and `_a_name` judges each.
_WORD = rf"0-9{_UPPER}{_LOWER}'\-"
_SURNAME_WORD = rf"[{_UPPER}]{{2,}}(?:['\-][{_UPPER}]{{2,}})*"
NAME_IN_TEXT = re.compile(
    rf"(?<![{_WORD}])(?=({_SURNAME_WORD})[ _]+({_FIRST_NAME})(?![{_WORD}])"
    rf"|({_FIRST_NAME})[ _]+({_SURNAME_WORD})(?![{_WORD}]))"
)
HOSPITAL_WORDS = ("ipp", "nip", "nda", "mrn", "dossier")  # patient, stay, medical record, file numbers
HOSPITAL_NUMBER = re.compile(
    rf"(?i)(?<![0-9a-z])(?:{'|'.join(HOSPITAL_WORDS)})(?![a-z])[\s:#°=._\-]*(?:n[°o]\.?[\s:]*)?[a-z]{{0,2}}\d{{6,}}"
)
BIRTH_WORDS = re.compile(r"(?i)(?<![a-z])(?:née?s?|nee|born|ddn|dob|naissance|birth)(?![a-z])")  # not "ne"
INFUSIONS_SINCE = 2000  # no immune effector cell therapy was given before: an older date in an id is a birth


def nir_key_holds(match: re.Match[str]) -> bool:
    """A 13-digit NIR with a plausible month, or a 15-digit one whose key is 97 - (number mod 97) (INSEE);
    Corsica's departments 2A and 2B count as 19 and 18."""
    sex, year, month, department, commune, order, key = match.groups()
    if key is None:
        return 1 <= int(month) <= 12
    department = department.upper().replace("2A", "19").replace("2B", "18")
    number = int(sex + year + month + department + commune + order)
    return 97 - number % 97 == int(key)


def _any(match: re.Match[str]) -> bool:
    return True


def _birth_date(match: re.Match[str]) -> bool:
    """A full date before any infusion, or one that follows a word for birth in its own value ("née le")."""
    year = next(group for group in match.groups() if group is not None and len(group) == 4)
    before = match.string[max(0, match.start() - 30) : match.start()].rpartition("\n")[2]
    return int(year) < INFUSIONS_SINCE or BIRTH_WORDS.search(before) is not None


def _a_name(match: re.Match[str]) -> bool:
    surname, first = (match[1], match[2]) if match[1] else (match[4], match[3])
    return is_first_name(first) and could_be_surname(surname)


# Cheap tests on a whole column's text (C string searches) that a pattern could match at all: Python's
# regular expressions cost about 0.1 s per megabyte each, string searches a hundredth of that. They run on
# the UTF-8 bytes, where a character outside ASCII is bytes above 127, never a digit or a separator.
_DIGITS = bytes.maketrans(b"123456789", b"000000000")  # digits as 0 (and separators dropped, below)
_SEPARATORS = b" .-/_"
_SHAPES = bytes.maketrans(b"123456789-/._", b"000000000ssss")  # digits as 0, date separators as s
DATE_SHAPES = (b"0s0s0000", b"00s0s0000", b"0s00s0000", b"00s00s0000", b"0000s00s00", b"00000000")


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _long_number(text: str) -> bool:
    """Some 8 digits in a row, separators aside: any NIR, phone number or compact date has them."""
    return b"00000000" in _utf8(text).translate(_DIGITS, _SEPARATORS)


def _date_like(text: str) -> bool:
    """Something shaped like 17/05/1961, 1961-05-17 or 19610517."""
    shapes = _utf8(text).translate(_SHAPES)
    return any(shape in shapes for shape in DATE_SHAPES)


def _mixed_case(text: str) -> bool:
    return text != text.upper() and text != text.lower() and any(sep in text for sep in " _.,")


def _at_sign(text: str) -> bool:
    return "@" in text


def _hospital_word(text: str) -> bool:
    lower = text.lower()
    return any(word in lower for word in HOSPITAL_WORDS)


Detector = tuple[str, re.Pattern[str], Callable[[str], bool], Callable[[re.Match[str]], bool]]
IN_ANY_TEXT: tuple[Detector, ...] = (
    (A_NIR, NIR, _long_number, nir_key_holds),
    (AN_EMAIL, EMAIL, _at_sign, _any),
    (A_PHONE, PHONE, _long_number, _any),
)
IN_IDENTIFIERS: tuple[Detector, ...] = (*IN_ANY_TEXT, (A_NAME_SHAPE, NAME_SHAPE, _mixed_case, _any))
HOSPITAL: Detector = (A_NUMBER, HOSPITAL_NUMBER, _hospital_word, _any)
IN_FREE_TEXT: tuple[Detector, ...] = (
    *IN_ANY_TEXT,
    HOSPITAL,
    (A_NAME, NAME_IN_TEXT, _mixed_case, _a_name),
    (A_BIRTH_DATE, FULL_DATE, _date_like, _birth_date),
)


def _detectors(column: Column) -> tuple[Detector, ...]:
    """Free text (no pattern) is searched for hospital numbers, names and dates of birth among its words; an
    identifier for a name as its whole value and a date of birth (`patient_id`: any full date), and for a
    hospital number unless it refers to another table's identifier, which was searched (references are the
    largest columns: observations, labs)."""
    if column.pattern is None:
        return IN_FREE_TEXT
    dates: Detector = (
        A_BIRTH_DATE,
        FULL_DATE,
        _date_like,
        _any if column.name == "patient_id" else _birth_date,
    )
    return (*IN_IDENTIFIERS, dates) if column.references else (*IN_IDENTIFIERS, HOSPITAL, dates)


def identifying_values(values: list[str], detectors: tuple[Detector, ...]) -> dict[int, str]:
    """For the values that look like a direct identifier, their position and the kind found.

    The values are joined and each pattern searched once over the whole text, after a string search has said
    it could match at all; only a match costs Python work."""
    joined = "\n".join(values)
    found: dict[int, str] = {}
    starts: list[int] = []
    for kind, pattern, could_match, accept in detectors:
        if not could_match(joined):
            continue
        for match in pattern.finditer(joined):
            if not starts:
                starts = list(accumulate((len(value) + 1 for value in values[:-1]), initial=0))
            which = bisect_right(starts, match.start()) - 1
            if which not in found and accept(match):
                found[which] = kind
    return found


def _direct_identifier_values(frames: Frames, table: Table, column: Column) -> Iterator[Issue]:
    if column.kind is not Kind.TEXT:
        return
    values = frames.tables[table.name][column.name]
    text = frames.text_of(table.name, column.name)
    detectors = _detectors(column)
    if text is not None:
        # The tests of the values joined hold of the cells' bytes one after the other (no separator) too: a
        # column of pseudonymous codes is then never turned into Python strings.
        joined = columnar.joined_bytes(text).decode("utf-8")
        tests = {could_match for _, _, could_match, _ in detectors}  # each once: a NIR and a phone share one
        if not any(could_match(joined) for could_match in tests):
            return
        distinct = columnar.distinct(text)
    else:
        distinct = np.asarray(values.dropna().unique(), dtype=object).tolist()
        if not isinstance(values.dtype, pd.StringDtype):
            distinct = [str(value) for value in distinct]
    kinds = identifying_values(distinct, detectors)
    if kinds:
        found = values.map({distinct[i]: kind for i, kind in kinds.items()})
        for row, kind in found.dropna().items():
            yield _masked(frames, table.name, int(row), column.name, kind)


def _masked(frames: Frames, table: str, row: int, column: str, kind: str) -> Issue:
    rule = DIRECT_IDENTIFIER_VALUE
    values = {"column": column, "kind_text": kind}
    message = rule.message.format(**values)
    return frames.issue(table, row, column, None, rule.id, message, rule.severity, rule.message, values)


PRIVACY = (
    "GDPR art. 4(5) and CNIL guidance on pseudonymisation: a research dataset holds no direct identifier "
    "(name, NIR, date of birth, contact details)"
)
DIRECT_IDENTIFIER_VALUE = Rule(
    id="direct_identifier_value",
    severity="error",
    source=PRIVACY + "; the NIR as INSEE defines it (sex, year, month, department incl. 2A/2B, commune, "
    "order, key = 97 - number mod 97)",
    title="A text cell holds a NIR (key checked), a phone number or an e-mail address; free text (centre, "
    "trial_id, death_cause) a hospital number after IPP, NIP, NDA, MRN or dossier, a name (an upper-case surname "
    "beside a common first name) or a full date of birth (before 2000, or after né le, born, DDN); an identifier "
    "a hospital number, a full date of birth or a NAME Firstname shape: refused, the value never shown.",
    message=N_(
        "{column} holds what looks like {kind_text} (not shown): iectox keeps pseudonymous data only; replace "
        "it with a pseudonymous code, or remove it"
    ),
    evaluate=ColumnCheck(_direct_identifier_values),
)
