"""The audit's words in French; everything else falls back on `iectox.i18n.tr` (the report's dictionary).

Kept beside the audit, not in `iectox.i18n`, so that the audit's sentences and their translations change
together; `tests/test_management_outputs.py` checks that every sentence the audit can print has one.
"""

from __future__ import annotations

from iectox.i18n import tr as report_tr

FR: dict[str, str] = {
    # values inserted in sentences
    "deviation": "écart",
    "warning": "alerte",
    "info": "info",
    "tocilizumab": "tocilizumab",
    "corticosteroids": "corticoïdes",
    "dexamethasone": "dexaméthasone",
    "methylprednisolone": "méthylprednisolone",
    "prednisolone": "prednisolone",
    "hydrocortisone": "hydrocortisone",
    "corticosteroid": "corticoïde (molécule non précisée)",
    "other": "autre",
    "prophylaxis": "prophylaxie",
    "{days} calendar day(s)": "{days} jour(s) calendaire(s)",
    # tocilizumab doses
    "Tocilizumab dose not recorded: not checked.": "Dose de tocilizumab non renseignée : non vérifiée.",
    "Body weight not recorded: the {dose} mg dose is not checked.": (
        "Poids non renseigné : la dose de {dose} mg n'est pas vérifiée."
    ),
    "Tocilizumab {dose} mg is {percent}% of the label dose ({label} mg at {weight} kg); tolerance +/-{tolerance}%.": (
        "Tocilizumab {dose} mg : {percent} % de la dose de l'AMM ({label} mg pour {weight} kg) ; "
        "tolérance ±{tolerance} %."
    ),
    "Tocilizumab {dose} mg is above the label maximum of {cap} mg per dose.": (
        "Tocilizumab {dose} mg : au-dessus du maximum de l'AMM, {cap} mg par dose."
    ),
    "Tocilizumab repeated after {hours} h; the label requires at least {minimum} h between doses.": (
        "Tocilizumab répété après {hours} h ; l'AMM impose au moins {minimum} h entre deux doses."
    ),
    "Tocilizumab repeated less than {hours} h after the previous dose; the label requires {minimum} h.": (
        "Tocilizumab répété moins de {hours} h après la dose précédente ; l'AMM impose {minimum} h."
    ),
    "Time of day not recorded: the spacing from the previous dose (between {low} and {high} h) cannot be "
    "checked against {minimum} h.": (
        "Heure non renseignée : l'intervalle avec la dose précédente (entre {low} et {high} h) ne peut pas être "
        "comparé à {minimum} h."
    ),
    "Dose {count} of tocilizumab within {window} h; the label allows at most {maximum}.": (
        "{count}e dose de tocilizumab en {window} h ; l'AMM en autorise au plus {maximum}."
    ),
    "Times of day not recorded: up to {count} doses may fall within {window} h (label: at most {maximum}).": (
        "Heures non renseignées : jusqu'à {count} doses peuvent tomber dans {window} h (AMM : au plus {maximum})."
    ),
    "Dose {number} of tocilizumab in this CRS episode; the label allows {maximum} in total.": (
        "{number}e dose de tocilizumab pour cet épisode de CRS ; l'AMM en autorise {maximum} au total."
    ),
    "Tocilizumab given for ICANS without concurrent CRS; the pathway treats ICANS alone with corticosteroids.": (
        "Tocilizumab donné pour un ICANS sans CRS concomitant ; le protocole traite l'ICANS isolé par "
        "corticoïdes."
    ),
    "Tocilizumab recorded for {reason}, but no CRS episode covers this dose.": (
        "Tocilizumab enregistré pour « {reason} », mais aucun épisode de CRS ne couvre cette dose."
    ),
    "Time of the dose not recorded: spacing and counts not checked.": (
        "Heure de la dose non renseignée : intervalle et nombre de doses non vérifiés."
    ),
    # pathway rules
    "Grade {grade} {syndrome} without {drug}; the pathway gives {drug} from grade {from_grade}.": (
        "{syndrome} de grade {grade} sans {drug} ; le protocole prévoit {drug} dès le grade {from_grade}."
    ),
    "First dose of {drug} {delay} after {syndrome} reached grade {from_grade}; target {target} h.": (
        "Première dose de {drug} {delay} après le passage du {syndrome} au grade {from_grade} ; objectif "
        "{target} h."
    ),
    "A dose of {drug} has no recorded time: the {target} h target cannot be checked.": (
        "Une dose de {drug} n'a pas d'heure : l'objectif de {target} h ne peut pas être vérifié."
    ),
    "First dose of {drug} {delay} after {syndrome} reached grade {from_grade} (hour not recorded): the {target} "
    "h target cannot be checked.": (
        "Première dose de {drug} {delay} après le passage du {syndrome} au grade {from_grade} (heure non "
        "renseignée) : l'objectif de {target} h ne peut pas être vérifié."
    ),
    "Time of grade {from_grade} not observed; first dose of {drug} {delay} after {syndrome} onset: the {target} "
    "h target cannot be checked.": (
        "Heure du grade {from_grade} non observée ; première dose de {drug} {delay} après le début du "
        "{syndrome} : l'objectif de {target} h ne peut pas être vérifié."
    ),
    "Grade 1 CRS lasting {duration} (more than {threshold} h) without tocilizumab; the pathway gives it when "
    "CRS persists.": (
        "CRS de grade 1 durant {duration} (plus de {threshold} h) sans tocilizumab ; le protocole le prévoit "
        "quand le CRS persiste."
    ),
    "Tocilizumab {delay} after onset of a persistent grade 1 CRS; due by {deadline} h ({threshold} h + {grace} h).": (
        "Tocilizumab {delay} après le début d'un CRS de grade 1 persistant ; attendu avant {deadline} h "
        "({threshold} h + {grace} h)."
    ),
    "Tocilizumab timing not recorded to the hour ({delay} after onset): the {deadline} h deadline cannot be "
    "checked.": (
        "Heure du tocilizumab non renseignée ({delay} après le début) : l'échéance de {deadline} h ne peut pas "
        "être vérifiée."
    ),
    "Tocilizumab {delay} after onset of a grade 1 CRS that lasted at most {threshold} h: allowed early for "
    "elderly or comorbid patients; check the indication.": (
        "Tocilizumab {delay} après le début d'un CRS de grade 1 ayant duré au plus {threshold} h : admis tôt "
        "chez le sujet âgé ou comorbide ; vérifier l'indication."
    ),
    "Grade 1 CRS of unknown duration: whether tocilizumab was due after {threshold} h cannot be checked.": (
        "CRS de grade 1 de durée inconnue : on ne peut pas vérifier si le tocilizumab était dû après "
        "{threshold} h."
    ),
    "Grade {grade} CRS without corticosteroids; the pathway adds dexamethasone from grade {from_grade}.": (
        "CRS de grade {grade} sans corticoïdes ; le protocole ajoute la dexaméthasone dès le grade {from_grade}."
    ),
    "A corticosteroid dose has no recorded time: whether it treated this CRS cannot be checked.": (
        "Une dose de corticoïde n'a pas d'heure : on ne peut pas vérifier qu'elle a traité ce CRS."
    ),
    "ICANS without concurrent CRS treated with tocilizumab ({doses} dose(s)); the pathway gives "
    "corticosteroids, tocilizumab only with CRS.": (
        "ICANS sans CRS concomitant traité par tocilizumab ({doses} dose(s)) ; le protocole prévoit des "
        "corticoïdes, le tocilizumab seulement en cas de CRS."
    ),
    "Grade recorded on {scale}, not {pathway_scale}, and not graded from observations: grade-based rules not "
    "applied.": (
        "Grade relevé sur l'échelle {scale}, pas {pathway_scale}, et non gradé à partir des observations : "
        "règles fondées sur le grade non appliquées."
    ),
    "Grade not recorded and not graded from observations: grade-based rules not applied.": (
        "Grade non relevé et non gradé à partir des observations : règles fondées sur le grade non appliquées."
    ),
    "Recorded grade {recorded} but the observations give {scale} grade {observed}.": (
        "Grade relevé {recorded}, mais les observations donnent un grade {scale} de {observed}."
    ),
    "{drug} {dose} mg x {doses}, every {every} h: not a regimen of the pathway.": (
        "{drug} {dose} mg x {doses}, toutes les {every} h : pas un schéma du protocole."
    ),
    "{drug} {dose} mg x {doses}, interval not recorded: not a regimen of the pathway.": (
        "{drug} {dose} mg x {doses}, intervalle non renseigné : pas un schéma du protocole."
    ),
    # KPIs
    "CRS onset to first tocilizumab (target {a} h)": "Début du CRS - premier tocilizumab (objectif {a} h)",
    "CRS grade >= {a}: tocilizumab within {b} h": "CRS de grade ≥ {a} : tocilizumab en {b} h",
    "Grade 1 CRS persisting > {a} h (high-risk products {b} h): tocilizumab": (
        "CRS de grade 1 persistant > {a} h (produits à haut risque {b} h) : tocilizumab"
    ),
    "CRS grade >= {a}: corticosteroids": "CRS de grade ≥ {a} : corticoïdes",
    "ICANS grade >= {a}: corticosteroids within {b} h": "ICANS de grade ≥ {a} : corticoïdes en {b} h",
    "ICANS without CRS: no tocilizumab": "ICANS sans CRS : pas de tocilizumab",
    # page and figures
    "Management audit": "Audit de prise en charge",
    "Management pathway audit": "Audit du protocole de prise en charge",
    "Pathway": "Protocole",
    "KPIs by cohort": "Indicateurs par cohorte",
    "By quarter": "Par trimestre",
    "{kpi}: by quarter of infusion": "{kpi} : par trimestre de perfusion",
    "Pathway: {name}.": "Protocole : {name}.",
    "Findings": "Constats",
    "No finding.": "Aucun constat.",
    "KPI": "Indicateur",
    "n": "n",
    "Met": "Respecté",
    "Late": "En retard",
    "Untreated": "Non traité",
    "Other treatment": "Autre traitement",
    "Undetermined": "Indéterminé",
    "Within target": "Dans l'objectif",
    "Median delay, h [IQR]": "Délai médian, h [EIQ]",
    "Quarter": "Trimestre",
    "within target; median h": "dans l'objectif ; médiane h",
    "Severity": "Gravité",
    "Rule": "Règle",
    "Infusion": "Perfusion",
    "Episode": "Épisode",
    "Dose": "Dose",
    "Finding": "Constat",
    "Source": "Source",
    "Setting": "Paramètre",
    "Value": "Valeur",
    "Unit": "Unité",
    "From": "Origine",
    "First grade >= 2 times come from the graded observations.": (
        "Les heures du premier grade ≥ 2 viennent des observations gradées."
    ),
    "No graded observations: delays from the first grade >= 2 are blank and those targets are only shown met "
    "when the delay from onset is already within them.": (
        "Pas d'observations gradées : les délais depuis le premier grade ≥ 2 sont vides, et ces objectifs ne "
        "sont montrés respectés que si le délai depuis le début y est déjà."
    ),
    "n: episodes the rule applies to. Within target: met / episodes that can be judged (undetermined left out). "
    "Median delay from the rule's clock with quartiles, over delays known to the hour; a negative delay means "
    "the drug came before the grade was reached.": (
        "n : épisodes concernés par la règle. Dans l'objectif : respectés / épisodes jugeables (indéterminés "
        "exclus). Délai médian depuis le point de départ de la règle, avec les quartiles, sur les délais connus "
        "à l'heure ; un délai négatif signifie que le traitement a précédé le grade."
    ),
    "Hours from CRS onset to first tocilizumab": "Heures entre le début du CRS et le premier tocilizumab",
    "; hour not recorded (left out): {n}": " ; heure non renseignée (exclu) : {n}",
    "target {h} h": "objectif {h} h",
    "Median delay (h)": "Délai médian (h)",
    "Pathway KPI by quarter of infusion": "Indicateur du protocole par trimestre de perfusion",
    "{rule}; numbers: episodes per quarter of infusion": "{rule} ; nombres : épisodes par trimestre de perfusion",
    "Clinical trial": "Essai clinique",
    "Standard of care": "Soins courants",
}


def tr(text: str, lang: str) -> str:
    """`text` in `lang`: the audit's own phrases first, then the report's."""
    if lang == "fr" and text in FR:
        return FR[text]
    return report_tr(text, lang)


__all__ = ["FR", "tr"]
