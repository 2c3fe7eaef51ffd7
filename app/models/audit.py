"""The audit trail: an append-only hash chain of events."""

from mongoengine import (
    DateTimeField,
    DictField,
    Document,
    IntField,
    ObjectIdField,
    StringField,
)

from app.models.base import utcnow


class AuditEvent(Document):
    seq = IntField(required=True, unique=True)  # position in the chain, gap-free
    at = DateTimeField(required=True, default=utcnow)
    actor = StringField()  # username, or "système"
    actor_id = ObjectIdField()
    action = StringField(required=True)
    outcome = StringField(required=True, default="ok", choices=["ok", "refused"])
    convention = ObjectIdField()
    target = StringField()  # what else the event is about: "user:<name>", "request:<ref>"…
    status_before = StringField()
    status_after = StringField()
    details = DictField()
    prev_hash = StringField(required=True)
    hash = StringField(required=True)

    meta = {
        "collection": "audit_events",
        "indexes": ["convention", "actor", "action", "-at"],
        "ordering": ["seq"],
    }
