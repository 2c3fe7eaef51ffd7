"""Shared form data for the access tests."""

from typing import Any

from seed.stages import minimal_pdf

PDF = minimal_pdf("Formulaire signe")  # a real one-page PDF: uploads are parsed


def director_form(**overrides: Any) -> dict[str, str]:
    """Annex 3 for a new director of partner school 2103 (PO 1002, pole 1)."""
    data = {
        "profile": "direction",
        "po_fase": "1002",
        "po_name": "ASBL Enseignement spécialisé de la Meuse",
        "po_address": "Quai de Rome 28, 4000 Liège",
        "school_fase": "2103",
        "school_name": "Institut d'enseignement spécialisé Les Tilleuls",
        "school_address": "Rue des Tilleuls 9, 4020 Liège",
        "signatory_last_name": "Renson",
        "signatory_first_name": "Philippe",
        "signatory_capacity": "president_admin",
        "signatory_capacity_other": "",
        "person_last_name": "Lambotte",
        "person_first_name": "Camille",
        "person_function": "Directrice",
        "person_email": "camille.lambotte@meuse.example",
        "person_phone": "04 123 45 67",
        "person_username": "clambotte",
    }
    data.update(overrides)
    return data


def revocation_form(**overrides: Any) -> dict[str, str]:
    """Annex 5: the PO of school 2103 asks to revoke the director ``dir-part1``."""
    data = director_form(
        person_last_name="Martin",
        person_first_name="Sophie",
        person_function="Directrice (partie à la retraite)",
        person_email="direction.2103@meuse.example",
        person_username="dir-part1",
    )
    data.update(overrides)
    return data
