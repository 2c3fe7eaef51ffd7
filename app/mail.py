"""The SMTP transport: one message to one server, with the ``MAIL_*`` settings.

The worker (``app.services.outbox``) decides what to send and records the outcome; this only
speaks SMTP (STARTTLS and login when configured, a timeout so that a hanging server cannot
hold a worker).
"""

import smtplib
from collections.abc import Mapping
from email.message import EmailMessage
from typing import Any

from app.models.outbox import OutboxMessage

# What a failed delivery may raise: the message is retried later.
DELIVERY_ERRORS: tuple[type[BaseException], ...] = (OSError, smtplib.SMTPException)


def describe(exc: BaseException) -> str:
    """A readable one-line reason for a failed delivery (SMTP replies decoded)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        reasons = [
            f"{rcpt} : {code} "
            + (text.decode("utf-8", "replace") if isinstance(text, bytes) else text)
            for rcpt, (code, text) in exc.recipients.items()
        ]
        return "Destinataire refusé par le serveur – " + "; ".join(reasons)
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error
        text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
        return f"{type(exc).__name__} : {exc.smtp_code} {text}"
    return f"{type(exc).__name__} : {exc}"


def build(message: OutboxMessage, sender: str) -> EmailMessage:
    """The e-mail of an outbox message: plain text, with its HTML alternative if any."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = message.to
    mail["Subject"] = message.subject
    mail.set_content(message.body)
    if message.html:
        mail.add_alternative(message.html, subtype="html")
    return mail


def send(message: OutboxMessage, config: Mapping[str, Any]) -> None:
    """Hand ``message`` to the SMTP server of ``config``; raise on any refusal or timeout."""
    port = int(config.get("MAIL_PORT") or 25)
    timeout = float(config.get("MAIL_TIMEOUT") or 10)
    mail = build(message, config.get("MAIL_FROM") or "e-poles@cfwb.be")
    with smtplib.SMTP(config["MAIL_SERVER"], port, timeout=timeout) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(mail)
