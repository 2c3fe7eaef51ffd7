"""The outbox: writing messages, and the worker that delivers them.

Messages are only *written* during a user's request (``queue``); a separate process,
``flask outbox work``, claims them one at a time with ``find_one_and_update`` (so several
workers never send the same message), sends them through SMTP and records the outcome:
sent, retried later with a growing delay, or failed with its error once the attempts are
used up. Without ``MAIL_SERVER`` (local demo) the message goes to the log instead.
"""

import logging
import os
import socket
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from mongoengine import NotUniqueError, Q

from app import mail
from app.models.base import utcnow
from app.models.outbox import OutboxMessage
from app.rules.delivery import MAX_ATTEMPTS, Category, MessageStatus, next_attempt, stale_before

log = logging.getLogger("app.mail")

NO_SMTP = "Aucun serveur SMTP configuré : message consigné dans le journal de l'application."


def queue(
    to: str,
    subject: str,
    body: str,
    *,
    html: str | None = None,
    topic: str | None = None,
    category: str = Category.SECURITY,
    username: str | None = None,
    hold: bool = False,
    key: str | None = None,
) -> OutboxMessage | None:
    """Write an e-mail to the outbox (``hold``: keep it for the recipient's daily digest).

    With a ``key`` the message is written once: a second message with the same key (a
    reminder of the same person the same day) is refused by the unique index, atomically,
    and None is returned.
    """
    message = OutboxMessage(
        to=to or "",
        subject=subject[:300],
        body=body,
        html=html,
        topic=topic,
        category=category,
        username=username,
        status=MessageStatus.HELD if hold else MessageStatus.PENDING,
        key=key,
    )
    try:
        message.save(force_insert=True)
    except NotUniqueError:
        return None
    log.info("Courriel mis en file pour %s : %s", to, subject)
    return message


def worker_id() -> str:
    """A name for this worker process, recorded on the messages it claims."""
    return f"{socket.gethostname()}:{os.getpid()}"


def claim(worker: str, now: datetime | None = None) -> OutboxMessage | None:
    """Take the next message due, atomically: one ``find_one_and_update`` on the outbox.

    Due: pending with its next attempt reached, or claimed so long ago that its worker is
    taken to have died. Two workers calling this at once get two different messages.
    """
    now = now or utcnow()
    due = Q(status=MessageStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=MessageStatus.SENDING, claimed_at__lt=stale_before(now)
    )
    return (
        OutboxMessage.objects(due)
        .order_by("next_attempt_at", "created_at")
        .modify(
            new=True,
            set__status=MessageStatus.SENDING,
            set__claimed_by=worker,
            set__claimed_at=now,
        )
    )


def _finish(message: OutboxMessage, worker: str, **update: Any) -> bool:
    """Record the outcome, only if this worker still holds the claim."""
    done = OutboxMessage.objects(
        pk=message.pk, status=MessageStatus.SENDING, claimed_by=worker
    ).update_one(unset__claimed_by=True, unset__claimed_at=True, **update)
    return bool(done)


def deliver(
    message: OutboxMessage,
    config: Mapping[str, Any],
    worker: str,
    now: datetime | None = None,
    transport: Callable[[OutboxMessage, Mapping[str, Any]], None] | None = None,
) -> str:
    """Send one claimed message; return its new status."""
    if not config.get("MAIL_SERVER"):
        log.info(
            "Courriel (pas de serveur SMTP configuré) pour %s – %s\n%s",
            message.to,
            message.subject,
            message.body,
        )
        _finish(message, worker, set__status=MessageStatus.LOGGED, set__error=NO_SMTP)
        return MessageStatus.LOGGED
    attempts = (message.attempts or 0) + 1
    try:
        (transport or mail.send)(message, config)
    except mail.DELIVERY_ERRORS as exc:
        error = mail.describe(exc)[:500]
        now = now or utcnow()
        limit = int(config.get("MAIL_MAX_ATTEMPTS") or MAX_ATTEMPTS)
        retry_at = next_attempt(attempts, now, limit)
        # A failed attempt: tried again at ``retry_at``, or given up once the attempts are
        # used up (then no next attempt is set).
        status = MessageStatus.FAILED if retry_at is None else MessageStatus.PENDING
        retry = {} if retry_at is None else {"set__next_attempt_at": retry_at}
        _finish(
            message, worker, set__status=status, set__attempts=attempts, set__error=error, **retry
        )
        if retry_at is None:
            log.error("Courriel pour %s abandonné après %s essais : %s", message.to, attempts, exc)
        else:
            log.warning("Courriel pour %s non envoyé (essai %s) : %s", message.to, attempts, exc)
        return status
    _finish(
        message,
        worker,
        set__status=MessageStatus.SENT,
        set__attempts=attempts,
        set__sent_at=utcnow(),
        unset__error=True,
    )
    log.info("Courriel envoyé à %s – %s", message.to, message.subject)
    return MessageStatus.SENT


def work_once(
    config: Mapping[str, Any],
    worker: str | None = None,
    now: datetime | None = None,
    limit: int = 500,
) -> dict[str, int]:
    """One pass: deliver every message due now (at most ``limit``); counts by outcome."""
    worker = worker or worker_id()
    counts: dict[str, int] = {}
    for _ in range(limit):
        message = claim(worker, now)
        if message is None:
            break
        outcome = deliver(message, config, worker, now)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def work(
    config: Mapping[str, Any],
    *,
    once: bool = False,
    interval: float = 5.0,
    daily: Callable[[], Any] | None = None,
    echo: Callable[[str], Any] = print,
) -> None:
    """The worker's loop: the day's ``daily`` jobs (reminders, digests), then deliver, then
    wait ``interval`` seconds; ``once``: a single pass."""
    worker = worker_id()
    while True:
        if daily is not None:
            daily()
        counts = work_once(config, worker)
        if counts:
            echo(
                "Courriels : "
                + ", ".join(f"{status} {number}" for status, number in sorted(counts.items()))
            )
        if once:
            return
        time.sleep(interval)
