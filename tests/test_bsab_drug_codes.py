"""The bispecific antibodies' drug codes are declared once, `schema.vocabularies.BSAB_DRUG_CODES`, and read
from there by validation, the analysis table, the management audit, the study and the SDTM export: a code
added to the vocabulary is a bispecific dose everywhere at once."""

from __future__ import annotations

import re

from iectox.schema import THERAPY, therapy_class
from iectox.schema.therapies import BSAB
from iectox.schema.vocabularies import BSAB_DRUG_CODES, BSAB_DRUGS, DRUG
from source_scan import modules_holding

CODES_BUILT = re.compile(r"code\s+for\s+code\s*,\s*_\s+in\s+BSAB_DRUGS")


def test_the_codes_are_the_bispecific_therapies_and_drugs_of_the_vocabulary():
    assert tuple(code for code, _ in BSAB_DRUGS) == BSAB_DRUG_CODES
    assert tuple(code for code in THERAPY.codes if therapy_class(code) == BSAB) == BSAB_DRUG_CODES
    assert set(BSAB_DRUG_CODES) <= set(DRUG.codes)
    assert BSAB_DRUG_CODES[0] == "blinatumomab" and "investigational_bsab" in BSAB_DRUG_CODES


def test_no_module_builds_the_codes_again():
    assert modules_holding(CODES_BUILT) == ["schema/vocabularies.py"]
