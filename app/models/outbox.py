"""The outbox: every e-mail the application writes, kept whether or not SMTP delivered it.

A message is written ``pending`` (or ``held`` for a user's daily digest) and a worker
(``flask outbox work``) claims it atomically, sends it, and records the outcome: ``sent``,
back to ``pending`` with a later ``next_attempt_at`` after a failure, ``failed`` once the
attempts are used up, or ``logged`` when no SMTP server is configured.
"""

from mongoengine import DateTimeField, Document, IntField

from app.models.base import utcnow
from app.models.fields import TextField
from app.rules.delivery import CATEGORIES, STATUSES, Category, MessageStatus


class OutboxMessage(Document):
    """One e-mail. ``sent_at`` is set once SMTP accepted it; ``error`` says why it was not."""

    to = TextField(required=True, max_length=200)
    subject = TextField(required=True, max_length=300)
    body = TextField(required=True)
    html = TextField()  # the HTML alternative, when the message has one
    created_at = DateTimeField(default=utcnow)
    sent_at = DateTimeField()
    error = TextField(max_length=500)
    # What the message is about, e.g. "request:EP-2026-000001" or "convention:<id>".
    topic = TextField(max_length=100)
    category = TextField(default=Category.SECURITY, choices=CATEGORIES)
    username = TextField(max_length=64)  # the recipient's account, when it has one
    status = TextField(default=MessageStatus.PENDING, choices=STATUSES)
    attempts = IntField(default=0)
    next_attempt_at = DateTimeField(default=utcnow)
    claimed_by = TextField(max_length=100)
    claimed_at = DateTimeField()
    # Unique when set: a reminder or digest written twice the same day is refused by the
    # database itself (e.g. "remind:<username>:<date>"), whatever the number of workers.
    key = TextField(max_length=200)

    meta = {
        "collection": "outbox",
        "indexes": [
            "-created_at",
            "sent_at",
            "to",
            ("status", "next_attempt_at", "created_at"),
            ("status", "claimed_at"),
            ("status", "username"),
            {"fields": ["key"], "unique": True, "sparse": True},
            ("topic", "-created_at"),
            "category",
        ],
    }

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"
