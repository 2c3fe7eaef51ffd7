"""Delivering the outbox: SMTP when ``MAIL_SERVER`` is configured, otherwise the log.

The rules only write messages to the outbox (``app.services.access.queue_mail``); this module
sends what is pending. Without SMTP (local demo), the full message goes to the log, which
is then the only way to read it, e.g. the one-time link of a new account.
"""

import logging
import smtplib
from collections.abc import Mapping
from email.message import EmailMessage
from typing import Any

from app.models.base import utcnow
from app.models.outbox import OutboxMessage

log = logging.getLogger("app.mail")

NO_SMTP = "Aucun serveur SMTP configuré : message consigné dans le journal de l'application."


def _send(message: OutboxMessage, config: Mapping[str, Any]) -> None:
    mail = EmailMessage()
    mail["From"] = config.get("MAIL_FROM") or "e-poles@cfwb.be"
    mail["To"] = message.to
    mail["Subject"] = message.subject
    mail.set_content(message.body)
    port = int(config.get("MAIL_PORT") or 25)
    with smtplib.SMTP(config["MAIL_SERVER"], port, timeout=10) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(mail)


def deliver_pending(config: Mapping[str, Any], limit: int = 50) -> int:
    """Send (or log) the messages not sent yet; return how many SMTP accepted."""
    pending = OutboxMessage.objects(sent_at=None, error=None).order_by("created_at").limit(limit)
    sent = 0
    for message in pending:
        if not config.get("MAIL_SERVER"):
            log.info(
                "Courriel (pas de serveur SMTP configuré) pour %s – %s\n%s",
                message.to,
                message.subject,
                message.body,
            )
            OutboxMessage.objects(pk=message.pk).update_one(set__error=NO_SMTP)
            continue
        try:
            _send(message, config)
        except (OSError, smtplib.SMTPException) as exc:
            OutboxMessage.objects(pk=message.pk).update_one(set__error=str(exc)[:500])
            log.warning("Courriel pour %s non envoyé : %s", message.to, exc)
            continue
        OutboxMessage.objects(pk=message.pk).update_one(set__sent_at=utcnow())
        log.info("Courriel envoyé à %s – %s", message.to, message.subject)
        sent += 1
    return sent
