"""Failed-login counters, one document per key and window (``app.rules.throttle``)."""

from mongoengine import DateTimeField, Document, IntField

from app.models.fields import TextField


class LoginCounter(Document):
    """Failures counted by ``$inc`` (atomic on MongoDB); removed once past ``expires_at``
    (by the service, on ``app.clock``'s time: a TTL index would use the server's)."""

    # "pair:<account>|<address>|<n>", "address:<address>|<n>", "account:<account>|<n>"
    key = TextField(required=True, unique=True, max_length=400)
    failures = IntField(default=0)
    last_failure = DateTimeField()
    expires_at = DateTimeField(required=True)

    meta = {
        "collection": "login_counters",
        "indexes": ["expires_at"],
    }
