"""Open episodes: an onset and no resolution, unless the outcome says the episode ended otherwise (death); in
words (English and French), and `iectox open-episodes`."""

from __future__ import annotations

import pandas as pd
from typer.testing import CliRunner

from factories import small_dataset
from iectox.cli.commands import app
from iectox.dataset import Dataset
from iectox.io import write_dataset
from iectox.management.open_episodes import open_episodes
from iectox.render.open_episodes import open_episode_lines, open_episode_rows


def _with_episodes(rows: list[dict]) -> Dataset:
    """The small dataset with its episodes replaced by `rows` (on INF-001 of P-001, INF-003 of P-003)."""
    base = small_dataset()
    frames = {name: base[name] for name in base.tables}
    frames["toxicity_episodes"] = pd.DataFrame(rows)
    return Dataset.from_frames(frames)


def _episode(code: str, infusion: str, onset: str | None, resolved: str | None, outcome: str | None) -> dict:
    return {
        "episode_id": code,
        "infusion_id": infusion,
        "syndrome": "CRS",
        "onset_at": pd.Timestamp(onset) if onset else None,
        "onset_at_time_known": True if onset else None,
        "resolved_at": pd.Timestamp(resolved) if resolved else None,
        "resolved_at_time_known": True if resolved else None,
        "max_grade": 2,
        "grading_scale": "ASTCT2019",
        "outcome": outcome,
    }


def test_the_small_datasets_ongoing_icans_is_its_one_open_episode():
    found = open_episodes(small_dataset())
    assert found.to_dict("records") == [
        {
            "patient_id": "P-001",
            "infusion_id": "INF-001",
            "episode_id": "EP-002",
            "syndrome": "ICANS",
            "onset_at": pd.Timestamp("2023-05-21"),
            "onset_at_time_known": False,
            "max_grade": 1,
            "grading_scale": "ASTCT2019",
            "outcome": "ongoing",
        }
    ]


def test_open_means_an_onset_without_resolution_nor_death_oldest_first():
    dataset = _with_episodes(
        [
            _episode("EP-resolved", "INF-001", "2024-01-02 10:00", "2024-01-04 10:00", "resolved"),
            _episode("EP-death", "INF-001", "2024-01-01 10:00", None, "death"),
            _episode("EP-late", "INF-003", "2024-01-03 10:00", None, "ongoing"),
            _episode("EP-early", "INF-003", "2024-01-02 09:00", None, None),
            _episode("EP-unknown", "INF-001", "2024-01-02 09:00", None, "unknown"),
            _episode("EP-no-onset", "INF-001", None, None, "ongoing"),
        ]
    )
    found = open_episodes(dataset)
    assert found[["episode_id", "patient_id"]].values.tolist() == [
        ["EP-unknown", "P-001"],
        ["EP-early", "P-003"],
        ["EP-late", "P-003"],
    ]


def test_no_episode_no_row_with_the_same_columns():
    found = open_episodes(
        _with_episodes([_episode("EP-1", "INF-001", "2024-01-02", "2024-01-03", "resolved")])
    )
    assert found.empty
    assert list(found.columns) == list(open_episodes(small_dataset()).columns)


def test_the_open_episodes_in_words_an_hour_only_when_recorded():
    dataset = _with_episodes(
        [
            _episode("EP-timed", "INF-003", "2024-01-02 09:30", None, "ongoing"),
            {**_episode("EP-day", "INF-001", "2024-01-03", None, None), "onset_at_time_known": False},
        ]
    )
    rows = open_episode_rows(open_episodes(dataset))
    assert [(r.episode_id, r.onset, r.grade) for r in rows] == [
        ("EP-timed", "2024-01-02 09:30", "2 (ASTCT2019)"),
        ("EP-day", "2024-01-03", "2 (ASTCT2019)"),
    ]
    assert open_episode_lines(rows, "en")[0] == (
        "P-003, INF-003, EP-timed: CRS since 2024-01-02 09:30, recorded grade 2 (ASTCT2019)"
    )
    assert open_episode_lines(rows, "fr")[1].startswith("P-001, INF-001, EP-day : CRS depuis le 2024-01-03")
    assert open_episode_lines((), "fr") == ["Aucun épisode en cours."]


def test_iectox_open_episodes_prints_them_and_refuses_an_invalid_dataset(tmp_path):
    write_dataset(small_dataset(), tmp_path / "registry")
    done = CliRunner().invoke(app, ["open-episodes", str(tmp_path / "registry")], terminal_width=200)
    assert done.exit_code == 0, done.output
    assert (
        done.output.strip() == "P-001, INF-001, EP-002: ICANS since 2023-05-21, recorded grade 1 (ASTCT2019)"
    )
    (tmp_path / "registry" / "patients.csv").write_text("patient_id,sex\nP-1,martian\n", encoding="utf-8")
    refused = CliRunner().invoke(app, ["open-episodes", str(tmp_path / "registry")], terminal_width=200)
    assert refused.exit_code == 1 and "nothing was listed" in refused.output
