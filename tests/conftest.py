"""Fixtures in the flaskr style: ``app`` → ``client``, plus the demo data and a login helper."""

import copy
import re
from collections.abc import Iterator

import mongoengine
import pytest
from flask import Flask
from flask.testing import FlaskClient

import app.models.user as user_module
from app import create_app

# Hashing dominates a seeded test's run time; the cost is lowered for tests only.
user_module.PASSWORD_HASH_METHOD = "scrypt:1024:8:1"

DEMO_PASSWORD = "Demo-2026"
CSRF_RE = re.compile(r'name="csrf-token" content="([^"]+)"')
CSRF_INPUT_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def make_app(tmp_path, **overrides) -> Flask:
    config = {
        "TESTING": True,
        "MONGODB_URI": "mongomock://",
        "SECRET_KEY": "test-secret",
        "EPOLES_DATA_DIR": str(tmp_path / "data"),
        "EPOLES_DEMO_PASSWORD": DEMO_PASSWORD,
        "SERVER_NAME": None,
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture
def app(tmp_path) -> Iterator[Flask]:
    application = make_app(tmp_path)

    # The context pushed below makes ``g`` outlive each request; a real server starts every
    # request with an empty ``g`` (Flask-Login caches the user there, Flask-WTF the token).
    @application.url_value_preprocessor
    def _fresh_g(endpoint, values) -> None:
        from flask import g

        g.__dict__.clear()

    with application.app_context():
        yield application


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


_DEMO_SNAPSHOT: dict[str, tuple] | None = None


def load_demo_cached() -> None:
    """Load the demo data set into the (mongomock) database of the current app.

    Seeding runs the whole workflow (routing, signatures, a sealed PDF) and takes seconds:
    it runs once per test process, and later tests get a deep copy of the stored collections.
    """
    global _DEMO_SNAPSHOT
    from seed.loader import load_demo

    databases = mongoengine.get_connection()._store
    store = databases[mongoengine.get_db().name]
    if _DEMO_SNAPSHOT is None:
        load_demo(DEMO_PASSWORD)
        _DEMO_SNAPSHOT = {
            name: (copy.deepcopy(col._documents), copy.deepcopy(col.indexes))
            for name, col in store._collections.items()
        }
        return
    for name, (documents, indexes) in _DEMO_SNAPSHOT.items():
        collection = store[name]
        collection._documents = copy.deepcopy(documents)
        collection.indexes = copy.deepcopy(indexes)


@pytest.fixture
def demo(app: Flask) -> Flask:
    """The demo data set of CONTRACT.md loaded into the test database."""
    load_demo_cached()
    return app


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    """The CSRF token of the client's session, read from a page like a browser would."""
    html = client.get(path, follow_redirects=True).get_data(as_text=True)
    found = CSRF_RE.search(html) or CSRF_INPUT_RE.search(html)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def login(client: FlaskClient, username: str, password: str = DEMO_PASSWORD):
    token = csrf_token(client, "/login")
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )


@pytest.fixture
def login_as(client: FlaskClient):
    def _login(username: str, password: str = DEMO_PASSWORD) -> FlaskClient:
        response = login(client, username, password)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return _login
