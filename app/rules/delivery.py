"""Delivery of the outbox, the pure part: statuses, the retry schedule, masking of links.

No Flask, no models: the worker (``app.services.outbox``) and the back-office views decide
with these functions.
"""

import re
from datetime import datetime, timedelta
from enum import StrEnum

from app.rules.choices import Choices


class MessageStatus(Choices):
    PENDING = "pending", "En attente d'envoi"  # waiting for a worker (maybe for its next attempt)
    SENDING = "sending", "En cours d'envoi"  # claimed by a worker
    SENT = "sent", "Envoyé"  # accepted by the SMTP server
    FAILED = "failed", "Échec définitif"  # every attempt failed: ``error`` says the last reason
    # No SMTP server configured: written to the application log.
    LOGGED = "logged", "Consigné dans le journal (pas de serveur SMTP)"
    HELD = "held", "Réservé pour le résumé quotidien"  # waits for its recipient's daily digest
    DIGESTED = "digested", "Envoyé dans le résumé quotidien"  # went out inside a digest


class Category(StrEnum):
    SECURITY = "security"  # access and security mails: always sent, whatever the preference
    WORKFLOW = "workflow"  # a step of a convention
    REMINDER = "reminder"
    DIGEST = "digest"


STATUSES = tuple(s.value for s in MessageStatus)
CATEGORIES = tuple(c.value for c in Category)

STATUS_LABELS: dict[str, str] = MessageStatus.labels()

# Seconds to wait before the 2nd, 3rd… attempt; after the last one the message fails.
BACKOFF_SECONDS: tuple[int, ...] = (60, 5 * 60, 30 * 60, 2 * 3600)
MAX_ATTEMPTS = len(BACKOFF_SECONDS) + 1
# A claim older than this is taken to belong to a worker that died while sending.
STALE_CLAIM = timedelta(minutes=15)


def next_attempt(attempts: int, now: datetime, max_attempts: int = MAX_ATTEMPTS) -> datetime | None:
    """When to try again after ``attempts`` failed attempts, or None: give up (failed)."""
    if attempts >= max_attempts:
        return None
    index = min(attempts - 1, len(BACKOFF_SECONDS) - 1)
    return now + timedelta(seconds=BACKOFF_SECONDS[max(index, 0)])


def stale_before(now: datetime) -> datetime:
    """Claims made before this moment may be taken over by another worker."""
    return now - STALE_CLAIM


# A one-time link: the password path followed by its token (kept out of back-office pages).
_ONE_TIME_LINK = re.compile(r"(/mot-de-passe/)[A-Za-z0-9_\-]+")
MASK = "•••••• (lien à usage unique masqué)"


def mask_one_time_links(text: str | None) -> str:
    """``text`` with every one-time token replaced by a mask: the back office never shows
    a link that would let its reader set someone else's password."""
    return _ONE_TIME_LINK.sub(lambda m: m.group(1) + MASK, text or "")
