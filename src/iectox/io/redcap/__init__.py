"""REDCap both ways: the project's data dictionary from the contract, the dataset as REDCap records, and a
REDCap export read back into the dataset with the same validation as every import (docs/redcap.md)."""

from iectox.io.redcap.dictionary import ProjectDictionary, dictionary_frame, read_dictionary, write_dictionary
from iectox.io.redcap.importer import import_redcap
from iectox.io.redcap.records import record_rows, write_records

__all__ = [
    "ProjectDictionary",
    "dictionary_frame",
    "import_redcap",
    "read_dictionary",
    "record_rows",
    "write_dictionary",
    "write_records",
]
