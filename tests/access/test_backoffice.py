"""The back-office views of access management: read-only, for support and Administration."""

import pytest

from app import mail
from app.models import OutboxMessage, User
from app.services import access
from tests.access.helpers import director_form
from tests.conftest import login


@pytest.mark.parametrize(
    ("username", "expected"), [("support", 200), ("admin", 200), ("gestionnaire", 403)]
)
def test_outbox_and_requests_views(demo, client, username, expected):
    req = access.submit_request(director_form())
    access.approve_request(req, User.objects.get(username="admin"))
    login(client, username)
    outbox = client.get("/admin/outbox_admin/")
    assert outbox.status_code == expected
    requests = client.get("/admin/access_requests_admin/")
    assert requests.status_code == expected
    if expected == 200:
        assert "camille.lambotte@meuse.example" in outbox.get_data(as_text=True)
        assert req.reference in requests.get_data(as_text=True)
        message = OutboxMessage.objects.get()
        detail = client.get(f"/admin/outbox_admin/details/?id={message.pk}")
        assert "/mot-de-passe/" in detail.get_data(as_text=True)
        assert client.get(f"/admin/outbox_admin/edit/?id={message.pk}").status_code != 200


def test_without_smtp_the_message_goes_to_the_log(demo, caplog):
    access.queue_mail("a@example.org", "Objet", "Corps du message")
    with caplog.at_level("INFO", logger="app.mail"):
        assert mail.deliver_pending({"MAIL_SERVER": ""}) == 0
    assert "Corps du message" in caplog.text
    assert OutboxMessage.objects.get().error == mail.NO_SMTP
    assert mail.deliver_pending({"MAIL_SERVER": ""}) == 0  # logged once


def test_smtp_delivery_and_failure(demo, monkeypatch):
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            assert host == "smtp.example" and port == 2525

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def send_message(self, message):
            if message["To"] == "refuse@example.org":
                raise OSError("boîte refusée")
            sent.append(message)

    monkeypatch.setattr(mail.smtplib, "SMTP", FakeSMTP)
    access.queue_mail("ok@example.org", "Objet", "Corps")
    access.queue_mail("refuse@example.org", "Objet", "Corps")
    config = {"MAIL_SERVER": "smtp.example", "MAIL_PORT": 2525, "MAIL_FROM": "e-poles@x"}
    assert mail.deliver_pending(config) == 1
    assert sent[0]["To"] == "ok@example.org" and sent[0]["From"] == "e-poles@x"
    assert OutboxMessage.objects.get(to="ok@example.org").sent_at is not None
    assert "refusée" in OutboxMessage.objects.get(to="refuse@example.org").error
