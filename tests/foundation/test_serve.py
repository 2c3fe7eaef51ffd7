"""``make run``'s server on the embedded store: seeded in one thread, served from another."""

import threading
import urllib.request

import mongoengine

from app.serve import make_server, prepare
from tests.conftest import make_app


def test_embedded_store_is_served_from_the_worker_thread(tmp_path):
    app = make_app(tmp_path, MONGODB_URI="", EPOLES_DATA_DIR=str(tmp_path / "store"))
    prepare(app)  # seeds the demo data in this thread
    server = make_server(app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.run, daemon=True)
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
