"""The open episodes in words: what the web's quality dashboard lists and `iectox open-episodes` prints.

    shown = open_episode_rows(open_episodes(dataset))   # [OpenEpisode("P-0001", "INF-0001", "EP-0001", "CRS",
                                                        #   "2024-03-06 14:30", "2 (ASTCT2019)"), ...]
    open_episode_lines(shown, "fr")                     # ["P-0001, INF-0001, EP-0001 : CRS depuis le ...", ...]

An onset is shown with its hour only when the hour was recorded; a grade with its scale, since grades of two
scales are never pooled.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from iectox.i18n import N_, tr

NONE = N_("No open episode.")
LINE = N_("{patient}, {infusion}, {episode}: {syndrome} since {onset}, recorded grade {grade}")


@dataclass(frozen=True)
class OpenEpisode:
    patient_id: str
    infusion_id: str
    episode_id: str
    syndrome: str
    onset: str
    grade: str  # "2 (ASTCT2019)", "" when no grade is recorded


def _when(value: pd.Timestamp, known: object) -> str:
    return value.strftime("%Y-%m-%d %H:%M" if known is True else "%Y-%m-%d")


def open_episode_rows(found: pd.DataFrame) -> tuple[OpenEpisode, ...]:
    """`iectox.management.open_episodes`' rows as shown, in its order."""
    rows = found.astype(object).where(found.notna(), None)
    return tuple(
        OpenEpisode(
            patient_id=row["patient_id"],
            infusion_id=row["infusion_id"],
            episode_id=row["episode_id"],
            syndrome=row["syndrome"],
            onset=_when(row["onset_at"], row["onset_at_time_known"]),
            grade="" if row["max_grade"] is None else f"{row['max_grade']} ({row['grading_scale'] or '-'})",
        )
        for row in rows.to_dict("records")
    )


def open_episode_lines(rows: tuple[OpenEpisode, ...], lang: str = "en") -> list[str]:
    """One sentence per open episode, or that there is none."""
    if not rows:
        return [tr(NONE, lang)]
    return [
        tr(LINE, lang).format(
            patient=r.patient_id,
            infusion=r.infusion_id,
            episode=r.episode_id,
            syndrome=r.syndrome,
            onset=r.onset,
            grade=r.grade or "-",
        )
        for r in rows
    ]


__all__ = ["OpenEpisode", "open_episode_lines", "open_episode_rows"]
