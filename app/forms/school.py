"""The data managers' « créer une école » form (and its PO, when none has the FASE given)."""

from typing import Any

from wtforms import Form, IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, NumberRange, Optional

from app.rules.numbers import is_digits
from app.rules.reference import SPECIAL_TYPES, SPECIALIZED
from app.rules.states import SchoolRole
from app.services.school_records import NewPo, NewSchool

# FASE numbers are positive and at most nine digits (the ministry's identifiers).
MAX_DIGITS = 9
FASE_RANGE = NumberRange(min=1, max=999_999_999, message="Un numéro FASE est un nombre positif.")
REQUIRED = "Le numéro FASE de l'école et son rôle dans le pôle sont obligatoires."
PO_REQUIRED = "Indiquez le numéro FASE du pouvoir organisateur de l'école."
FASE_DIGITS = "Un numéro FASE s'écrit en chiffres."
ZONE_DIGITS = "Choisissez la zone d'enseignement dans la liste (un nombre de 1 à 10)."


class WholeNumberField(IntegerField):
    """A whole number typed in ASCII digits (`int()` would take « 1_000 » or « -5 »), whose
    « not a number » message names what was expected."""

    def __init__(self, label: str, validators: list[Any], invalid: str = "", **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)
        self.invalid = invalid

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        text = str(valuelist[0]).strip() if valuelist else ""
        if not text:
            return  # InputRequired or Optional decide
        if not is_digits(text) or len(text) > MAX_DIGITS:
            raise ValueError(self.invalid)
        self.data = int(text)


def _strip(value: Any) -> Any:
    # Never cut: the documents refuse an over-long value, naming the limit.
    return value.strip() if isinstance(value, str) else value


class SchoolForm(Form):
    """What the creation form posts; `entry()` is the service's `NewSchool`."""

    class Meta:
        locales = ("fr_BE", "fr")  # WTForms' own messages in French (an unknown role)

    fase = WholeNumberField("N° FASE", [InputRequired(REQUIRED), FASE_RANGE], FASE_DIGITS)
    role = SelectField(
        "Rôle dans le pôle",
        [InputRequired(REQUIRED)],
        choices=[r.value for r in SchoolRole],
        validate_choice=True,
    )
    name = StringField("Dénomination", filters=[_strip])
    street = StringField("Rue et numéro", filters=[_strip])
    postal_code = StringField("Code postal", filters=[_strip])
    city = StringField("Localité", filters=[_strip])
    director_name = StringField("Direction", filters=[_strip])
    email = StringField("Courriel", filters=[_strip])
    phone = StringField("Téléphone", filters=[_strip])
    zone = WholeNumberField("Zone d'enseignement", [Optional()], ZONE_DIGITS)
    education = StringField("Enseignement", filters=[_strip])
    types = SelectMultipleField(
        "Types", choices=[str(t) for t in SPECIAL_TYPES], validate_choice=False
    )
    po_fase = WholeNumberField(
        "N° FASE du pouvoir organisateur", [InputRequired(PO_REQUIRED), FASE_RANGE], FASE_DIGITS
    )
    po_name = StringField("Dénomination du pouvoir organisateur", filters=[_strip])
    po_street = StringField("Rue et numéro", filters=[_strip])
    po_postal_code = StringField("Code postal", filters=[_strip])
    po_city = StringField("Localité", filters=[_strip])

    def first_error(self) -> str:
        """The message to show: the form's first complaint, in the order of the fields."""
        return next(iter(message for errors in self.errors.values() for message in errors))

    def entry(self) -> NewSchool:
        """The validated values as the service takes them (call after `validate()`)."""
        # Out-of-range numbers go through: the school's validation names the allowed types.
        types = tuple(int(t) for t in (self.types.data or ())[:8] if is_digits(t))
        po = NewPo(
            name=self.po_name.data or "",
            street=self.po_street.data or "",
            postal_code=self.po_postal_code.data or "",
            city=self.po_city.data or "",
        )
        return NewSchool(
            fase=self.fase.data,
            po_fase=self.po_fase.data,
            name=self.name.data or "",
            street=self.street.data or "",
            postal_code=self.postal_code.data or "",
            city=self.city.data or "",
            director_name=self.director_name.data or "",
            email=self.email.data or "",
            phone=self.phone.data or "",
            zone=self.zone.data,
            education=self.education.data or "",
            types=types if self.education.data == SPECIALIZED else (),
            po=po if po.name else None,
        )
