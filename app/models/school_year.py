"""School years: the campaign calendar the Administration maintains (DOMAIN.md §5).

The government fixes the leave days two years at a time, so each year's calendar is data:
first and last school day, the closures (breaks and single days off), the campaign deadline
(partnership, cooperation, ressort) and the amendment deadline (amendments taking effect the
year after). A year proposed from the rules stays « à confirmer » until confirmed.
"""

from datetime import date

from mongoengine import (
    BooleanField,
    DateField,
    DateTimeField,
    Document,
    EmbeddedDocument,
    EmbeddedDocumentListField,
    IntField,
)

from app.models.base import utcnow
from app.models.fields import TextField
from app.rules.calendar import Closure, YearCalendar
from app.rules.deadlines import DEFAULT_SOON_DAYS


class YearClosure(EmbeddedDocument):
    start = DateField(required=True)
    end = DateField(required=True)
    label = TextField(default="")


def as_date(value: object) -> date:
    """DateField values come back as datetimes from MongoDB: the date part."""
    return value.date() if hasattr(value, "date") and callable(value.date) else value  # type: ignore[return-value]


class SchoolYear(Document):
    label = TextField(required=True, unique=True, regex=r"^\d{4}-\d{4}$")
    first_day = DateField(required=True)
    last_day = DateField(required=True)
    campaign_deadline = DateField(required=True)
    amendment_deadline = DateField(required=True)
    closures = EmbeddedDocumentListField(YearClosure)
    current = BooleanField(default=False)  # the current campaign
    confirmed = BooleanField(default=True)  # False: proposed from the rules, « à confirmer »
    soon_days = IntField(default=DEFAULT_SOON_DAYS, min_value=0, max_value=120)
    updated_at = DateTimeField(default=utcnow)

    meta = {"collection": "school_years", "indexes": ["current", "first_day"]}

    def calendar(self) -> YearCalendar:
        return YearCalendar(
            label=self.label,
            first_day=as_date(self.first_day),
            last_day=as_date(self.last_day),
            closures=tuple(
                Closure(as_date(c.start), as_date(c.end), c.label or "") for c in self.closures
            ),
        )

    @property
    def status_label(self) -> str:
        return "confirmée" if self.confirmed else "à confirmer"

    def __str__(self) -> str:
        return self.label
