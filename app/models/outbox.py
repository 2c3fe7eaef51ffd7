"""The outbox: every e-mail the application writes, kept whether or not SMTP delivered it."""

from mongoengine import DateTimeField, Document, StringField

from app.models.base import utcnow


class OutboxMessage(Document):
    """One e-mail. ``sent_at`` is set once SMTP accepted it; ``error`` says why it was not."""

    to = StringField(required=True, max_length=200)
    subject = StringField(required=True, max_length=300)
    body = StringField(required=True)
    created_at = DateTimeField(default=utcnow)
    sent_at = DateTimeField()
    error = StringField(max_length=500)
    # What the message is about, e.g. "request:EP-2026-000001" (for the support staff).
    topic = StringField(max_length=100)

    meta = {"collection": "outbox", "indexes": ["-created_at", "sent_at", "to"]}

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"
