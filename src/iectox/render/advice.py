"""The pathway's bedside advice in words, in English or French: what the ward page and `iectox advise` show.

    headline(item, result.bedside.at, "fr")   # "CRS de grade 2 : tocilizumab 8 mg/kg = 560 mg (flacons
                                              #  1 x 400 mg + 2 x 80 mg) ; objectif du protocole : avant 10:00 (2 h)"
    [reason_text(r, "fr") for r in item.reasons], reason_sources(item.reasons[0], "fr")
    advice_text(result, "fr")                 # the whole advice, one line each, reasons and sources indented

`iectox.management.advice` decides everything; this module only words it. A time on the advice's own day is
shown as its hour (10:00), another day with its date.
"""

from __future__ import annotations

from datetime import datetime

from iectox.i18n import N_, tr
from iectox.management.advice import BedsideAdvice
from iectox.management.advice_items import (
    AVOID,
    CONTINUE,
    GIVE,
    GIVEN,
    NO_MORE,
    REPEAT,
    WAIT,
    WATCH,
    Advice,
    Reason,
    stamp,
)
from iectox.management.bedside import Syndrome
from iectox.schema.vocabularies import DRUG

GRADE = N_("Grade {grade} {syndrome}")
HEADLINES = {
    GIVE: N_("{grade}: {drug} {dose}"),
    REPEAT: N_("{grade}: {drug} {dose} may be repeated now if the {syndrome} does not improve"),
    WAIT: N_("{grade}: {drug}: next dose no sooner than {time}"),
    NO_MORE: N_("{grade}: no further {drug}"),
    WATCH: N_("{grade}: {drug} if it persists beyond {time}"),
    CONTINUE: N_("{grade}: {drug} {dose}, next dose from {time}"),
    GIVEN: N_("{grade}: {drug} {dose} given"),
    AVOID: N_("{grade}: no {drug}"),
}
WATCH_UNTIMED = N_("{grade}: watch; {drug} if it persists")
TARGET = N_("; pathway target: by {time} (within {within} h)")
ALTERNATIVE = N_("or {drug} {dose}")
PER_KG = N_("{per_kg} mg/kg = {dose} mg")
PER_KG_ONLY = N_("{per_kg} mg/kg")
VIALS = N_("(vials {vials})")
EVERY = N_("every {every} h")
NOTHING = N_("Nothing to give by the pathway at these grades.")
STATE = N_("{syndrome}: grade {grade} ({reason})")
STATE_BARE = N_("{syndrome}: grade {grade}")
STATE_UNKNOWN = N_("{syndrome}: not graded")
AT = N_("At {time}, pathway: {pathway}")


def quantity(value: float, lang: str) -> str:
    """A dose as a pharmacist writes it: 560, 358.8, 0.5 (no float dust, no trailing zeros); 358,8 in French."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "fr" else text


def when(at: datetime, now: datetime) -> str:
    """A time of the advice: its hour on the advice's own day (14:30), else with its date."""
    return at.strftime("%H:%M") if at.date() == now.date() else stamp(at)


def drug_name(code: str, lang: str) -> str:
    """The drug's name as written in a sentence: its label in `lang`, in lower case (tocilizumab)."""
    return tr(DRUG.term(code).label, lang).lower()


def dose_text(item: Advice, lang: str) -> str:
    """ "8 mg/kg = 560 mg (vials 1 x 400 mg + 2 x 80 mg)", "10 mg every 6 h", or "" without a dose."""
    parts = []
    if item.mg_per_kg is not None and item.dose_mg is not None:
        per_kg, dose = quantity(item.mg_per_kg, lang), quantity(item.dose_mg, lang)
        parts.append(tr(PER_KG, lang).format(per_kg=per_kg, dose=dose))
    elif item.mg_per_kg is not None:
        parts.append(tr(PER_KG_ONLY, lang).format(per_kg=quantity(item.mg_per_kg, lang)))
    elif item.dose_mg is not None:
        parts.append(f"{quantity(item.dose_mg, lang)} mg")
    if item.vials is not None:
        parts.append(tr(VIALS, lang).format(vials=item.vials))
    if item.every_h is not None:
        parts.append(tr(EVERY, lang).format(every=quantity(item.every_h, lang)))
    return " ".join(parts)


def headline(item: Advice, now: datetime, lang: str = "en") -> str:
    """One line: the grade, the action, the drug and its dose, the time that matters, the pathway's target."""
    grade = tr(GRADE, lang).format(grade=item.grade, syndrome=item.syndrome)
    drug = drug_name(item.drug, lang) if item.drug else ""
    time = item.not_before
    template = HEADLINES[item.action] if item.action != WATCH or time else WATCH_UNTIMED
    values = {"grade": grade, "drug": drug, "dose": dose_text(item, lang), "syndrome": item.syndrome}
    text = tr(template, lang).format(time=when(time, now) if time else "", **values).rstrip()
    for other in item.alternatives:
        name = drug_name(other.drug, lang) if other.drug else ""
        text += " " + tr(ALTERNATIVE, lang).format(drug=name, dose=dose_text(other, lang)).rstrip()
    if item.due_by is not None and item.action in (GIVE, WAIT):
        within = quantity(float(item.within_h or 0), lang)
        text += tr(TARGET, lang).format(time=when(item.due_by, now), within=within)
    return text


def reason_text(reason: Reason, lang: str = "en") -> str:
    """Why, in `lang`."""
    return reason.text.text(lang)


def reason_sources(reason: Reason, lang: str = "en") -> list[str]:
    """Where the reason comes from: the rule's source, then its settings' (translated when the catalog has them)."""
    return [tr(source, lang) for source in reason.sources]


def state_line(name: str, syndrome: Syndrome, lang: str = "en") -> str:
    """ "CRS: grade 2 (fever 38.6 °C, ...)" or "ICANS: not graded"."""
    if syndrome.grade is None:
        return tr(STATE_UNKNOWN, lang).format(syndrome=name)
    if syndrome.reason:
        return tr(STATE, lang).format(syndrome=name, grade=syndrome.grade, reason=tr(syndrome.reason, lang))
    return tr(STATE_BARE, lang).format(syndrome=name, grade=syndrome.grade)


def advice_text(result: BedsideAdvice, lang: str = "en") -> str:
    """The whole advice as plain text: the time and pathway, the grades, then each advice with its reasons
    and their sources indented below it."""
    bedside = result.bedside
    lines = [
        tr(AT, lang).format(time=stamp(bedside.at), pathway=tr(result.pathway.name, lang)),
        state_line("CRS", bedside.crs, lang),
        state_line("ICANS", bedside.icans, lang),
    ]
    if not result.items:
        lines.append(tr(NOTHING, lang))
    for item in result.items:
        lines.append("- " + headline(item, bedside.at, lang))
        for reason in item.reasons:
            lines.append("    " + reason_text(reason, lang))
            lines.extend("      [" + source + "]" for source in reason_sources(reason, lang))
    return "\n".join(lines)


__all__ = [
    "advice_text",
    "dose_text",
    "drug_name",
    "headline",
    "quantity",
    "reason_sources",
    "reason_text",
    "state_line",
    "when",
]
