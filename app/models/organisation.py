"""Organising authorities (pouvoirs organisateurs, PO)."""

from app.models.reference_net import GuardedReference
from app.rules.reference_lock import PO_LOCKED_FIELDS


class OrganisingAuthority(GuardedReference):
    """A legal body running one or more schools; its delegate signs conventions."""

    locked_fields = PO_LOCKED_FIELDS
    name_required = "La dénomination du pouvoir organisateur est obligatoire."
    fase_taken = "Le numéro FASE {fase} est déjà celui d'un autre pouvoir organisateur."

    meta = {
        "collection": "organising_authorities",
        "indexes": ["name", "sort_name", "city"],
    }

    def __str__(self) -> str:
        return f"{self.name} (FASE {self.fase})"
