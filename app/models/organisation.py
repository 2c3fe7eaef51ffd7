"""Organising authorities (pouvoirs organisateurs, PO)."""

from mongoengine import IntField, StringField, ValidationError

from app.models.base import french_check
from app.models.fields import TextField
from app.models.reference_net import GuardedReference
from app.rules.collation import sort_key
from app.rules.reference import fase_error
from app.rules.reference_lock import PO_LOCKED_FIELDS


class OrganisingAuthority(GuardedReference):
    """A legal body running one or more schools; its delegate signs conventions."""

    locked_fields = PO_LOCKED_FIELDS

    fase = IntField(required=True, unique=True, validation=french_check(fase_error))
    name = TextField(required=True, max_length=200)
    sort_name = StringField()  # app.rules.collation: French order on every store
    street = TextField(max_length=200)
    postal_code = TextField(max_length=10)
    city = TextField(max_length=100)

    meta = {
        "collection": "organising_authorities",
        "indexes": ["name", "sort_name", "city"],
    }

    def clean(self) -> None:
        self.name = (self.name or "").strip()
        self.sort_name = sort_key(self.name)
        if not self.name:
            raise ValidationError("La dénomination du pouvoir organisateur est obligatoire.")
        if fase_error(self.fase) is None:
            clash = OrganisingAuthority.objects(fase=self.fase, id__ne=self.pk).only("id")
            if clash.first():
                raise ValidationError(
                    f"Le numéro FASE {self.fase} est déjà celui d'un autre pouvoir organisateur."
                )

    @property
    def address(self) -> str:
        place = " ".join(p for p in (self.postal_code, self.city) if p)
        return ", ".join(p for p in (self.street, place) if p)

    def __str__(self) -> str:
        return f"{self.name} (FASE {self.fase})"
