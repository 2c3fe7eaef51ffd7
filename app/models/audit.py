"""The audit trail: an append-only hash chain of events."""

from mongoengine import (
    DateTimeField,
    DictField,
    Document,
    IntField,
    ObjectIdField,
)

from app.models.base import utcnow
from app.models.fields import TextField


class AuditEvent(Document):
    seq = IntField(required=True, unique=True)  # position in the chain, gap-free
    at = DateTimeField(required=True, default=utcnow)
    actor = TextField()  # username, or "système"
    actor_id = ObjectIdField()
    action = TextField(required=True)
    outcome = TextField(required=True, default="ok", choices=["ok", "refused"])
    convention = ObjectIdField()
    target = TextField()  # what else the event is about: "user:<name>", "request:<ref>"…
    status_before = TextField()
    status_after = TextField()
    details = DictField()
    # The id of the pending event a change carried in its own document (see
    # ``app.services.audit.pending``): chaining it twice finds it here instead.
    origin = TextField()
    prev_hash = TextField(required=True)
    hash = TextField(required=True)

    meta = {
        "collection": "audit_events",
        "indexes": [
            "convention",
            "actor",
            "action",
            "-at",
            {"fields": ["origin"], "unique": True, "sparse": True},
        ],
        "ordering": ["seq"],
    }
