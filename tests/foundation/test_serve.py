"""``make run``'s server on the embedded store: seeded in one thread, served from another."""

import threading
import urllib.request

import mongoengine

from app.serve import make_server, prepare
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
