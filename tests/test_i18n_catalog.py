"""The French catalog is complete and in step with the code: `make messages` would change nothing.

The extraction here is the one `make messages` runs (same mapping file, same keywords, read from the
Makefile), so a message added with `tr`/`N_` and not yet in the catalog, an untranslated or fuzzy entry,
or a template (`iectox.pot`) older than the code fails `make test`.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.pofile import read_po

from iectox.i18n import catalog, tr
from iectox.locale.unmarked import UNMARKED
from iectox.schema import therapies, vocabularies
from iectox.schema.model import Vocabulary

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "iectox"
LOCALE = PACKAGE / "locale"


def _keywords() -> dict:
    line = next(s for s in (ROOT / "Makefile").read_text().splitlines() if s.startswith("KEYWORDS :="))
    return parse_keywords(line.split(":=", 1)[1].replace("-k", "").split())


def _extracted() -> set[str]:
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = extract_from_dir(str(ROOT), method_map, options_map, keywords=_keywords())
    return {message if isinstance(message, str) else message[0] for _, _, message, *_ in found}


def _read(path: Path):
    with path.open("rb") as po:
        return read_po(po)


@pytest.fixture(scope="module")
def extracted() -> set[str]:
    return _extracted()


def test_the_template_is_up_to_date(extracted):
    template = {m.id for m in _read(LOCALE / "iectox.pot") if m.id}
    assert sorted(extracted - template) == [], "new messages: run `make messages`"
    assert sorted(template - extracted) == [], "messages gone from the code: run `make messages`"


def test_every_message_is_translated_in_french(extracted):
    french = {m.id: m for m in _read(LOCALE / "fr" / "LC_MESSAGES" / "iectox.po") if m.id}
    assert sorted(extracted - set(french)) == []
    assert sorted(i for i in extracted if not french[i].string) == [], "untranslated"
    assert sorted(i for i in extracted if french[i].fuzzy) == [], "fuzzy: review, then remove the flag"


def test_translations_keep_the_placeholders():
    def fields(text: str) -> set[str]:
        return set(re.findall(r"\{(\w*)\}", text))

    wrong = {m: t for m, t in catalog("fr").items() if fields(m) != fields(t)}
    assert wrong == {}


def test_tr_reads_the_catalog_and_leaves_unknown_text_in_english():
    assert tr("Median [IQR]", "fr") == "Médiane [EIQ]"
    assert tr("Grade >= 3", "fr") == "Grade ≥ 3"
    assert tr("A sentence nobody wrote", "fr") == "A sentence nobody wrote"
    assert tr("Median [IQR]", "en") == "Median [IQR]"


def _constants(path: Path) -> set[str] | str:
    text = path.read_text(encoding="utf-8")
    if path.suffix != ".py":
        return text
    return {
        n.value for n in ast.walk(ast.parse(text)) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }


def test_unmarked_messages_still_occur_where_they_are_listed():
    """A message listed for a module that no longer holds it must leave the list (or the catalog keeps it
    for nothing)."""
    stale = []
    for module, messages in UNMARKED.items():
        path = PACKAGE / module
        if not path.is_file():
            continue  # messages assembled from parts at run time (e.g. f"No {syndrome}")
        text = _constants(path)
        stale += [f"{module}: {m}" for m in messages if m not in text]
    assert stale == []


def test_unmarked_messages_are_not_marked_elsewhere_too():
    """Once a module marks a message with `N_`/`tr`, its line in `unmarked.py` is redundant."""
    marked = set()
    for path in PACKAGE.rglob("*.py"):
        if path.name != "unmarked.py":
            with path.open("rb") as source:
                marked |= {
                    m if isinstance(m, str) else m[0] for _, m, *_ in extract("python", source, _keywords())
                }
    listed = {m for messages in UNMARKED.values() for m in messages}
    assert sorted(listed & marked) == []


VOCABULARIES = [v for m in (vocabularies, therapies) for v in vars(m).values() if isinstance(v, Vocabulary)]


@pytest.mark.parametrize("vocabulary", VOCABULARIES, ids=lambda v: v.name)
def test_every_label_reads_back_as_its_code_in_both_languages(vocabulary):
    for term in vocabulary.terms:
        french = tr(term.label, "fr")
        assert french != term.label or term.label in catalog("fr"), f"{term.label} has no French"
        assert vocabulary.normalise(french) == term.code
        assert vocabulary.normalise(term.label) == term.code


def test_product_labels_carry_the_brand_name_in_french():
    assert (
        tr(therapies.THERAPY.term("axicabtagene_ciloleucel").label, "fr")
        == "Axicabtagène ciloleucel (Yescarta)"
    )
    assert tr(vocabularies.SETTING.term("standard_of_care").label, "fr") == "Soins courants"
