"""The headers of a REDCap export made with labels as headers ("CSV (labels)"), back to field names.

Such an export's first line holds each field's label, `Repeat Instrument`, `Repeat Instance`, `Event Name`,
`Data Access Group`, and `Complete?` after each instrument's fields; a header that appears twice is read as
`name.1`, `name.2`... (`iectox.io.csvdir`). A label shared by several fields (`infusion_id`, in every
repeating instrument) is the field of the instrument being read: REDCap writes the fields in the dictionary's
order, instrument by instrument, so it is the first field with that label not yet read, in this instrument
(the one after the last `Complete?`) or a later one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from iectox.io.redcap.dictionary import ProjectDictionary
from iectox.io.redcap.fields import (
    COMPLETE_SUFFIX,
    DATA_ACCESS_GROUP,
    EVENT_NAME,
    FIELDS_BY_NAME,
    FORMS,
    REPEAT_INSTANCE,
    REPEAT_INSTRUMENT,
    Field,
)

BOOKKEEPING_LABELS = {
    "repeat instrument": REPEAT_INSTRUMENT,
    "repeat instance": REPEAT_INSTANCE,
    "event name": EVENT_NAME,
    "data access group": DATA_ACCESS_GROUP,
}
COMPLETE_LABEL = "complete?"
_REPEATED = re.compile(r"\.\d+$")  # the reader's mark of a repeated header


def raw_headers(columns: Sequence[str], dictionary: ProjectDictionary) -> list[str]:
    """The field names of label headers; a header that is no label is kept as it is (and refused later)."""
    by_label: dict[str, list[Field]] = {}
    for name, label in dictionary.field_labels:
        by_label.setdefault(label, []).append(FIELDS_BY_NAME[name])
    order = {form: position for position, form in enumerate(FORMS.values())}
    forms = list(FORMS.values())
    current = 0
    names: list[str] = []
    for header in columns:
        text = header.strip()
        base = _REPEATED.sub("", text) if text not in by_label else text
        if base.lower() in BOOKKEEPING_LABELS:
            names.append(BOOKKEEPING_LABELS[base.lower()])
        elif base.lower() == COMPLETE_LABEL:
            names.append(forms[current] + COMPLETE_SUFFIX)
            current = min(current + 1, len(forms) - 1)  # the instrument's last column: the next one follows
        elif base in by_label:
            free = [field for field in by_label[base] if field.name not in names]
            later = [field for field in free if order[field.form] >= current] or free or by_label[base]
            current = order[later[0].form]
            names.append(later[0].name)
        else:
            names.append(header)
    return names


def labelled(columns: Sequence[str]) -> bool:
    """Whether an export's headers are labels: it has REDCap's `Repeat Instrument` or `Complete?` columns."""
    return any(_REPEATED.sub("", c.strip()).lower() in (COMPLETE_LABEL, "repeat instrument") for c in columns)
