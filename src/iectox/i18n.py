"""Words and numbers in the report's language: English, or French as the seed study's own tables.

French uses the decimal comma and a non-breaking space before % (typographie française).
"""

from __future__ import annotations

import math

LANGUAGES = ("en", "fr")

WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "Characteristic": "Caractéristique",
        "Overall": "Total",
        "p-value": "p",
        "q-value": "q",
        "SMD": "DMS",
        "Difference (95% CI)": "Différence (IC 95 %)",
        "Missing": "Données manquantes",
        "Any grade": "Tout grade",
        "Grade": "Grade",
        "Mean (SD)": "Moyenne (ET)",
        "Median [IQR]": "Médiane [EIQ]",
        "Other": "Autre",
        "Yes": "Oui",
        "No": "Non",
        "Pearson's Chi-squared test": "Test du khi-deux de Pearson",
        "Pearson's Chi-squared test with Yates' continuity correction": (
            "Test du khi-deux de Pearson avec correction de continuité de Yates"
        ),
        "Fisher's exact test": "Test exact de Fisher",
        "Welch Two Sample t-test": "Test t de Welch",
        "Two Sample t-test": "Test t de Student",
        "Wilcoxon rank sum test": "Test de Wilcoxon-Mann-Whitney",
        "Kruskal-Wallis rank sum test": "Test de Kruskal-Wallis",
        "One-way analysis of means": "ANOVA à un facteur",
        "q-values: Holm adjustment": "q : ajustement de Holm",
        "q-values: Benjamini-Hochberg adjustment": "q : ajustement de Benjamini-Hochberg",
        "n (%); Mean (SD); Median [IQR]": "n (%) ; moyenne (ET) ; médiane [EIQ]",
    },
}


def tr(text: str, lang: str) -> str:
    """The phrase in `lang`; grades ("Grade 2", "Grade >= 3") are translated by their words."""
    if lang == "en":
        return text
    words = WORDS.get(lang, {})
    if text in words:
        return words[text]
    if text.startswith("Grade "):
        return words.get("Grade", "Grade") + text[len("Grade") :].replace(">=", "≥")
    return text


def number(value: float, digits: int, lang: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if lang == "fr" else text


def percent(value: float, digits: int, lang: str) -> str:
    text = number(value, digits, lang)
    return f"{text}\u00a0%" if lang == "fr" else f"{text}%"


def p_value(p: float | None, digits: int, lang: str) -> str:
    """p with `digits` decimals; below the smallest printable value, a bound ("<0.001")."""
    if p is None or math.isnan(p):
        return ""
    floor = 10.0**-digits
    if p < floor:
        return "<" + number(floor, digits, lang)
    return number(p, digits, lang)
