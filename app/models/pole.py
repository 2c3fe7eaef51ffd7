"""Territorial poles (pôles territoriaux)."""

from mongoengine import (
    DateField,
    Document,
    EmbeddedDocument,
    EmbeddedDocumentListField,
    IntField,
    ListField,
    ReferenceField,
    StringField,
    ValidationError,
)

from app.models.base import french_check
from app.models.fields import TextField
from app.models.school import School
from app.rules.collation import sort_key
from app.rules.reference import SPECIALIZED, zone_error, zone_label


class Coordinator(EmbeddedDocument):
    """A coordinator of the pole as listed on the seat-school page (not an account)."""

    last_name = TextField(required=True, max_length=100)
    first_name = TextField(max_length=100)
    email = TextField(max_length=200)
    phone = TextField(max_length=40)

    def __str__(self) -> str:
        return f"{self.first_name or ''} {self.last_name}".strip()


class Pole(Document):
    number = IntField(required=True, unique=True, min_value=1)
    name = TextField(required=True, max_length=200)
    sort_name = StringField()  # app.rules.collation: French order on every store
    seat_school = ReferenceField(School, required=True)
    zone = IntField(required=True, validation=french_check(zone_error))
    coordinators = EmbeddedDocumentListField(Coordinator)
    # The structure adopted by the Government; conventions list these schools.
    partner_schools = ListField(ReferenceField(School))
    cooperating_schools = ListField(ReferenceField(School))
    specific_partner_schools = ListField(ReferenceField(School))
    period_start = DateField()
    period_end = DateField()

    meta = {
        "collection": "poles",
        "indexes": ["zone", "sort_name", "seat_school", "partner_schools", "cooperating_schools"],
    }

    def clean(self) -> None:
        self.name = (self.name or "").strip()
        self.sort_name = sort_key(self.name)
        if not self.name:
            raise ValidationError("Le nom du pôle est obligatoire.")
        if not isinstance(self.number, int) or self.number < 1:
            raise ValidationError("Le numéro du pôle doit être un entier positif.")
        seat = self.seat_school
        if isinstance(seat, School):
            if seat.education != SPECIALIZED:
                raise ValidationError(
                    "L'école siège d'un pôle doit être une école d'enseignement spécialisé."
                )
            if self.zone is None:
                self.zone = seat.zone
        if self.period_start and self.period_end and self.period_end <= self.period_start:
            raise ValidationError("La fin de la période de constitution doit suivre son début.")
        clash = Pole.objects(number=self.number, id__ne=self.pk).only("id").first()
        if clash:
            raise ValidationError(f"Le pôle n° {self.number} existe déjà.")

    @property
    def zone_label(self) -> str:
        return zone_label(self.zone)

    def __str__(self) -> str:
        return f"Pôle {self.number} – {self.name}"
