"""The data dictionary is derived from the contract, and the committed copy in docs/ is kept current."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from iectox.cli.commands import app
from iectox.schema import CONTRACT, INDICATION, THERAPY
from iectox.schema.dictionary import data_dictionary_markdown, vocabularies
from iectox.validate.docs import validation_rules_markdown

COMMITTED = Path(__file__).resolve().parents[1] / "docs" / "data_dictionary.md"


def test_committed_dictionary_is_up_to_date():
    assert COMMITTED.read_text(encoding="utf-8") == data_dictionary_markdown(), (
        "docs/data_dictionary.md is out of date with iectox.schema: run `iectox dictionary` and commit it"
    )


def test_every_table_and_column_is_documented():
    text = data_dictionary_markdown()
    for table in CONTRACT.tables:
        assert f"### `{table.name}`" in text
        assert table.description in text
        for column in table.columns:
            assert f"| `{column.name}` | {column.kind.value} | {'yes' if column.required else 'no'} |" in text


def test_ranges_units_and_vocabulary_links_are_shown():
    text = data_dictionary_markdown()
    assert "| `age_at_infusion` | number | no | years | a number from 0 to 110 |" in text
    assert "| `dose_mg` | number | no | mg | a number above 0 |" in text
    assert "[therapy](#vocabulary-therapy)" in text
    assert '<a id="vocabulary-therapy"></a>' in text


def test_every_vocabulary_lists_codes_labels_and_synonyms():
    text = data_dictionary_markdown()
    for vocab in vocabularies(CONTRACT):
        assert f"### {vocab.name}" in text
        for term in vocab.terms:
            line = next(
                line for line in text.splitlines() if line.startswith(f"| `{term.code}` | {term.label} |")
            )
            for synonym in term.synonyms:
                assert synonym.replace("|", "\\|") in line


def test_therapies_show_class_target_and_eu_approval_per_indication():
    text = data_dictionary_markdown()
    assert "| Code | Label | Class | Target | First EU approval (indication: month) | Also accepted |" in text
    row = next(line for line in text.splitlines() if line.startswith("| `tisagenlecleucel` |"))
    assert "| CAR-T | CD19 | b_all: 2018-08; dlbcl_3l_plus: 2018-08; fl: 2022-05 |" in row
    assert "| BsAb | DLL3xCD3 | sclc: 2025-07 |" in text
    assert {v.name for v in vocabularies(CONTRACT)} >= {THERAPY.name, INDICATION.name}


def test_incomplete_time_convention_comes_from_the_contract():
    text = data_dictionary_markdown()
    section = text.split("## Incomplete times", 1)[1]
    assert "iectox never invents the hour" in section
    assert "`toxicity_episodes.onset_at`" in section


def test_cli_writes_the_dictionary_where_asked(tmp_path):
    out = tmp_path / "dd.md"
    rules = tmp_path / "rules.md"
    result = CliRunner().invoke(
        app,
        [
            "dictionary",
            "--out",
            str(out),
            "--rules-out",
            str(rules),
            "--analysis-out",
            str(tmp_path / "analysis.md"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == data_dictionary_markdown()
    assert rules.read_text(encoding="utf-8") == validation_rules_markdown()


def test_committed_validation_rules_page_is_up_to_date():
    committed = COMMITTED.with_name("validation_rules.md").read_text(encoding="utf-8")
    assert committed == validation_rules_markdown(), (
        "run `iectox dictionary` and commit docs/validation_rules.md"
    )
    assert (
        "| `onset_not_before_infusion` | A toxicity episode cannot start before the infusion day. |"
        in committed
    )


def test_committed_analysis_columns_page_is_up_to_date():
    from iectox.analysis.docs import analysis_columns_markdown

    committed = COMMITTED.with_name("analysis_columns.md").read_text(encoding="utf-8")
    assert committed == analysis_columns_markdown(), (
        "run `iectox dictionary` and commit docs/analysis_columns.md"
    )
