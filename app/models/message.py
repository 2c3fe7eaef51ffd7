"""Messages shown on the home page (user guide §7): « Messages applicatifs » written by the
Administration for everyone or for one profile, and « Mes messages » addressed to a school or
to an organising authority."""

from datetime import datetime
from typing import Any

from mongoengine import (
    DateTimeField,
    Document,
    Q,
    ReferenceField,
    ValidationError,
)

from app.models.base import ref_id, utcnow
from app.models.fields import TextField
from app.models.labels import Label
from app.models.organisation import OrganisingAuthority
from app.models.school import School
from app.rules.roles import ROLE_LABELS, Role

AUDIENCE_ALL = "all"
AUDIENCE_SCHOOL = "school"
AUDIENCE_PO = "po"
AUDIENCE_LABELS: dict[str, str] = {
    AUDIENCE_ALL: "Tous les utilisateurs",
    **{r.value: f"Profil : {ROLE_LABELS[r]}" for r in Role},
    AUDIENCE_SCHOOL: "Une école (« Mes messages »)",
    AUDIENCE_PO: "Un pouvoir organisateur (« Mes messages »)",
}
# Addressed to a school or a PO: the « Mes messages » box; the others: « Messages applicatifs ».
PERSONAL_AUDIENCES = frozenset({AUDIENCE_SCHOOL, AUDIENCE_PO})


class Message(Document):
    title = TextField(required=True, max_length=200)
    body = TextField(required=True, max_length=5000)
    audience = TextField(required=True, default=AUDIENCE_ALL, choices=list(AUDIENCE_LABELS.items()))
    school = ReferenceField(School)
    po = ReferenceField(OrganisingAuthority)
    published_from = DateTimeField(required=True, default=utcnow)
    published_until = DateTimeField()
    created_by = TextField(max_length=64)
    created_at = DateTimeField(default=utcnow)

    meta = {
        "collection": "messages",
        "ordering": ["-published_from"],
        "indexes": ["audience", "school", "po", "-published_from"],
    }

    def clean(self) -> None:
        self.title = (self.title or "").strip()
        self.body = (self.body or "").strip()
        if not self.title:
            raise ValidationError("Le titre du message est obligatoire.")
        if not self.body:
            raise ValidationError("Le texte du message est obligatoire.")
        if self.audience == AUDIENCE_SCHOOL and ref_id(self, "school") is None:
            raise ValidationError("Un message adressé à une école doit préciser l'école.")
        if self.audience == AUDIENCE_PO and ref_id(self, "po") is None:
            raise ValidationError(
                "Un message adressé à un pouvoir organisateur doit préciser le pouvoir "
                "organisateur."
            )
        if self.audience != AUDIENCE_SCHOOL:
            self.school = None
        if self.audience != AUDIENCE_PO:
            self.po = None
        if self.published_from is None:
            self.published_from = utcnow()
        if self.published_until and self.published_until <= self.published_from:
            raise ValidationError("La fin de publication doit suivre son début.")

    audience_label = Label("audience", AUDIENCE_LABELS)

    @property
    def is_personal(self) -> bool:
        return self.audience in PERSONAL_AUDIENCES

    def __str__(self) -> str:
        return self.title


def published(now: datetime | None = None) -> Q:
    """Messages on display at ``now``."""
    now = now or utcnow()
    return Q(published_from__lte=now) & (Q(published_until=None) | Q(published_until__gt=now))


def messages_for(
    roles: set[str], school_ids: set[Any], po_ids: set[Any], now: datetime | None = None
) -> tuple[list[Message], list[Message]]:
    """(« Messages applicatifs », « Mes messages ») of a user, in one query."""
    audience = Q(audience__in=[AUDIENCE_ALL, *sorted(roles)])
    if school_ids:
        audience |= Q(audience=AUDIENCE_SCHOOL, school__in=list(school_ids))
    if po_ids:
        audience |= Q(audience=AUDIENCE_PO, po__in=list(po_ids))
    found = list(Message.objects(published(now) & audience).limit(100))
    general = [m for m in found if not m.is_personal]
    personal = [m for m in found if m.is_personal]
    return general, personal
