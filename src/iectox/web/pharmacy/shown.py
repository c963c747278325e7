"""How the pharmacy's pages write times, durations, vials and doses, in the user's language."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from django.utils import timezone

from iectox.i18n import N_, tr
from iectox.management.vials import VialCombination

MINUTES = N_("{minutes} min")
HOURS = N_("{hours} h {minutes} min")
DAYS = N_("{days} d {hours} h")


def when(instant: dt.datetime | None) -> str:
    """An instant as the ward's clock shows it: 2024-03-06 14:30."""
    return "" if instant is None else timezone.localtime(instant).strftime("%Y-%m-%d %H:%M")


def wall(at: dt.datetime | None, known: bool | None = True) -> str:
    """A wall-clock time of the registry; its date alone when the hour was not recorded."""
    if at is None:
        return ""
    return at.strftime("%Y-%m-%d %H:%M" if known else "%Y-%m-%d")


def duration(hours: object, lang: str) -> str:
    """A duration as people say it: 45 min, 2 h 05 min, 3 d 4 h; "" when unknown; a minus sign before."""
    if hours is None or pd.isna(hours):
        return ""
    hours = float(hours)
    sign = "−" if hours < 0 else ""
    minutes = round(abs(hours) * 60)
    days, rest = divmod(minutes, 24 * 60)
    if days:
        return sign + tr(DAYS, lang).format(days=days, hours=rest // 60)
    if rest >= 60:
        return sign + tr(HOURS, lang).format(hours=rest // 60, minutes=f"{rest % 60:02d}")
    return sign + tr(MINUTES, lang).format(minutes=rest)


def since(instant: dt.datetime, now: dt.datetime, lang: str) -> str:
    return duration((now - instant).total_seconds() / 3600, lang)


def number(value: float | None, lang: str) -> str:
    """A dose, weight or volume as a pharmacist writes it: 560, 358.8 (358,8 in French), no float dust."""
    if value is None or pd.isna(value):
        return ""
    text = f"{round(float(value), 2):g}"
    return text.replace(".", ",") if lang == "fr" else text


def vials(combination: VialCombination | None) -> str:
    """1 x 400 mg + 2 x 80 mg (the library's own wording)."""
    return "" if combination is None else str(combination)
