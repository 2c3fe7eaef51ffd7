"""``make run``'s server on the embedded store: seeded in one thread, served from another."""

import logging
import threading
import urllib.request

import mongoengine

from app.serve import AccessLog, configure_logging, make_server, prepare
from tests.conftest import make_app


def _serve_until(server, stop: threading.Event) -> None:  # type: ignore[no-untyped-def]
    """Serve in this thread until ``stop`` is set, then close the server *in this thread*.

    Closing from another thread while the loop waits in ``select`` on the listening socket is
    a race (``OSError: [Errno 9] Bad file descriptor``): the loop polls ``stop`` between short
    rounds instead, so the sockets are closed only once nothing waits on them.
    """
    try:
        while not stop.is_set():
            server.asyncore.loop(timeout=0.05, map=server._map, count=1)
    finally:
        server.close()


def test_embedded_store_is_served_from_the_worker_thread(tmp_path):
    app = make_app(tmp_path, MONGODB_URI="", EPOLES_DATA_DIR=str(tmp_path / "store"))
    prepare(app)  # seeds the demo data in this thread
    server = make_server(app, "127.0.0.1", 0)
    stop = threading.Event()
    thread = threading.Thread(target=_serve_until, args=(server, stop), daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.effective_port}"
        with urllib.request.urlopen(base + "/login", timeout=30) as response:
            html = response.read().decode()
        assert "Connexion à e-Pôles" in html
        assert "po-part1" in html  # demo data loaded, read from the worker thread
        with urllib.request.urlopen(base + "/health", timeout=30) as response:
            assert response.status == 200
    finally:
        stop.set()
        thread.join(timeout=30)
        mongoengine.disconnect_all()
    assert not thread.is_alive(), "the server thread did not stop"


def test_the_console_gets_one_access_line_per_request_and_no_token(app, caplog):
    from werkzeug.test import Client

    caplog.set_level(logging.INFO, logger="epoles.access")
    client = Client(AccessLog(app))
    client.get("/health")
    client.get("/mot-de-passe/abcdef-secret?x=1")
    lines = [r.getMessage() for r in caplog.records if r.name == "epoles.access"]
    assert len(lines) == 2
    assert '"GET /health" 200' in lines[0]
    assert "?x=1" not in lines[1]


def test_the_queue_depth_warnings_are_silenced():
    configure_logging()
    assert not logging.getLogger("waitress.queue").isEnabledFor(logging.WARNING)
    assert logging.getLogger("epoles.access").isEnabledFor(logging.INFO)
