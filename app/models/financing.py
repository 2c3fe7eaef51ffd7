"""Pole financing: parameters per school year, the functions catalogue, pupil counts, team
scenarios.

Amounts are stored as decimal strings (``DecimalField(force_string=True)``): no float ever
rounds a point. Pupil counts are *counts* only, never a pupil's identity.

The lock of a closed count lives here, below every write path (like the conventions' lock):
once the Administration closes a pole's count for a school year, ``save()``, ``delete()`` and
queryset ``update``/``modify``/``delete`` refuse to touch it unless the write comes from
``app.services.financing`` (inside ``financing_write()``).
"""

from decimal import ROUND_HALF_UP
from typing import Any

from mongoengine import (
    BooleanField,
    DateField,
    DateTimeField,
    DecimalField,
    Document,
    EmbeddedDocument,
    EmbeddedDocumentListField,
    IntField,
    ListField,
    QuerySet,
    ReferenceField,
    SaveConditionError,
    StringField,
    ValidationError,
)

from app.flags import Flag
from app.models.base import utcnow
from app.models.fields import TextField
from app.models.pole import Pole
from app.models.school import School
from app.rules.collation import sort_key
from app.rules.errors import RuleViolation
from app.rules.financing import GROUPS, LEVELS, MEASURES, WORKLOADS

_financing_write = Flag("financing_write")

CLOSED = "closed"
OPEN = "open"
CLOSED_MESSAGE = (
    "Le comptage des élèves de ce pôle pour cette année scolaire est clôturé par "
    "l'Administration : il ne peut plus être modifié."
)
COUNT_STATUS_LABELS = {OPEN: "ouvert", CLOSED: "clôturé", "": "non encodé"}
SCHOOL_YEAR_REGEX = r"^\d{4}-\d{4}$"


class CountClosed(RuleViolation):
    """A write reached a pupil count the Administration has closed."""


# Marks writes as coming from the financing service, the one writer of closed counts.
financing_write = _financing_write.raised


def _decimal(**kwargs: Any) -> DecimalField:
    return DecimalField(precision=4, force_string=True, rounding=ROUND_HALF_UP, **kwargs)


class EnvelopeTerm(EmbeddedDocument):
    """One term of the envelope: a label, the count it multiplies, a coefficient."""

    label = TextField(required=True, max_length=200)
    measure = TextField(required=True, choices=list(MEASURES))
    type = IntField(min_value=1, max_value=8)
    level = TextField(choices=list(LEVELS))
    coefficient = _decimal(required=True, min_value=0)


class FinancingParameters(Document):
    """The financing parameters of one school year (set by the Administration)."""

    school_year = TextField(required=True, unique=True, regex=SCHOOL_YEAR_REGEX)
    terms = EmbeddedDocumentListField(EnvelopeTerm)
    salary_floor = _decimal(required=True, default="80", min_value=0, max_value=100)
    running_ceiling = _decimal(required=True, default="20", min_value=0, max_value=100)
    min_coordinator_fte = _decimal(required=True, default="1", min_value=0)
    min_team_fte = _decimal(required=True, default="16", min_value=0)
    reference_date = DateField()  # the date pupils are counted at
    demo = BooleanField(default=False)  # « valeurs de démonstration »
    version = IntField(default=1)
    updated_at = DateTimeField(default=utcnow)
    updated_by = TextField()

    meta = {"collection": "financing_parameters", "indexes": ["school_year"]}


class TeamFunction(Document):
    """A function of the catalogue: what one full-time (5/5) job of it is worth in points."""

    code = TextField(required=True, unique=True, max_length=40, regex=r"^[A-Za-z0-9_.-]+$")
    label = TextField(required=True, max_length=120)
    sort_name = StringField()  # app.rules.collation: the label in French order
    group = TextField(required=True, choices=[(k, v) for k, v in GROUPS.items()])
    workloads = ListField(TextField(choices=list(WORKLOADS)), default=lambda: list(WORKLOADS))
    points = _decimal(required=True, min_value=0)
    valid_from = TextField(regex=SCHOOL_YEAR_REGEX)
    valid_to = TextField(regex=SCHOOL_YEAR_REGEX)
    demo = BooleanField(default=False)
    updated_at = DateTimeField(default=utcnow)

    meta = {"collection": "team_functions", "indexes": ["code", "label", "sort_name", "group"]}

    def clean(self) -> None:
        self.label = (self.label or "").strip()
        self.sort_name = sort_key(self.label)
        if not self.label:
            raise ValidationError("Le libellé de la fonction est obligatoire.")
        if not self.workloads:
            raise ValidationError("Proposez au moins une charge horaire pour cette fonction.")
        self.workloads = [w for w in WORKLOADS if w in set(self.workloads)]
        self.valid_from = (self.valid_from or "").strip() or None
        self.valid_to = (self.valid_to or "").strip() or None
        self.code = (self.code or "").strip().upper()
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError("La fin de validité doit suivre son début.")
        self.updated_at = utcnow()

    def __str__(self) -> str:
        return f"{self.label} ({self.code})"


class CountLine(EmbeddedDocument):
    """Pupils of one school, type and level: counts only."""

    school = ReferenceField(School, required=True)
    type = IntField(required=True, min_value=1, max_value=8)
    level = TextField(required=True, choices=list(LEVELS))
    ipt = IntField(default=0, min_value=0)
    par = IntField(default=0, min_value=0)


class CountSheetQuerySet(QuerySet):
    """Refuses bulk writes that would touch a closed count outside the financing service."""

    def _guard(self) -> "CountSheetQuerySet":
        if _financing_write.is_set():
            return self
        if self.clone().filter(status=CLOSED).only("id").first():
            raise CountClosed(CLOSED_MESSAGE)
        return self.filter(status__ne=CLOSED)

    def update(self, *args: Any, **kwargs: Any) -> Any:
        return super(CountSheetQuerySet, self._guard()).update(*args, **kwargs)

    def modify(self, *args: Any, **kwargs: Any) -> Any:
        return super(CountSheetQuerySet, self._guard()).modify(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        return super(CountSheetQuerySet, self._guard()).delete(*args, **kwargs)


class PupilCountSheet(Document):
    """A pole's pupil counts (IPT, PAR) for one school year, per cooperating school."""

    pole = ReferenceField(Pole, required=True)
    pole_number = IntField(required=True)
    school_year = TextField(required=True, regex=SCHOOL_YEAR_REGEX)
    status = TextField(required=True, default=OPEN, choices=[OPEN, CLOSED])
    lines = EmbeddedDocumentListField(CountLine)
    version = IntField(default=1)
    updated_at = DateTimeField(default=utcnow)
    updated_by = TextField()
    closed_at = DateTimeField()
    closed_by = TextField()

    meta = {
        "collection": "pupil_counts",
        "queryset_class": CountSheetQuerySet,
        "indexes": [
            {"fields": ["pole", "school_year"], "unique": True},
            ("school_year", "pole_number"),
        ],
    }

    @property
    def is_closed(self) -> bool:
        return self.status == CLOSED

    def save(self, *args: Any, **kwargs: Any) -> "PupilCountSheet":
        if not _financing_write.is_set():
            if self.pk is not None:
                stored = type(self)._get_collection().find_one({"_id": self.pk}, {"status": 1})
                if (stored or {}).get("status") == CLOSED or self.status == CLOSED:
                    raise CountClosed(CLOSED_MESSAGE)
                kwargs.setdefault("save_condition", {"status__ne": CLOSED})
            elif self.status == CLOSED:
                raise CountClosed(CLOSED_MESSAGE)
        try:
            return super().save(*args, **kwargs)
        except SaveConditionError as exc:
            raise CountClosed(CLOSED_MESSAGE) from exc

    def delete(self, *args: Any, **kwargs: Any) -> None:
        if not _financing_write.is_set():
            stored = type(self)._get_collection().find_one({"_id": self.pk}, {"status": 1})
            if (stored or {}).get("status") == CLOSED:
                raise CountClosed(CLOSED_MESSAGE)
        super().delete(*args, **kwargs)


class ScenarioLine(EmbeddedDocument):
    code = TextField(required=True, max_length=40)
    workload = TextField(required=True, choices=list(WORKLOADS))
    head_count = IntField(required=True, min_value=1, max_value=99)


class TeamScenario(Document):
    """A named composition of a pole's team, for one school year. Never a commitment: a
    scenario changes no convention."""

    pole = ReferenceField(Pole, required=True)
    pole_number = IntField(required=True)
    school_year = TextField(required=True, regex=SCHOOL_YEAR_REGEX)
    name = TextField(required=True, max_length=120)
    lines = EmbeddedDocumentListField(ScenarioLine)
    version = IntField(default=1)
    created_at = DateTimeField(default=utcnow)
    created_by = TextField()
    updated_at = DateTimeField(default=utcnow)
    updated_by = TextField()

    meta = {
        "collection": "team_scenarios",
        "indexes": [
            {"fields": ["pole", "school_year", "name"], "unique": True},
            ("pole", "-updated_at"),
        ],
    }
