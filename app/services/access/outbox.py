"""The outbox of access management: e-mails the rules write for ``app.mail`` to send.

Pure Python (no Flask): the rules only queue a message; delivery (SMTP or the log) happens
outside the request that decided.
"""

import logging

from app.models.outbox import OutboxMessage

log = logging.getLogger(__name__)


def queue_mail(to: str, subject: str, body: str, *, topic: str | None = None) -> OutboxMessage:
    """Write an e-mail to the outbox; ``app.mail.deliver_pending`` sends it (SMTP) or logs it."""
    message = OutboxMessage(to=to or "", subject=subject, body=body, topic=topic).save()
    log.info("Courriel mis en file pour %s : %s", to, subject)
    return message
