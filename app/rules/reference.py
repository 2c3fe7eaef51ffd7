"""Reference data of the Fédération Wallonie-Bruxelles and the checks on it."""

ZONES: dict[int, str] = {
    1: "Bruxelles-Capitale",
    2: "Brabant wallon",
    3: "Huy-Waremme",
    4: "Liège",
    5: "Verviers",
    6: "Namur",
    7: "Luxembourg",
    8: "Wallonie picarde",
    9: "Hainaut Centre",
    10: "Hainaut Sud",
}

SPECIAL_TYPES: dict[int, str] = {
    1: "Type 1 – retard mental léger",
    2: "Type 2 – retard mental modéré ou sévère",
    3: "Type 3 – troubles du comportement",
    4: "Type 4 – déficiences physiques",
    5: "Type 5 – maladies ou convalescence",
    6: "Type 6 – déficiences visuelles",
    7: "Type 7 – déficiences auditives",
    8: "Type 8 – troubles des apprentissages",
}

# A specific partner takes in pupils with sensory-motor needs or type 5 (circular 2.3).
SPECIFIC_PARTNER_TYPES: frozenset[int] = frozenset({4, 5, 6, 7})

ORDINARY = "ordinary"
SPECIALIZED = "specialized"
EDUCATION_LABELS: dict[str, str] = {
    ORDINARY: "Enseignement ordinaire",
    SPECIALIZED: "Enseignement spécialisé",
}


def zone_label(zone: int | None) -> str:
    return f"{zone} – {ZONES[zone]}" if zone in ZONES else "—"


# « 4 – Liège », for every list to choose a zone from.
ZONE_CHOICES: list[tuple[int, str]] = [(zone, zone_label(zone)) for zone in ZONES]


def fase_error(value: object) -> str | None:
    """French message when ``value`` is not a valid FASE number, else None."""
    if isinstance(value, bool) or not isinstance(value, int):
        return "Le numéro FASE doit être un nombre entier."
    if value <= 0:
        return "Le numéro FASE doit être un nombre entier positif."
    if value > 99_999_999:
        return "Le numéro FASE est trop long (8 chiffres au plus)."
    return None


def zone_error(value: object) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int) or value not in ZONES:
        return "La zone d'enseignement doit être comprise entre 1 et 10."
    return None


def types_error(education: str, types: list[int]) -> str | None:
    """French message when the special-education types do not fit the kind of school."""
    bad = [t for t in types if t not in SPECIAL_TYPES]
    if bad:
        return "Les types d'enseignement spécialisé vont de 1 à 8."
    if education == SPECIALIZED and not types:
        return "Une école d'enseignement spécialisé doit avoir au moins un type (1 à 8)."
    if education == ORDINARY and types:
        return "Une école d'enseignement ordinaire n'a pas de type d'enseignement spécialisé."
    return None
