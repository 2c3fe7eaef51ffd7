"""Fixtures of the PDF tests: text extraction, a local server counting hits, demo conventions."""

import io
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pypdf import PdfReader

from app.models import Convention, User


def pdf_text(data: bytes) -> str:
    """The text of every page, whitespace collapsed (line breaks of the layout removed)."""
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return norm(text)


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def assert_in_order(text: str, needles: list[str]) -> None:
    """Every needle appears in ``text``, each after the previous one."""
    position = 0
    for needle in needles:
        found = text.find(norm(needle), position)
        assert found >= 0, f"not found after position {position}: {needle[:80]!r}"
        position = found + len(norm(needle))


def user(username: str) -> User:
    return User.objects(username=username).get()


def demo_convention(kind: str, pole_number: int = 1, status: str | None = None) -> Convention:
    query = Convention.objects(kind=kind, pole_number=pole_number)
    if status:
        query = query.filter(status=status)
    conv = query.first()
    assert conv is not None, (kind, pole_number, status)
    return conv


class CountingServer:
    """An HTTP server on 127.0.0.1 that counts every request it receives."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.hits.append(self.path)
                body = b"body { color: red; }"
                self.send_response(200)
                self.send_header("Content-Type", "text/css")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@pytest.fixture
def counting_server() -> Iterator[CountingServer]:
    server = CountingServer()
    server.thread.start()
    try:
        yield server
    finally:
        server.server.shutdown()
        server.server.server_close()
