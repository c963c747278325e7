"""Words that tell a person's name in free text from the capitalised words of clinical and hospital text.

In French records a name is written SURNAME Firstname ("DUPONT Jean") or Firstname SURNAME. Free text is full
of words of the same shape that are no name: acronyms before a place or a word ("CHU Lyon-Sud", "CRS Grade
3"), eponyms ("Guillain-Barré", "Parkinson"), centres named after a person ("Centre Léon Bérard"). So in free
text a name is an upper-case surname beside a first name of `FIRST_NAMES` (the common first names in France
across the generations of patients), the surname being no acronym of `NOT_SURNAMES` (hospital types and
clinical abbreviations) and no namesake of a French hospital or cancer centre (a rare surname: the common
ones, Bernard, Leclerc, Perrin, stay names, so "Centre Jean PERRIN" is refused). A rarer first name passes
in free text: the rule refuses what is surely a name rather than anything shaped like one.
"""

from __future__ import annotations

from iectox.schema.model import fold


def _folded(words: str) -> frozenset[str]:
    return frozenset(fold(word) for word in words.split())


FIRST_NAMES = _folded(
    """
    Adam Adèle Adrien Agathe Agnès Ahmed Aicha Alain Alban Albert Alexandra Alexandre Alexis Alfred Alice Aline
    Alix Amandine Ambre Amélie Ana Anaïs André Andrée Anne Annick Annie Anthony Antoine Antoinette Antonin Arnaud
    Arthur Audrey Augustin Aurélie Aurélien Axel Baptiste Barbara Bastien Béatrice Benjamin Benoît Bernadette
    Bernard Bertrand Blanche Brigitte Bruno Camille Carole Caroline Catherine Cécile Céline Chantal Charles
    Charlotte Chloé Christian Christiane Christine Christophe Claire Clara Claude Claudine Clément Clémence
    Colette Corinne Cyril Damien Daniel Danielle Delphine Denis Denise Didier Dominique Dylan Edith Édouard
    Élisabeth Élise Ella Éloïse Elsa Emma Emmanuel Emmanuelle Enzo Éric Ethan Étienne Eva Évelyne Fabien Fabienne
    Fabrice Fatima Fatou Florence Florian Francine Franck François Françoise Frédéric Frédérique Gabriel Gabrielle
    Gaël Gaëlle Geneviève Georges Gérard Germaine Ghislaine Gilbert Gilles Ginette Guillaume Guy Hélène Henri
    Henriette Hervé Hugo Hugues Inès Irène Isabelle Jacqueline Jacques Jade Jean Jeanne Jeannine Jérémy Jérôme
    Joël Joëlle Jonathan Joseph Josette Josiane Julie Julien Juliette Justine Karim Karine Kévin Laetitia
    Laura Laure Laurence Laurent Léa Léna Léo Léon Léonie Liliane Lina Lisa Loïc Louis Louise Luc Lucas
    Lucie Lucien Lucienne Ludovic Madeleine Maël Manon Marc Marcel Marcelle Margaux Marguerite Maria Marie
    Marine Mario Marius Marthe Martin Martine Mathéo Mathieu Mathilde Mathis Matthieu Maurice Maxime Mélanie
    Mélissa Michel Micheline Michèle Mickaël Mireille Mohamed Monique Muriel Myriam Nadia Nadine Nathalie Nathan
    Nicolas Nicole Noah Noël Noémie Océane Odette Odile Olivier Pascal Pascale Patrice Patricia Patrick Paul
    Paulette Pauline Philippe Pierre Quentin Raphaël Raymond Raymonde Régis Rémi Renée René Richard Robert
    Roger Roland Romain Rose Sabine Sacha Samuel Sandrine Sarah Sébastien Serge Simone Solange Sophie Stéphane
    Stéphanie Suzanne Sylvain Sylvie Théo Thérèse Thierry Thomas Timothée Tom Valentin Valérie Véronique Victor
    Vincent Virginie Xavier Yann Yannick Yves Yvette Yvonne Zoé
    """
)

NOT_SURNAMES = _folded(
    """
    AP-HP APHP AP-HM APHM CH CHI CHIC CHG CHR CHRU CHS CHU CHUV CLCC CRLCC GH GHU HCL HEGP HIA HU IGR IPC
    ICM ICO IUCT SSR ICU USI USIC REA
    CAR CRS ICANS HLH MAS IEC-HS ICAHT TLS GVHD GVH CMV EBV HHV HIV VIH BK JC PML LEMP COVID SARS ARDS SDRA
    AKI DIC CIVD DLBCL LBDGC PMBCL MCL FL CLL LLC ALL LAL MM NHL LNH
    """
)

HOSPITAL_NAMESAKES = _folded(
    """
    Bérard Roussy Curie Mondor Minjoz Huriez Pompidou Baclesse Strauss Lambret Becquerel Lacassagne
    Godinot Bergonié Verdier Paoli Calmettes Paoli-Calmettes Necker Cochin
    Lariboisière Tenon Debré Trousseau Bichat Avicenne Foch Larrey Percy Bégin Pellegrin Bretonneau
    Dupuytren Pontchaillou Hautepierre Brabois Purpan Rangueil Haut-Lévêque Lapeyronie Timone Conception
    Brousse Herriot Béclère Mourier Chenevier Nicolle Michallon Montpied
    """
)


# Joined once: `could_be_surname` runs at every name-shaped pair of words in free text.
_NO_SURNAME = NOT_SURNAMES | HOSPITAL_NAMESAKES


def is_first_name(word: str) -> bool:
    """'Jean', 'Marie-Anne' (its first part), 'Léa': a common first name; 'Grade', 'Lyon-Sud': not."""
    return fold(word.split("-")[0]) in FIRST_NAMES


def could_be_surname(word: str) -> bool:
    """An upper-case word that no acronym of hospital or clinical text and no hospital's namesake is."""
    parts = word.replace("'", " ").replace("-", " ").split()
    return fold(word) not in _NO_SURNAME and not any(fold(part) in NOT_SURNAMES for part in parts)
