"""Clients of the read-only JSON API: other ministry systems, each with its own token."""

from mongoengine import DateTimeField, Document, ListField, StringField

from app.models.base import utcnow
from app.models.fields import TextField
from app.rules.api import SCOPES


class ApiClient(Document):
    """A system allowed to read ``/api/v1/``. Only the SHA-256 of its token is kept: the
    token itself is shown once, at creation."""

    name = TextField(required=True, max_length=100, verbose_name="Nom")
    token_digest = StringField(required=True, unique=True, max_length=64)
    token_hint = StringField(max_length=12)  # the token's first characters, to recognise it
    scopes = ListField(StringField(choices=list(SCOPES.items())))
    created_at = DateTimeField(default=utcnow)
    created_by = StringField(max_length=100)
    revoked_at = DateTimeField()
    revoked_by = StringField(max_length=100)
    last_used_at = DateTimeField()

    meta = {"collection": "api_clients", "indexes": ["name", "-created_at"]}

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def __str__(self) -> str:
        return self.name
