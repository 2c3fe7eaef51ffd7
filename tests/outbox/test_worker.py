"""The outbox worker against real SMTP servers on loopback (aiosmtpd), and its claims."""

import time
from datetime import timedelta
from email import message_from_bytes
from email.policy import default

from app.models import OutboxMessage
from app.models.base import utcnow
from app.rules.delivery import MAX_ATTEMPTS, STALE_CLAIM, MessageStatus
from app.services import outbox


def _config(port: int, **extra) -> dict:
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_FROM": "e-poles@x.be", **extra}


def test_a_message_is_delivered_as_text_and_html(app, smtp_server):
    inbox, port = smtp_server
    outbox.queue("a@example.org", "Objet é", "Corps du message", html="<p>Corps <b>HTML</b></p>")
    assert outbox.work_once(_config(port)) == {"sent": 1}
    ((sender, rcpts, content),) = inbox.messages
    assert sender == "e-poles@x.be" and rcpts == ["a@example.org"]
    mail = message_from_bytes(content, policy=default)
    assert mail["Subject"] == "Objet é"
    assert mail.get_body(("plain",)).get_content().strip() == "Corps du message"
    assert "<b>HTML</b>" in mail.get_body(("html",)).get_content()
    stored = OutboxMessage.objects.get()
    assert stored.status == MessageStatus.SENT and stored.sent_at and stored.attempts == 1
    assert outbox.work_once(_config(port)) == {}  # sent once only
    assert len(inbox.messages) == 1


def test_starttls_and_login_come_from_the_settings(app, tls_smtp_server):
    inbox, port = tls_smtp_server
    outbox.queue("a@example.org", "Objet", "Corps")
    without_tls = _config(port, MAIL_USERNAME="epoles", MAIL_PASSWORD="s3cret")
    assert outbox.work_once(without_tls) == {"pending": 1}
    assert "AUTH" in OutboxMessage.objects.get().error  # offered only after STARTTLS
    right = _config(port, MAIL_USE_TLS=True, MAIL_USERNAME="epoles", MAIL_PASSWORD="s3cret")
    later = utcnow() + timedelta(hours=1)
    assert outbox.work_once(right, now=later) == {"sent": 1}
    assert len(inbox.messages) == 1


def test_a_refusing_server_means_retries_with_backoff_then_failed(app, refusing_smtp_server):
    inbox, port = refusing_smtp_server
    outbox.queue("refuse@example.org", "Objet", "Corps")
    now = utcnow()
    assert outbox.work_once(_config(port), now=now) == {"pending": 1}
    message = OutboxMessage.objects.get()
    assert message.attempts == 1 and "550" in message.error
    first_delay = message.next_attempt_at - now
    assert timedelta(seconds=30) < first_delay <= timedelta(minutes=2)
    assert outbox.work_once(_config(port), now=now) == {}  # not due yet
    delays = [first_delay]
    for _ in range(MAX_ATTEMPTS - 2):
        now = OutboxMessage.objects.get().next_attempt_at
        assert outbox.work_once(_config(port), now=now) == {"pending": 1}
        delays.append(OutboxMessage.objects.get().next_attempt_at - now)
    assert delays == sorted(delays) and delays[-1] > delays[0]  # growing delays
    now = OutboxMessage.objects.get().next_attempt_at
    assert outbox.work_once(_config(port), now=now) == {"failed": 1}
    failed = OutboxMessage.objects.get()
    assert failed.status == MessageStatus.FAILED and failed.attempts == MAX_ATTEMPTS
    assert "Destinataire refusé" in failed.error
    assert outbox.work_once(_config(port), now=now + timedelta(days=1)) == {}
    assert inbox.messages == []


def test_a_hanging_server_times_out_and_the_message_waits(app, hanging_smtp_server):
    outbox.queue("a@example.org", "Objet", "Corps")
    started = time.monotonic()
    counts = outbox.work_once(_config(hanging_smtp_server, MAIL_TIMEOUT=1))
    assert time.monotonic() - started < 5
    assert counts == {"pending": 1}
    message = OutboxMessage.objects.get()
    assert message.status == MessageStatus.PENDING and "timed out" in message.error.lower()


def test_max_attempts_setting(app, refusing_smtp_server):
    _, port = refusing_smtp_server
    outbox.queue("a@example.org", "Objet", "Corps")
    now = utcnow()
    config = _config(port, MAIL_MAX_ATTEMPTS=2)
    assert outbox.work_once(config, now=now) == {"pending": 1}
    assert outbox.work_once(config, now=now + timedelta(hours=1)) == {"failed": 1}


def test_without_smtp_the_message_goes_to_the_log(app, caplog):
    outbox.queue("a@example.org", "Objet", "Corps du message")
    with caplog.at_level("INFO", logger="app.mail"):
        assert outbox.work_once({"MAIL_SERVER": ""}) == {"logged": 1}
    assert "Corps du message" in caplog.text
    assert OutboxMessage.objects.get().error == outbox.NO_SMTP
    assert outbox.work_once({"MAIL_SERVER": ""}) == {}  # logged once


def test_two_workers_interleaved_never_take_the_same_message(app, smtp_server):
    _inbox, port = smtp_server
    for n in range(3):
        outbox.queue(f"p{n}@example.org", f"Objet {n}", "Corps")
    first = outbox.claim("worker-a")
    second = outbox.claim("worker-b")
    third = outbox.claim("worker-a")
    assert len({first.pk, second.pk, third.pk}) == 3
    assert outbox.claim("worker-b") is None
    # Each worker records only what it holds: b cannot finish a's message.
    assert outbox.deliver(first, _config(port), "worker-b") == MessageStatus.SENT
    assert OutboxMessage.objects.get(pk=first.pk).status == MessageStatus.SENDING
    for message, worker in ((first, "worker-a"), (second, "worker-b"), (third, "worker-a")):
        outbox.deliver(message, _config(port), worker)
    assert sorted(OutboxMessage.objects.distinct("status")) == [MessageStatus.SENT]


def test_a_claim_left_by_a_dead_worker_is_taken_over(app, smtp_server):
    inbox, port = smtp_server
    outbox.queue("a@example.org", "Objet", "Corps")
    now = utcnow()
    assert outbox.claim("dead-worker", now) is not None
    assert outbox.claim("worker-b", now + timedelta(minutes=1)) is None
    taken = outbox.claim("worker-b", now + STALE_CLAIM + timedelta(seconds=1))
    assert taken is not None and taken.claimed_by == "worker-b"
    # The dead worker's late outcome is ignored; the new owner's counts.
    assert not outbox._finish(taken, "dead-worker", set__status=MessageStatus.SENT)
    assert outbox.deliver(taken, _config(port), "worker-b") == MessageStatus.SENT
    assert len(inbox.messages) == 1


def test_held_messages_wait_for_the_digest(app, smtp_server):
    _, port = smtp_server
    outbox.queue("a@example.org", "Objet", "Corps", hold=True, username="someone")
    assert outbox.work_once(_config(port)) == {}
    assert OutboxMessage.objects.get().status == MessageStatus.HELD


def test_flask_outbox_work_once(app, smtp_server):
    inbox, port = smtp_server
    outbox.queue("a@example.org", "Objet", "Corps")
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    result = app.test_cli_runner().invoke(args=["outbox", "work", "--once"])
    assert result.exit_code == 0, result.output
    assert "sent 1" in result.output
    assert len(inbox.messages) == 1


def test_requests_never_send(demo, client, smtp_server, monkeypatch):
    """A clerk's decision only writes the outbox: no SMTP connection inside the request."""
    from app import mail
    from app.models import User
    from app.services import access
    from tests.access.helpers import director_form
    from tests.conftest import login

    def forbidden(*args, **kwargs):
        raise AssertionError("SMTP used inside a request")

    monkeypatch.setattr(mail, "send", forbidden)
    req = access.submit_request(director_form())
    client.application.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server[1])
    login(client, "support")
    from tests.conftest import csrf_token

    token = csrf_token(client, f"/support/demandes/{req.reference}")
    response = client.post(
        f"/support/demandes/{req.reference}/accepter", data={"csrf_token": token}
    )
    assert response.status_code == 302
    assert User.objects(username=req.person.username).first() is not None
    assert OutboxMessage.objects(status=MessageStatus.PENDING).count() == 1
