"""``make run`` on the embedded store: the worker is a second process on the same files."""

import time

import mongoengine

from app.models.outbox import OutboxMessage
from app.rules.delivery import MessageStatus
from app.serve import start_worker, stop_worker
from app.services import outbox
from tests.conftest import make_app


def test_the_child_worker_delivers_what_the_server_process_queued(tmp_path, monkeypatch):
    store = tmp_path / "store"
    monkeypatch.setenv("MONGODB_URI", "")
    monkeypatch.setenv("EPOLES_DATA_DIR", str(store))
    monkeypatch.delenv("MAIL_SERVER", raising=False)
    app = make_app(tmp_path, MONGODB_URI="", EPOLES_DATA_DIR=str(store))
    with app.app_context():
        message = outbox.queue("a@example.org", "Objet", "Corps")
        worker = start_worker()
        try:
            deadline = time.monotonic() + 60
            status = message.status
            # Claimed (« sending ») before it is logged: wait for the worker to finish with it.
            waiting = (MessageStatus.PENDING, MessageStatus.SENDING)
            while time.monotonic() < deadline and status in waiting:
                time.sleep(0.3)
                status = OutboxMessage.objects.get(pk=message.pk).status
        finally:
            stop_worker(worker)
        # No SMTP server configured: the worker wrote it to its log, seen from this process.
        assert status == MessageStatus.LOGGED
        assert worker.returncode is not None
    mongoengine.disconnect_all()
