"""The access mails: always sent, whatever the recipient's notification preference.

Pure Python (no Flask): the rules only queue a message; the outbox worker delivers it.
"""

from app.models.outbox import OutboxMessage
from app.rules.delivery import Category
from app.services import outbox


def queue_mail(to: str, subject: str, body: str, *, topic: str | None = None) -> OutboxMessage:
    """Write an access (security) e-mail to the outbox for ``flask outbox work`` to send."""
    return outbox.queue(to, subject, body, topic=topic, category=Category.SECURITY)
