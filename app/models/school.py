"""Schools (écoles / établissements)."""

from mongoengine import (
    IntField,
    ListField,
    ReferenceField,
    ValidationError,
)

from app.models.base import french_check
from app.models.fields import TextField
from app.models.organisation import OrganisingAuthority
from app.models.reference_net import GuardedReference
from app.rules.reference import (
    EDUCATION_LABELS,
    ORDINARY,
    SPECIALIZED,
    types_error,
    zone_error,
    zone_label,
)
from app.rules.reference_lock import SCHOOL_LOCKED_FIELDS


class School(GuardedReference):
    locked_fields = SCHOOL_LOCKED_FIELDS
    name_required = "La dénomination de l'école est obligatoire."
    fase_taken = "Le numéro FASE {fase} est déjà celui d'une autre école."

    po = ReferenceField(OrganisingAuthority, required=True)
    zone = IntField(required=True, validation=french_check(zone_error))
    education = TextField(required=True, choices=list(EDUCATION_LABELS.items()))
    types = ListField(IntField())
    director_name = TextField(max_length=200)
    email = TextField(max_length=200)
    phone = TextField(max_length=40)

    meta = {
        "collection": "schools",
        "indexes": ["name", "sort_name", "po", "zone", "education", "city", "types"],
    }

    def clean(self) -> None:
        super().clean()
        if self.education not in (ORDINARY, SPECIALIZED):
            raise ValidationError(
                "Le niveau doit être « enseignement ordinaire » ou « enseignement spécialisé »."
            )
        self.types = sorted(set(self.types or []))
        message = types_error(self.education, self.types)
        if message:
            raise ValidationError(message)

    @property
    def is_specialized(self) -> bool:
        return self.education == SPECIALIZED

    @property
    def zone_label(self) -> str:
        return zone_label(self.zone)

    @property
    def types_label(self) -> str:
        return ", ".join(str(t) for t in self.types) if self.types else "—"

    def __str__(self) -> str:
        return f"{self.name} (FASE {self.fase})"
