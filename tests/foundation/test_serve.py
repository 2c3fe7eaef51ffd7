"""``make run``'s server on the embedded store: seeded in one thread, served from another."""

import errno
import threading
import urllib.request

import mongoengine

from app.serve import make_server, prepare
from tests.conftest import make_app


def _serve(server) -> None:
    """Run waitress until closed: closing from the test's thread may pull the listening socket
    out from under a ``select`` in progress, which ends the loop with EBADF."""
    try:
        server.run()
    except OSError as exc:
        if exc.errno != errno.EBADF:
            raise


def test_embedded_store_is_served_from_the_worker_thread(tmp_path):
    app = make_app(tmp_path, MONGODB_URI="", EPOLES_DATA_DIR=str(tmp_path / "store"))
    prepare(app)  # seeds the demo data in this thread
    server = make_server(app, "127.0.0.1", 0)
    thread = threading.Thread(target=_serve, args=(server,), daemon=True)
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
        server.close()
        thread.join(timeout=5)
        mongoengine.disconnect_all()
